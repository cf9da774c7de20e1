"""Seller onboarding (SCO rule), the profile, members and invitations, and the permission matrix."""

from datetime import date

import pytest
import time_machine
from django.core import mail
from rest_framework.test import APIClient

from accounts.selectors import user_roles
from sellers.models import InvitationStatus, MemberRole, Seller, SellerInvitation, SellerMember
from sellers.services import seller_country_check
from sellers.tests.factories import SellerFactory, SellerMemberFactory, UserFactory

pytestmark = pytest.mark.django_db

SELLER = {
    "display_name": "Issyk-Kul Honey",
    "legal_name": "Issyk-Kul Honey Farm LLC",
    "country": "KG",
    "currency": "KGS",
}


@pytest.mark.parametrize("country", ["CN", "KZ", "UZ", "KG", "RU", "IN", "BY", "TR", "la"])
def test_members_and_partners_in_force_may_sell(client_for, country) -> None:
    user = UserFactory()
    response = client_for(user).post("/api/v1/sellers/", {**SELLER, "country": country}, format="json")
    assert response.status_code == 201, response.content
    assert response.json()["country"] == country.upper()
    assert response.json()["role"] == "owner" and response.json()["payout_status"] == "pending"
    assert response.json()["commission_percent"] == "8.00"
    assert SellerMember.objects.get(user=user).role == MemberRole.OWNER
    assert "seller" in user_roles(user=user)


@pytest.mark.parametrize("country", ["US", "DE", "XX", "JP"])
def test_other_countries_get_400_naming_the_rule(client_for, country) -> None:
    response = client_for(UserFactory()).post("/api/v1/sellers/", {**SELLER, "country": country}, format="json")
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "country_not_allowed" and body["rule"] == "sco_member_or_partner"
    assert "SCO member or partner" in body["errors"]["country"][0]
    assert not Seller.objects.exists()


def test_the_rule_follows_effective_dates() -> None:
    seller_country_check(country="LA", on=date(2025, 9, 1))  # Laos became a partner at the Tianjin summit
    with pytest.raises(Exception, match="SCO member or partner"):
        seller_country_check(country="LA", on=date(2025, 8, 31))


def test_laos_could_not_sign_up_before_tianjin(client_for) -> None:
    with time_machine.travel(date(2025, 6, 1)):
        response = client_for(UserFactory()).post("/api/v1/sellers/", {**SELLER, "country": "LA"}, format="json")
    assert response.status_code == 400
    assert "2025-06-01" in response.json()["errors"]["country"][0]


@pytest.mark.parametrize(
    ("field", "value"), [("currency", "ZZZ"), ("currency", "kgs"), ("display_name", ""), ("country", "KGZ")]
)
def test_bad_fields_are_400(client_for, field, value) -> None:
    response = client_for(UserFactory()).post("/api/v1/sellers/", {**SELLER, field: value}, format="json")
    assert response.status_code == 400 and field in response.json()["errors"]


def test_one_seller_per_user(client_for) -> None:
    client = client_for(UserFactory())
    assert client.post("/api/v1/sellers/", SELLER, format="json").status_code == 201
    again = client.post("/api/v1/sellers/", {**SELLER, "display_name": "Second"}, format="json")
    assert again.status_code == 409 and again.json()["code"] == "already_seller_member"
    assert Seller.objects.count() == 1


def test_owner_may_rename_but_not_change_commission_or_payouts(client_for) -> None:
    owner = UserFactory()
    seller = SellerFactory(owner=owner)
    response = client_for(owner).patch(
        "/api/v1/sellers/me/",
        {"display_name": "New name", "commission_percent": "0.00", "payout_status": "enabled", "country": "US"},
        format="json",
    )
    assert response.status_code == 200
    seller.refresh_from_db()
    assert seller.display_name == "New name"
    assert (str(seller.commission_percent), seller.payout_status, seller.country) == ("8.00", "pending", "CN")


def test_invitation_flow(client_for, django_capture_on_commit_callbacks) -> None:
    owner, invitee = UserFactory(), UserFactory(email="Packer@Example.com")
    seller = SellerFactory(owner=owner)
    client = client_for(owner)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/api/v1/sellers/me/invitations/", {"email": "packer@example.com"}, format="json")
    assert response.status_code == 201 and response.json()["status"] == "pending"
    assert "token" not in response.json()  # delivered by email only
    invitation = SellerInvitation.objects.get()
    (message,) = mail.outbox
    assert message.to == ["packer@example.com"] and invitation.token in message.body
    # Someone else cannot use the token.
    stranger = client_for(UserFactory())
    refused = stranger.post("/api/v1/sellers/invitations/accept/", {"token": invitation.token}, format="json")
    assert refused.status_code == 403 and refused.json()["code"] == "invitation_email_mismatch"
    accepted = client_for(invitee).post(
        "/api/v1/sellers/invitations/accept/", {"token": invitation.token}, format="json"
    )
    assert accepted.status_code == 201 and accepted.json()["role"] == "staff"
    assert SellerMember.objects.get(user=invitee).seller == seller
    invitation.refresh_from_db()
    assert invitation.status == InvitationStatus.ACCEPTED
    reused = client_for(invitee).post("/api/v1/sellers/invitations/accept/", {"token": invitation.token}, format="json")
    assert reused.status_code == 404
    members = client_for(invitee).get("/api/v1/sellers/me/members/").json()
    assert sorted(member["role"] for member in members) == ["owner", "staff"]


