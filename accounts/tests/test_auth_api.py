"""Register, token and me: the buyer's first three calls."""

import pytest

from accounts.models import User

pytestmark = pytest.mark.django_db


def test_register_returns_the_user_and_a_working_token(api_client) -> None:
    response = api_client.post(
        "/api/v1/auth/register/", {"email": "Aigerim@Example.KZ", "password": "steppe-Wind-2026"}, format="json"
    )
    assert response.status_code == 201
    body = response.json()
    assert body["email"] == "aigerim@example.kz"
    assert set(body) >= {"id", "email", "token"}

    api_client.credentials(HTTP_AUTHORIZATION=f"Token {body['token']}")
    me = api_client.get("/api/v1/me/")
    assert me.status_code == 200
    assert me.json()["id"] == body["id"]
    assert me.json()["roles"] == ["buyer"]


def test_register_refuses_a_taken_email_in_any_case(api_client, make_user) -> None:
    make_user(email="taken@example.com")
    response = api_client.post(
        "/api/v1/auth/register/", {"email": "TAKEN@example.com", "password": "steppe-Wind-2026"}, format="json"
    )
    assert response.status_code == 400
    assert "email" in response.json()["errors"]
    assert User.objects.filter(email__iexact="taken@example.com").count() == 1


@pytest.mark.parametrize("password", ["short", "password123", "12345678901", "buyer@example.com"])
def test_register_refuses_weak_passwords(api_client, password: str) -> None:
    response = api_client.post(
        "/api/v1/auth/register/", {"email": "buyer@example.com", "password": password}, format="json"
    )
    assert response.status_code == 400
    assert response.json()["errors"]["password"]
    assert not User.objects.exists()


def test_token_for_good_credentials(api_client, make_user) -> None:
    make_user(email="seller@example.cn", password="silk-Road-2026")
    response = api_client.post("/api/v1/auth/token/", {"email": "SELLER@example.cn", "password": "silk-Road-2026"})
    assert response.status_code == 200
    assert len(response.json()["token"]) >= 20


@pytest.mark.parametrize(
    ("email", "password"), [("seller@example.cn", "wrong-password"), ("nobody@example.cn", "silk-Road-2026")]
)
def test_token_refuses_bad_credentials_without_saying_which(api_client, make_user, email: str, password: str) -> None:
    make_user(email="seller@example.cn", password="silk-Road-2026")
    response = api_client.post("/api/v1/auth/token/", {"email": email, "password": password}, format="json")
    assert response.status_code == 400
    assert response.json()["code"] == "invalid_credentials"


def test_inactive_users_get_no_token(api_client, make_user) -> None:
    make_user(email="gone@example.com", password="silk-Road-2026", is_active=False)
    response = api_client.post("/api/v1/auth/token/", {"email": "gone@example.com", "password": "silk-Road-2026"})
    assert response.status_code == 400


def test_login_is_throttled(api_client, make_user) -> None:
    make_user(email="target@example.com", password="silk-Road-2026")
    statuses = [
        api_client.post("/api/v1/auth/token/", {"email": "target@example.com", "password": f"guess-{n}"}).status_code
        for n in range(7)
    ]
    assert statuses[:5] == [400] * 5  # test settings allow 5 tries a minute
    assert statuses[5] == 429
    assert api_client.post("/api/v1/auth/token/", {"email": "target@example.com", "password": "x"}).json()["code"] == (
        "throttled"
    )


def test_me_requires_authentication(api_client) -> None:
    assert api_client.get("/api/v1/me/").status_code == 401


def test_superuser_has_the_admin_role(make_user, client_for) -> None:
    admin = make_user(is_staff=True, is_superuser=True)
    assert "admin" in client_for(admin).get("/api/v1/me/").json()["roles"]


def test_user_model_logs_in_with_email(make_user) -> None:
    from django.contrib.auth import authenticate

    user = make_user(email="ops@example.uz", password="silk-Road-2026")
    assert authenticate(username="ops@example.uz", password="silk-Road-2026") == user
    assert User.USERNAME_FIELD == "email"
