"""Project-wide pytest fixtures: API clients for each kind of caller; the check that a moved clock moved."""

import os
from datetime import UTC, datetime, timedelta

import pytest
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient


@pytest.fixture
def api_client() -> APIClient:
    return APIClient()


@pytest.fixture
def make_user(db):  # type: ignore[no-untyped-def]
    from accounts.models import User

    counter = {"n": 0}

    def make(email: str | None = None, password: str = "correct-horse-battery-9", **fields: object) -> User:
        counter["n"] += 1
        return User.objects.create_user(email=email or f"user{counter['n']}@example.com", password=password, **fields)

    return make


@pytest.fixture
def client_for():  # type: ignore[no-untyped-def]
    """An API client authenticated with the user's token, as a mobile app would call."""

    def make(user) -> APIClient:  # type: ignore[no-untyped-def]
        client = APIClient()
        token, _ = Token.objects.get_or_create(user=user)
        client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
        return client

    return make


def _services_required() -> bool:
    return os.environ.get("KARAVAN_REQUIRE_SERVICES") == "1"


def pytest_runtest_setup(item: pytest.Item) -> None:
    """`postgres` tests need real row locks; on the embedded SQLite they are skipped, in CI they must run."""
    if item.get_closest_marker("postgres"):
        from django.db import connection

        if connection.vendor != "postgresql":
            message = "needs PostgreSQL (set DATABASE_URL); SQLite has no row-level locks"
            if _services_required():
                pytest.fail(message)
            pytest.skip(message)
    if item.get_closest_marker("worker"):
        from django.conf import settings

        if not settings.CELERY_BROKER_URL:
            message = "needs a broker (set CELERY_BROKER_URL) to start a real Celery worker"
            if _services_required():
                pytest.fail(message)
            pytest.skip(message)


def pytest_configure(config: pytest.Config) -> None:
    """Refuse a moved-clock session whose clock did not move (say, run with other settings): it would prove nothing."""
    target = os.environ.get("KARAVAN_TEST_CLOCK", "")
    if not target:
        return
    start = datetime.fromisoformat(target)
    start = start if start.tzinfo else start.replace(tzinfo=UTC)
    now = datetime.now(UTC)
    # The clock starts at the target and runs on: a process sees a little after it, never before, never days after.
    if not start - timedelta(minutes=1) <= now <= start + timedelta(hours=12):
        raise pytest.UsageError(f"KARAVAN_TEST_CLOCK is {target} but this process reads {now:%Y-%m-%dT%H:%M:%SZ}")


def pytest_report_header(config: pytest.Config) -> str:
    now = datetime.now(UTC)
    moved = " (moved: KARAVAN_TEST_CLOCK)" if os.environ.get("KARAVAN_TEST_CLOCK") else ""
    return f"clock: {now:%Y-%m-%d %H:%M} UTC, a {now:%A}{moved}"
