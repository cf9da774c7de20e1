"""Idempotency-Key: same key + same body replays; another body is a 409; racing duplicates act once."""

import threading

import pytest
from django.db import connection

from core.models import ExchangeRate, IdempotencyKey

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
    assert statuses == [201] * 8
    assert all(body == bodies[0] for body in bodies)
