"""Payout onboarding: stripe-python against a local fake Stripe; the offline stand-in; the status service."""

import pytest

from core.exceptions import ValidationFailed
from sellers.models import PayoutStatus, Seller
from sellers.services import seller_payout_status_set, seller_payout_status_set_for_account
from sellers.tests.factories import SellerFactory, SellerMemberFactory, UserFactory
from sellers.tests.stripe_fake import stripe_fake

pytestmark = pytest.mark.django_db

URL = "/api/v1/sellers/me/payouts/onboarding/"


@pytest.fixture
def owner():  # type: ignore[no-untyped-def]
    user = UserFactory(email="owner@yiwu.example")
    SellerFactory(owner=user, country="CN", currency="CNY")
    return user


def test_offline_stand_in_enables_payouts_without_a_key(owner, client_for, settings) -> None:
    settings.PAYMENT_PROVIDER = "offline"
    response = client_for(owner).post(URL, {}, format="json")
    assert response.status_code == 200
    assert response.json()["url"].startswith("http://testserver/api/v1/sellers/me/")
    assert response.json()["payout_status"] == "enabled"
    assert client_for(owner).get("/api/v1/sellers/me/").json()["payout_status"] == "enabled"


def test_stripe_account_is_created_once_and_a_fresh_link_each_time(owner, client_for, settings) -> None:
    with stripe_fake(settings) as fake:
        client = client_for(owner)
        first = client.post(URL, {"return_url": "https://karavan.example/seller/payouts/done"}, format="json")
        second = client.post(URL, {}, format="json")
    assert first.status_code == 200, first.content
    assert second.status_code == 200
    seller = Seller.objects.get()
    assert seller.stripe_account_id == "acct_fake000001"
    (account_call,) = fake.calls("/v1/accounts")
    assert account_call.headers["idempotency-key"] == f"acct:{seller.pk}"
    assert account_call.headers["authorization"] == "Bearer sk_test_karavan_fake"
    assert account_call.form["type"] == ["express"] and account_call.form["country"] == ["CN"]
    assert account_call.form["capabilities[transfers][requested]"] == ["true"]
    assert account_call.form["metadata[karavan_seller_id]"] == [str(seller.pk)]
    links = fake.calls("/v1/account_links")
    assert len(links) == 2
    assert links[0].form["account"] == ["acct_fake000001"] and links[0].form["type"] == ["account_onboarding"]
    assert links[0].form["return_url"] == ["https://karavan.example/seller/payouts/done"]
    assert first.json()["url"].startswith("https://connect.stripe.com/setup/e/acct_fake000001/")
    assert first.json()["url"] != second.json()["url"]
    assert first.json()["payout_status"] == "pending"  # enabled only when Stripe says so (webhook)


def test_a_stripe_error_is_a_502_and_stores_nothing(owner, client_for, settings) -> None:
    with stripe_fake(settings) as fake:
        fake.fail_next(
            "/v1/accounts",
            400,
            {"error": {"type": "invalid_request_error", "message": "Connect is not available in CN."}},
        )
        response = client_for(owner).post(URL, {}, format="json")
    assert response.status_code == 502
    assert response.json()["code"] == "payout_provider_error"
    assert Seller.objects.get().stripe_account_id == ""
    assert fake.calls("/v1/account_links") == []


def test_staff_cannot_start_payouts(owner, client_for, settings) -> None:
    staff = UserFactory()
    SellerMemberFactory(seller=Seller.objects.get(), user=staff)
    with stripe_fake(settings) as fake:
        response = client_for(staff).post(URL, {}, format="json")
    assert response.status_code == 403
    assert fake.requests == []


def test_payout_status_service_for_the_webhook() -> None:
    seller = SellerFactory(stripe_account_id="acct_123")
    assert seller_payout_status_set(seller=seller, status=PayoutStatus.ENABLED) is True
    assert seller_payout_status_set(seller=seller, status=PayoutStatus.ENABLED) is False  # redelivered event
    assert seller_payout_status_set_for_account(stripe_account_id="acct_123", status=PayoutStatus.RESTRICTED) == seller
    seller.refresh_from_db()
    assert seller.payout_status == "restricted"
    assert seller_payout_status_set_for_account(stripe_account_id="acct_unknown", status="enabled") is None
    with pytest.raises(ValidationFailed) as refused:
        seller_payout_status_set(seller=seller, status="frozen")
    assert "payout_status" in refused.value.errors


@pytest.mark.parametrize(
    ("field", "url"),
    [
        ("return_url", "https://evil.example/phish"),
        ("refresh_url", "https://karavan.example.evil.example/again"),
        ("return_url", "javascript://karavan.example/%0aalert(1)"),
        ("return_url", "https://user@evil.example/"),
    ],
)
def test_onboarding_links_back_only_to_our_hosts(owner, client_for, settings, field: str, url: str) -> None:
    """return_url / refresh_url outside PAYOUT_RETURN_HOSTS: a 400 naming the field, nothing started."""
    settings.PAYMENT_PROVIDER = "offline"
    response = client_for(owner).post(URL, {field: url}, format="json")
    assert response.status_code == 400
    assert list(response.json()["errors"]) == [field]
    assert Seller.objects.get(members__user=owner).payout_status != PayoutStatus.ENABLED


def test_onboarding_accepts_a_link_to_an_allowed_host(owner, client_for, settings) -> None:
    settings.PAYMENT_PROVIDER = "offline"
    settings.PAYOUT_RETURN_HOSTS = [".karavan.example"]
    response = client_for(owner).post(URL, {"return_url": "https://shop.karavan.example/payouts/done"}, format="json")
    assert response.status_code == 200
    assert response.json()["url"].startswith("https://shop.karavan.example/payouts/done")
