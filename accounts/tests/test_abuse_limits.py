"""Abuse limits an attacker cannot step around (issue 17, item 1): throttles count the real client
address, not one the client wrote into X-Forwarded-For; the admin and API logins lock out after
repeated failures, even for the right password; a 429 says when to come back (Retry-After)."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.test import Client
from rest_framework.throttling import ScopedRateThrottle

from accounts.models import User

pytestmark = pytest.mark.django_db

PASSWORD = "silk-Road-2026"
CLOCK = datetime(2026, 12, 2, 9, 0, tzinfo=UTC)


@pytest.fixture
def generous_login_throttle(monkeypatch: pytest.MonkeyPatch) -> None:
    """Lockout tests make more failures than the test settings' 5 logins a minute allow."""
    monkeypatch.setitem(ScopedRateThrottle.THROTTLE_RATES, "login", "1000/min")


def _login(client, password: str, *, forwarded_for: str | None = None, remote_addr: str = "127.0.0.1"):  # type: ignore[no-untyped-def]
    extra = {"REMOTE_ADDR": remote_addr}
    if forwarded_for:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded_for
    return client.post("/api/v1/auth/token/", {"email": "target@example.com", "password": password}, **extra)


def test_login_throttle_ignores_a_spoofed_forwarded_for(api_client, make_user) -> None:
    make_user(email="target@example.com", password=PASSWORD)
    statuses = [_login(api_client, f"guess-{n}", forwarded_for=f"10.0.{n}.1").status_code for n in range(6)]
    # Test settings allow 5 logins a minute per client: a new X-Forwarded-For each time changes nothing.
    assert statuses == [400] * 5 + [429]


def test_register_throttle_ignores_a_spoofed_forwarded_for(api_client, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(ScopedRateThrottle.THROTTLE_RATES, "register", "3/min")
    statuses = [
        api_client.post(
            "/api/v1/auth/register/",
            {"email": f"bot{n}@example.com", "password": "steppe-Wind-2026"},
            format="json",
            HTTP_X_FORWARDED_FOR=f"198.51.100.{n}",
        ).status_code
        for n in range(5)
    ]
    assert statuses == [201, 201, 201, 429, 429]
    assert User.objects.count() == 3


def test_behind_one_trusted_proxy_the_address_it_appended_counts(api_client, make_user, settings) -> None:
    """NUM_PROXIES=1: the proxy's entry (the rightmost) is the client, whatever the client wrote before it."""
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "NUM_PROXIES": 1}
    make_user(email="target@example.com", password=PASSWORD)
    spoofed = [_login(api_client, "guess", forwarded_for=f"10.9.9.{n}, 203.0.113.5").status_code for n in range(6)]
    assert spoofed == [400] * 5 + [429]
    # Another real client (another address appended by the proxy) has its own allowance.
    assert _login(api_client, PASSWORD, forwarded_for="203.0.113.77").status_code == 200


def test_a_throttled_answer_says_when_to_come_back(api_client, make_user) -> None:
    make_user(email="target@example.com", password=PASSWORD)
    for n in range(5):
        _login(api_client, f"guess-{n}")
    response = _login(api_client, PASSWORD)
    assert response.status_code == 429
    assert response.json()["code"] == "throttled"
    assert 0 < int(response["Retry-After"]) <= 60


def test_admin_login_locks_out_after_repeated_failures_even_for_the_right_password(make_user, settings) -> None:
    make_user(email="admin@example.com", password=PASSWORD, is_staff=True, is_superuser=True)
    browser = Client()
    with time_machine.travel(CLOCK, tick=False) as clock:
        for n in range(15):
            refused = browser.post("/admin/login/", {"username": "admin@example.com", "password": f"guess-{n}"})
            assert refused.status_code in (200, 429)  # the form again, then the lockout page
        right = browser.post("/admin/login/", {"username": "admin@example.com", "password": PASSWORD})
        assert right.status_code == 429
        assert "Locked out" in right.content.decode()
        assert int(right["Retry-After"]) == settings.AXES_COOLOFF_TIME.total_seconds()
        assert browser.get("/admin/").status_code == 302  # not signed in

        # Another address is not locked out by this one's failures.
        other = Client(REMOTE_ADDR="198.51.100.20")
        assert other.post("/admin/login/", {"username": "admin@example.com", "password": PASSWORD}).status_code == 302

        # After the cool-off the right password works again from the first address.
        clock.move_to(CLOCK + settings.AXES_COOLOFF_TIME + timedelta(seconds=1))
        assert browser.post("/admin/login/", {"username": "admin@example.com", "password": PASSWORD}).status_code == 302


def test_api_login_locks_out_after_the_failure_limit(api_client, make_user, settings, generous_login_throttle) -> None:
    make_user(email="target@example.com", password=PASSWORD)
    with time_machine.travel(CLOCK, tick=False):
        statuses = [
            _login(api_client, f"guess-{n}", forwarded_for=f"10.1.{n}.1").status_code
            for n in range(settings.AXES_FAILURE_LIMIT)
        ]
        assert statuses[: settings.AXES_FAILURE_LIMIT - 1] == [400] * (settings.AXES_FAILURE_LIMIT - 1)
        locked = _login(api_client, PASSWORD, forwarded_for="10.200.0.1")
    assert statuses[-1] == 429
    assert locked.status_code == 429
    body = locked.json()
    assert body["code"] == "locked_out" and "token" not in body
    assert int(locked["Retry-After"]) == settings.AXES_COOLOFF_TIME.total_seconds()


def test_the_lockout_limit_and_cool_off_come_from_settings(
    api_client, make_user, settings, generous_login_throttle
) -> None:
    settings.AXES_FAILURE_LIMIT = 3
    settings.AXES_COOLOFF_TIME = timedelta(minutes=5)
    make_user(email="target@example.com", password=PASSWORD)
    with time_machine.travel(CLOCK, tick=False) as clock:
        assert [_login(api_client, "guess").status_code for _ in range(3)] == [400, 400, 429]
        assert _login(api_client, PASSWORD)["Retry-After"] == "300"
        clock.move_to(CLOCK + timedelta(minutes=5, seconds=1))
        assert _login(api_client, PASSWORD).status_code == 200


def test_a_successful_login_clears_earlier_typos(api_client, make_user, settings, generous_login_throttle) -> None:
    make_user(email="target@example.com", password=PASSWORD)
    with time_machine.travel(CLOCK, tick=False):
        for _round in range(3):
            for _ in range(settings.AXES_FAILURE_LIMIT - 1):
                assert _login(api_client, "typo").status_code == 400
            assert _login(api_client, PASSWORD).status_code == 200
