"""Project-wide pytest fixtures: API clients for each kind of caller."""

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
    import os

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
    if item.get_closest_marker("redis"):
        from django.conf import settings

        if not settings.LIVE_EVENTS_REDIS_URL:
            message = "needs Redis (set LIVE_EVENTS_REDIS_URL, or a redis:// CELERY_BROKER_URL or CACHE_URL)"
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
