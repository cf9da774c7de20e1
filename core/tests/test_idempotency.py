"""Idempotency-Key: same key + same body replays; another body is a 409; racing duplicates act once.

The key is claimed in a short transaction of its own before the work (ADR 0014): a duplicate
arriving while the first request runs answers 409 ``idempotency_key_in_progress`` instead of
waiting on the first one's locks; once it is done, duplicates replay its response.
"""

import threading
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from core.models import ExchangeRate, IdempotencyKey
from core.services import _fingerprint

pytestmark = pytest.mark.urls("core.tests.urls")
URL = "/api/v1/test/record-rate/"


@pytest.mark.django_db
def test_same_key_same_body_replays_the_first_response(make_user, client_for) -> None:
    client = client_for(make_user())
    first = client.post(URL, {"quote": "KZT"}, format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    again = client.post(URL, {"quote": "KZT"}, format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    assert first.status_code == again.status_code == 201
    assert again.json() == first.json()
    assert again["Idempotent-Replayed"] == "true"
    assert ExchangeRate.objects.count() == 1


@pytest.mark.django_db
def test_same_key_other_body_is_a_conflict(make_user, client_for) -> None:
    client = client_for(make_user())
    client.post(URL, {"quote": "KZT"}, format="json", HTTP_IDEMPOTENCY_KEY="k-2")
    response = client.post(URL, {"quote": "UZS"}, format="json", HTTP_IDEMPOTENCY_KEY="k-2")
    assert response.status_code == 409
    assert response.json()["code"] == "idempotency_key_reused"
    assert ExchangeRate.objects.count() == 1


@pytest.mark.django_db
def test_keys_are_per_user_and_absent_keys_are_not_deduplicated(make_user, client_for) -> None:
    alice, bob = client_for(make_user()), client_for(make_user())
    alice.post(URL, {"quote": "KZT"}, format="json", HTTP_IDEMPOTENCY_KEY="shared")
    bob.post(URL, {"quote": "KZT"}, format="json", HTTP_IDEMPOTENCY_KEY="shared")
    alice.post(URL, {"quote": "KZT"}, format="json")
    alice.post(URL, {"quote": "KZT"}, format="json")
    assert ExchangeRate.objects.count() == 4


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_duplicates_have_one_effect(make_user, client_for) -> None:
    user = make_user()
    barrier = threading.Barrier(8)
    statuses: list[int] = []
    bodies: list[dict] = []

    def post() -> None:
        client = client_for(user)
        barrier.wait()
        try:
            response = client.post(URL, {"quote": "RUB"}, format="json", HTTP_IDEMPOTENCY_KEY="race")
            statuses.append(response.status_code)
            bodies.append(response.json())
        finally:
            connection.close()

    threads = [threading.Thread(target=post) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert ExchangeRate.objects.filter(quote="RUB").count() == 1
    assert IdempotencyKey.objects.filter(key="race").count() == 1
    # Each duplicate got the one response, or was told the first one is still running.
    assert set(statuses) <= {201, 409} and 201 in statuses
    created = [body for status, body in zip(statuses, bodies, strict=True) if status == 201]
    assert all(body == created[0] for body in created)
    assert all(body["code"] == "idempotency_key_in_progress" for body in bodies if body not in created)
    # Once it is done, a retry replays that response.
    again = client_for(user).post(URL, {"quote": "RUB"}, format="json", HTTP_IDEMPOTENCY_KEY="race")
    assert again.status_code == 201 and again.json() == created[0]
    assert ExchangeRate.objects.filter(quote="RUB").count() == 1


def claim(user, key: str, *, age: timedelta, body: dict) -> IdempotencyKey:  # type: ignore[no-untyped-def]
    """A claim left by a request that is still running (young) or died without answering (old)."""
    row = IdempotencyKey.objects.create(
        user=user, scope="tests.record-rate", key=key, request_fingerprint=_fingerprint(body)
    )
    IdempotencyKey.objects.filter(pk=row.pk).update(created_at=timezone.now() - age)
    return row


@pytest.mark.django_db
def test_a_retry_while_the_first_request_runs_is_told_so_and_changes_nothing(make_user, client_for) -> None:
    user = make_user()
    claim(user, "busy", age=timedelta(seconds=5), body={"quote": "KZT"})
    response = client_for(user).post(URL, {"quote": "KZT"}, format="json", HTTP_IDEMPOTENCY_KEY="busy")
    assert response.status_code == 409
    assert response.json()["code"] == "idempotency_key_in_progress"
    assert ExchangeRate.objects.count() == 0
    # Another body under the same key is still the "reused" conflict, not "in progress".
    other = client_for(user).post(URL, {"quote": "UZS"}, format="json", HTTP_IDEMPOTENCY_KEY="busy")
    assert other.json()["code"] == "idempotency_key_reused"


@pytest.mark.django_db
def test_a_claim_left_by_a_request_that_died_is_taken_over_by_a_retry(make_user, client_for, settings) -> None:
    user = make_user()
    claim(user, "crashed", age=timedelta(seconds=settings.IDEMPOTENCY_CLAIM_SECONDS + 1), body={"quote": "KZT"})
    response = client_for(user).post(URL, {"quote": "KZT"}, format="json", HTTP_IDEMPOTENCY_KEY="crashed")
    assert response.status_code == 201
    assert ExchangeRate.objects.count() == 1
    again = client_for(user).post(URL, {"quote": "KZT"}, format="json", HTTP_IDEMPOTENCY_KEY="crashed")
    assert again.status_code == 201 and again.json() == response.json() and again["Idempotent-Replayed"] == "true"
    assert IdempotencyKey.objects.get(key="crashed").response_status == 201


@pytest.mark.django_db
def test_a_failed_request_gives_its_claim_up_so_a_retry_runs_afresh(make_user, client_for) -> None:
    user = make_user()
    client = client_for(user)
    failed = client.post(URL, {"quote": "KZT", "fail": "yes"}, format="json", HTTP_IDEMPOTENCY_KEY="flaky")
    assert failed.status_code == 409
    assert not IdempotencyKey.objects.filter(key="flaky").exists()
    assert ExchangeRate.objects.count() == 0
