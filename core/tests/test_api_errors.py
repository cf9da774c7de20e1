"""Every API error has the contract's shape {detail, code, errors}; never HTML, never a trace."""

import pytest
from django.test import Client

pytestmark = [pytest.mark.django_db, pytest.mark.urls("core.tests.urls")]


def assert_error_shape(body: dict, code: str | None = None) -> None:
    assert set(body) >= {"detail", "code", "errors"}
    assert isinstance(body["detail"], str) and body["detail"]
    assert isinstance(body["errors"], dict)
    if code:
        assert body["code"] == code


def test_400_names_the_field_and_reason(api_client) -> None:
    response = api_client.post("/api/v1/auth/register/", {"email": "not-an-email", "password": "x"}, format="json")
    assert response.status_code == 400
    assert_error_shape(response.json(), "invalid")
    assert "email" in response.json()["errors"]


def test_401_without_credentials(api_client) -> None:
    response = api_client.get("/api/v1/me/")
    assert response.status_code == 401
    assert_error_shape(response.json(), "not_authenticated")


def test_401_with_a_bad_token(api_client) -> None:
    api_client.credentials(HTTP_AUTHORIZATION="Token not-a-real-token")
    response = api_client.get("/api/v1/me/")
    assert response.status_code == 401
    assert_error_shape(response.json(), "authentication_failed")


def test_403_when_authenticated_but_not_allowed(make_user, client_for) -> None:
    response = client_for(make_user()).get("/api/v1/test/admin-only/")
    assert response.status_code == 403
    assert_error_shape(response.json(), "permission_denied")


def test_404_for_unknown_api_url_is_json(api_client) -> None:
    response = api_client.get("/api/v1/no-such-thing/")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("application/json")
    assert_error_shape(response.json(), "not_found")


def test_405_for_wrong_method(api_client) -> None:
    response = api_client.get("/api/v1/auth/register/")
    assert response.status_code == 405
    assert_error_shape(response.json(), "method_not_allowed")


def test_415_for_unsupported_media_type(api_client) -> None:
    response = api_client.post("/api/v1/auth/register/", data="email=a", content_type="text/plain")
    assert response.status_code == 415
    assert_error_shape(response.json(), "unsupported_media_type")


def test_malformed_json_is_a_400(api_client) -> None:
    response = api_client.post("/api/v1/auth/register/", data="{not json", content_type="application/json")
    assert response.status_code == 400
    assert_error_shape(response.json(), "parse_error")


def test_unexpected_error_is_a_json_500_without_a_trace() -> None:
    client = Client(raise_request_exception=False)
    response = client.get("/api/v1/test/broken/")
    assert response.status_code == 500
    body = response.json()
    assert_error_shape(body, "server_error")
    assert "Traceback" not in response.content.decode()
    assert "a bug" not in response.content.decode()


def test_a_default_message_is_in_the_language_active_when_it_is_raised() -> None:
    # The class-level default is lazy; the error keeps the text of the moment it was raised, so a
    # message logged or rendered later (another language active by then) does not change.
    from django.utils import translation

    from orders.exceptions import CartEmpty

    with translation.override("ru"):
        russian = CartEmpty()
    with translation.override("zh-hans"):
        chinese = CartEmpty()
    assert (russian.detail, chinese.detail, CartEmpty().detail) == (
        "Корзина пуста.",
        "购物车是空的。",
        "The cart is empty.",
    )
    assert str(russian) == "Корзина пуста."


def test_a_login_error_speaks_the_callers_language(api_client) -> None:
    response = api_client.post(
        "/api/v1/auth/token/",
        {"email": "nobody@example.com", "password": "wrong"},
        format="json",
        HTTP_ACCEPT_LANGUAGE="zh-Hans",
    )
    assert response.status_code == 400
    assert response.json()["code"] == "invalid_credentials"
    assert response.json()["errors"] == {"non_field_errors": ["无法使用这些凭据登录。"]}