def test_owner_manages_members_but_keeps_one_owner(client_for) -> None:
    owner = UserFactory()
    seller = SellerFactory(owner=owner)
    staff = SellerMemberFactory(seller=seller)
    client = client_for(owner)
    assert client.delete(f"/api/v1/sellers/me/members/{staff.pk}/").status_code == 204
    own = SellerMember.objects.get(user=owner)
    last = client.delete(f"/api/v1/sellers/me/members/{own.pk}/")
    assert last.status_code == 409 and last.json()["code"] == "last_owner"
    other = SellerMemberFactory()  # a member of another seller
    assert client.delete(f"/api/v1/sellers/me/members/{other.pk}/").status_code == 404
    assert SellerMember.objects.filter(pk=other.pk).exists()


def test_revoked_invitations_cannot_be_accepted(client_for) -> None:
    owner = UserFactory()
    SellerFactory(owner=owner)
    client = client_for(owner)
    invitation_id = client.post("/api/v1/sellers/me/invitations/", {"email": "late@example.com"}, format="json").json()[
        "id"
    ]
    assert client.delete(f"/api/v1/sellers/me/invitations/{invitation_id}/").status_code == 204
    token = SellerInvitation.objects.get().token
    late = client_for(UserFactory(email="late@example.com"))
    assert late.post("/api/v1/sellers/invitations/accept/", {"token": token}, format="json").status_code == 404


# --- the permission matrix of every seller endpoint in this app


@pytest.fixture
def cast(db):  # type: ignore[no-untyped-def]
    owner_a, owner_b, staff_a = UserFactory(), UserFactory(), UserFactory()
    seller_a, seller_b = SellerFactory(owner=owner_a), SellerFactory(owner=owner_b)
    SellerMemberFactory(seller=seller_a, user=staff_a, role=MemberRole.STAFF)
    member_b = SellerMember.objects.get(user=owner_b)
    invitation_b = SellerInvitation.objects.create(seller=seller_b, email="x@example.com", token="tok-b")
    return {
        "anonymous": None,
        "buyer": UserFactory(),
        "admin": UserFactory(is_staff=True, is_superuser=True),
        "owner_a": owner_a,
        "staff_a": staff_a,
        "owner_b": owner_b,
        "member_b": member_b,
        "invitation_b": invitation_b,
    }


ENDPOINTS = [
    # method, path, body, owner A, staff A
    ("get", "/api/v1/sellers/me/", None, 200, 200),
    ("patch", "/api/v1/sellers/me/", {"display_name": "Renamed"}, 200, 403),
    ("post", "/api/v1/sellers/me/payouts/onboarding/", {}, 200, 403),
    ("get", "/api/v1/sellers/me/members/", None, 200, 200),
    ("get", "/api/v1/sellers/me/invitations/", None, 200, 403),
    ("post", "/api/v1/sellers/me/invitations/", {"email": "new@example.com"}, 201, 403),
]


@pytest.mark.parametrize(("method", "path", "body", "owner_status", "staff_status"), ENDPOINTS)
def test_permission_matrix(cast, client_for, settings, method, path, body, owner_status, staff_status) -> None:
    settings.PAYMENT_PROVIDER = "offline"
    expected = {"anonymous": 401, "buyer": 403, "admin": 403, "owner_a": owner_status, "staff_a": staff_status}
    for who, status in expected.items():
        client = APIClient() if cast[who] is None else client_for(cast[who])
        response = getattr(client, method)(path, body, format="json")
        assert response.status_code == status, (who, response.content)
    renamed = set(Seller.objects.filter(display_name="Renamed").values_list("pk", flat=True))
    assert renamed == ({SellerMember.objects.get(user=cast["owner_a"]).seller_id} if method == "patch" else set())
    assert not Seller.objects.filter(pk=cast["member_b"].seller_id, display_name="Renamed").exists()


@pytest.mark.parametrize("who", ["owner_a", "staff_a", "buyer", "admin", "anonymous"])
def test_another_sellers_members_and_invitations_are_out_of_reach(cast, client_for, who) -> None:
    client = APIClient() if cast[who] is None else client_for(cast[who])
    member = client.delete(f"/api/v1/sellers/me/members/{cast['member_b'].pk}/")
    invitation = client.delete(f"/api/v1/sellers/me/invitations/{cast['invitation_b'].pk}/")
    expected = {"owner_a": 404, "staff_a": 403, "buyer": 403, "admin": 403, "anonymous": 401}[who]
    assert (member.status_code, invitation.status_code) == (expected, expected)
    assert SellerMember.objects.filter(pk=cast["member_b"].pk).exists()
    assert SellerInvitation.objects.get(pk=cast["invitation_b"].pk).status == "pending"


def test_creating_a_seller_needs_a_login() -> None:
    assert APIClient().post("/api/v1/sellers/", SELLER, format="json").status_code == 401
