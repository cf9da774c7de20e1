"""Tokens that expire and can be revoked (issue 17, item 5), and passwords of only spaces refused."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from knox.models import AuthToken

from accounts.models import User

pytestmark = pytest.mark.django_db

PASSWORD = "silk-Road-2026"
CLOCK = datetime(2026, 12, 2, 9, 0, tzinfo=UTC)


def _token(api_client) -> str:  # type: ignore[no-untyped-def]
    response = api_client.post("/api/v1/auth/token/", {"email": "buyer@example.com", "password": PASSWORD})
    assert response.status_code == 200, response.content
    return response.json()["token"]


def _me(api_client, token: str) -> int:  # type: ignore[no-untyped-def]
    return api_client.get("/api/v1/me/", HTTP_AUTHORIZATION=f"Token {token}").status_code


def test_login_answers_the_token_and_when_it_expires(api_client, make_user, settings) -> None:
    make_user(email="buyer@example.com", password=PASSWORD)
    with time_machine.travel(CLOCK, tick=False):
        body = api_client.post("/api/v1/auth/token/", {"email": "buyer@example.com", "password": PASSWORD}).json()
    assert set(body) == {"token", "expiry"}
    assert datetime.fromisoformat(body["expiry"].replace("Z", "+00:00")) == CLOCK + settings.AUTH_TOKEN_TTL


def test_a_token_stops_working_when_it_expires(api_client, make_user, settings) -> None:
    make_user(email="buyer@example.com", password=PASSWORD)
    with time_machine.travel(CLOCK, tick=False) as clock:
        token = _token(api_client)
        clock.move_to(CLOCK + settings.AUTH_TOKEN_TTL - timedelta(seconds=1))
        assert _me(api_client, token) == 200
        clock.move_to(CLOCK + settings.AUTH_TOKEN_TTL + timedelta(seconds=1))
        assert _me(api_client, token) == 401
    assert not AuthToken.objects.exists()  # the expired token is gone, not just refused


def test_the_lifetime_is_a_setting(api_client, make_user, settings) -> None:
    settings.AUTH_TOKEN_TTL = timedelta(hours=1)
    make_user(email="buyer@example.com", password=PASSWORD)
    with time_machine.travel(CLOCK, tick=False) as clock:
        token = _token(api_client)
        clock.move_to(CLOCK + timedelta(hours=1, seconds=1))
        assert _me(api_client, token) == 401


def test_logout_revokes_the_token_used_and_no_other(api_client, make_user) -> None:
    make_user(email="buyer@example.com", password=PASSWORD)
    phone, laptop = _token(api_client), _token(api_client)
    response = api_client.post("/api/v1/auth/logout/", HTTP_AUTHORIZATION=f"Token {phone}")
    assert response.status_code == 204
    assert _me(api_client, phone) == 401
    assert _me(api_client, laptop) == 200


@pytest.mark.parametrize("path", ["/api/v1/auth/logout/?all=true", "/api/v1/auth/logout-all/"])
def test_logout_everywhere_revokes_every_token_of_the_caller_only(api_client, make_user, client_for, path) -> None:
    make_user(email="buyer@example.com", password=PASSWORD)
    other = client_for(make_user(email="other@example.com"))
    phone, laptop = _token(api_client), _token(api_client)
    assert api_client.post(path, HTTP_AUTHORIZATION=f"Token {phone}").status_code == 204
    assert (_me(api_client, phone), _me(api_client, laptop)) == (401, 401)
    assert other.get("/api/v1/me/").status_code == 200


def test_logout_needs_a_token(api_client) -> None:
    assert api_client.post("/api/v1/auth/logout/").status_code == 401


def test_tokens_are_stored_hashed(api_client, make_user) -> None:
    make_user(email="buyer@example.com", password=PASSWORD)
    token = _token(api_client)
    stored = AuthToken.objects.get()
    assert token not in (stored.digest, stored.token_key) and len(stored.token_key) < len(token)


def test_logins_beyond_the_limit_revoke_the_oldest_tokens(api_client, make_user, settings) -> None:
    settings.AUTH_TOKENS_PER_USER = 2
    make_user(email="buyer@example.com", password=PASSWORD)
    with time_machine.travel(CLOCK, tick=False) as clock:
        tokens = []
        for minute in range(3):
            clock.move_to(CLOCK + timedelta(minutes=minute))
            tokens.append(_token(api_client))
        assert [_me(api_client, token) for token in tokens] == [401, 200, 200]
    assert AuthToken.objects.count() == 2


def test_register_answers_a_token_with_its_expiry(api_client) -> None:
    body = api_client.post(
        "/api/v1/auth/register/", {"email": "new@example.com", "password": "steppe-Wind-2026"}, format="json"
    ).json()
    assert {"id", "email", "token", "expiry"} <= set(body)
    assert _me(api_client, body["token"]) == 200


@pytest.mark.parametrize("password", [" " * 12, "\t" * 10, " \n " * 5, "\u3000" * 9])
def test_register_refuses_a_password_of_only_spaces(api_client, password: str) -> None:
    response = api_client.post(
        "/api/v1/auth/register/", {"email": "spaces@example.com", "password": password}, format="json"
    )
    assert response.status_code == 400
    assert any("only spaces" in message for message in response.json()["errors"]["password"])
    assert not User.objects.exists()


def test_a_request_reads_only_its_own_token_and_the_daily_job_purges_the_expired(
    api_client, make_user, settings
) -> None:
    """One query reads tokens per request (knox would also read all the user's other tokens); an
    expired token that is never presented again goes with the daily purge."""
    from accounts.tasks import expired_tokens_purge_task

    settings.AUTH_TOKEN_TTL = timedelta(hours=1)
    make_user(email="buyer@example.com", password=PASSWORD)
    with time_machine.travel(CLOCK, tick=False) as clock:
        old_phone = _token(api_client)
        clock.move_to(CLOCK + timedelta(minutes=30))
        laptop = _token(api_client)
        clock.move_to(CLOCK + timedelta(minutes=61))  # the phone's token has expired, the laptop's not
        with CaptureQueriesContext(connection) as queries:
            assert _me(api_client, laptop) == 200
        token_reads = [q["sql"] for q in queries.captured_queries if '"knox_authtoken"' in q["sql"]]
        assert len(token_reads) == 1, token_reads  # the token joined with its user, nothing more
        assert AuthToken.objects.count() == 2
        assert expired_tokens_purge_task.delay().get() == 1
        assert AuthToken.objects.count() == 1
        assert _me(api_client, laptop) == 200
        assert _me(api_client, old_phone) == 401
        assert expired_tokens_purge_task.delay().get() == 0  # a rerun finds nothing to do
    assert settings.CELERY_BEAT_SCHEDULE["purge-expired-tokens"]["task"] == "accounts.expired_tokens_purge"
