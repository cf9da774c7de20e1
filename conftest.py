"""Project-wide pytest fixtures: API clients for each kind of caller, a headless browser, and the
check that a moved clock moved."""

import os
import shutil
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from rest_framework.test import APIClient


@pytest.fixture(autouse=True)
def _fresh_exchange_rate_table() -> None:
    """Each test starts like a new process: no cached rate table from rows an earlier test rolled back.

    (Rolled-back ids are reused on SQLite, so the table's fingerprint, the highest id, could match.)
    """
    from core.selectors import exchange_rate_table_forget

    exchange_rate_table_forget()


@pytest.fixture(autouse=True)
def _language_of_a_new_thread() -> Iterator[None]:
    """Each test starts in the default language, as a new thread does.

    LocaleMiddleware activates the request's language for the thread and nothing deactivates it,
    so a test that sent ``Accept-Language: ru`` would otherwise leave the errors raised by the next
    test's service calls in Russian.
    """
    from django.utils import translation

    translation.deactivate()
    yield
    translation.deactivate()


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
    """An API client authenticated with the user's token, as a mobile app would call.

    The token lives ten years (not AUTH_TOKEN_TTL): tests travel months ahead with one client
    (a new customs year, a payout hold). Expiry itself is tested through the login endpoint
    (accounts/tests/test_tokens.py)."""

    def make(user) -> APIClient:  # type: ignore[no-untyped-def]
        from accounts.services import api_token_issue

        client = APIClient()
        token = api_token_issue(user=user, ttl=timedelta(days=3650))
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
    if item.get_closest_marker("browser") and not shutil.which(CHROMIUM):
        message = f"needs Debian's chromium ({CHROMIUM}); `make test` installs it when it can"
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


# --- Browser tests: Playwright drives Debian's chromium (never a browser of its own download)
# against pytest-django's live server. Mark them `@pytest.mark.browser`.

CHROMIUM = os.environ.get("KARAVAN_CHROMIUM", "/usr/bin/chromium")
#: The flags this machine needs: no sandbox as root, and no background connections that a closed
#: network refuses (DEPENDENCIES.md).
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]
PHONE = {"width": 375, "height": 812}
DESKTOP = {"width": 1366, "height": 900}
#: Screenshots of the main pages (`var/` is ignored by git); the closing notes list them.
SCREENSHOTS = Path(__file__).resolve().parent / "var" / "screenshots"


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """One chromium per test module: Playwright's sync API keeps an event loop running in this
    thread while it is open, and other modules' tests call ``asyncio.run()`` (live events)."""
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in the test thread; Django's ORM refuses to run in
    # such a thread unless told the calls are really synchronous (they are: one test thread).
    # Only while this module's browser is open: subprocesses started by other tests (a production
    # `check --deploy`) must not inherit it.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            launched = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
            yield launched
            launched.close()
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture
def new_page(browser: Any, live_server: Any) -> Iterator[Callable[..., Any]]:
    """``new_page(viewport=PHONE, locale="ru")``: a page in a fresh context on the live server."""
    contexts: list[Any] = []

    def make(*, viewport: dict[str, int] = DESKTOP, locale: str = "en") -> Any:
        context = browser.new_context(viewport=viewport, locale=locale, base_url=live_server.url)
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(20_000)
        return page

    yield make
    for context in contexts:
        context.close()


def screenshot(page: Any, name: str) -> Path:
    """Save a full-page screenshot as var/screenshots/<name>.png and return its path."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path
