"""Fixtures for the orders tests: exchange rates, the seed transport network, a two-seller market."""

import pytest

from core.services import exchange_rates_seed_offline
from orders.tests.factories import market_build
from warehouses.transport.services import network_load_seed


@pytest.fixture
def rates(db):  # type: ignore[no-untyped-def]
    exchange_rates_seed_offline()


@pytest.fixture
def network(db):  # type: ignore[no-untyped-def]
    network_load_seed()


@pytest.fixture
def market(rates, network):  # type: ignore[no-untyped-def]
    return market_build()


@pytest.fixture
def stripe(settings):  # type: ignore[no-untyped-def]
    """The project's fake Stripe on a free loopback port, with PAYMENT_PROVIDER=stripe pointed at it."""
    from sellers.tests.stripe_fake import stripe_fake

    with stripe_fake(settings) as fake:
        yield fake


@pytest.fixture
def webhook_send(django_capture_on_commit_callbacks):  # type: ignore[no-untyped-def]
    """A webhook sender for the fake: posts the signed body to the app as Stripe would, and runs
    what the app queues after commit (the processing task, eager in tests)."""
    from django.test import Client

    client = Client()

    def send(body: bytes, headers: dict[str, str]) -> int:
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(
                "/api/v1/payments/stripe/webhook/",
                data=body,
                content_type="application/json",
                headers={key: value for key, value in headers.items() if key != "Content-Type"},
            )
        return response.status_code

    return send
