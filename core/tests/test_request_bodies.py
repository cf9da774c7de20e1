"""Request bodies are bounded: too big is a 413, too deep or not a JSON object a 400, in the contract's shape."""

import json

import pytest
from django.test import Client

from accounts.models import User
from core.api.parsers import json_depth
from core.tests.test_api_errors import assert_error_shape

pytestmark = pytest.mark.django_db

REGISTER = "/api/v1/auth/register/"


@pytest.fixture
def client() -> Client:
    return Client(raise_request_exception=False)


def _nested(depth: int) -> str:
    return '{"email": "deep@example.com", "password": "steppe-Wind-2026", "x": ' + "[" * depth + "]" * depth + "}"


def test_a_10_mb_body_is_a_413_in_the_contracts_shape(client) -> None:
    body = json.dumps({"email": "big@example.com", "password": "x" * 10_000_000})
    response = client.post(REGISTER, data=body, content_type="application/json")
    assert response.status_code == 413
    assert_error_shape(response.json(), "request_too_large")
    assert "body" in response.json()["errors"]
    assert not User.objects.exists()


def test_a_10_mb_form_body_is_a_413_too(client) -> None:
    """Form bodies are read by Django inside the view: its RequestDataTooBig must not become a 500."""
    response = client.post(REGISTER, data={"email": "big@example.com", "password": "x" * 10_000_000})
    assert response.status_code == 413
    assert_error_shape(response.json(), "request_too_large")


@pytest.mark.parametrize("opening", ["[", '{"a":'])
def test_json_nested_100000_deep_is_a_400(client, opening) -> None:
    closing = "]" if opening == "[" else "}"
    body = opening * 100_000 + ("1" if opening != "[" else "") + closing * 100_000
    response = client.post(REGISTER, data=body, content_type="application/json")
    assert response.status_code == 400
    assert_error_shape(response.json(), "parse_error")
    assert "32" in response.json()["errors"]["body"][0]


def test_the_depth_limit_is_exact(client, settings) -> None:
    settings.API_JSON_MAX_DEPTH = 5
    assert client.post(REGISTER, data=_nested(4), content_type="application/json").status_code == 201
    response = client.post(REGISTER, data=_nested(5), content_type="application/json")
    assert response.status_code == 400 and "6 levels" in response.json()["detail"]


@pytest.mark.parametrize(
    ("text", "depth"),
    [
        ("{}", 1),
        ('{"a": [1, {"b": 2}]}', 3),
        ('{"a": "[[[[[[["}', 1),  # brackets inside strings do not count
        ('{"a": "\\"[[[[", "b": ["]]]\\\\"]}', 2),  # nor do escaped quotes end a string
        ("1", 0),
    ],
)
def test_json_depth(text: str, depth: int) -> None:
    assert json_depth(text) == depth


@pytest.mark.parametrize(
    ("body", "kind"), [("[]", "a list"), ("null", "null"), ("1", "a number"), ('"s"', "a string"), ("true", "true")]
)
def test_a_body_that_is_not_a_json_object_is_a_400(client, body, kind) -> None:
    response = client.post(REGISTER, data=body, content_type="application/json")
    assert response.status_code == 400
    assert_error_shape(response.json(), "invalid")
    assert kind in response.json()["errors"]["non_field_errors"][0]


@pytest.mark.parametrize("number", ["1e400", "-1e400", "NaN", "Infinity"])
def test_numbers_that_no_field_can_hold_are_a_400(client, number) -> None:
    body = '{"email": "n@example.com", "password": "steppe-Wind-2026", "x": ' + number + "}"
    response = client.post(REGISTER, data=body, content_type="application/json")
    assert response.status_code == 400
    assert_error_shape(response.json(), "parse_error")
    assert not User.objects.exists()


def test_a_view_that_ignores_its_body_still_refuses_a_bad_one(client, make_user) -> None:
    """The edge checks the body before any view runs, even one that never reads it."""
    from accounts.services import api_token_issue

    token = api_token_issue(user=make_user()).key
    response = client.generic(
        "GET", "/api/v1/me/", data="[]", content_type="application/json", HTTP_AUTHORIZATION=f"Token {token}"
    )
    assert response.status_code == 400
    ok = client.get("/api/v1/me/", HTTP_AUTHORIZATION=f"Token {token}")
    assert ok.status_code == 200


def test_a_body_in_another_charset_is_read_in_it_and_a_non_text_codec_is_refused(client) -> None:
    body = json.dumps({"email": "tenge@example.com", "password": "Тенге-steppe-2026"}, ensure_ascii=False)
    response = client.generic(
        "POST", REGISTER, data=body.encode("utf-16"), content_type="application/json; charset=utf-16"
    )
    assert response.status_code == 201, response.content
    response = client.generic("POST", REGISTER, data=b"BZh91AY&SY", content_type="application/json; charset=bz2_codec")
    assert response.status_code == 400


def test_nul_in_a_json_string_is_a_400_but_a_backslash_before_u0000_is_text(client) -> None:
    """PostgreSQL cannot store NUL: refused at the edge, never a database error."""
    body = '{"email": "nul@example.com", "password": "steppe-Wind-2026\\u0000"}'
    response = client.post(REGISTER, data=body, content_type="application/json")
    assert response.status_code == 400 and "NUL" in response.json()["errors"]["body"][0]
    body = '{"email": "nul@example.com", "password": "steppe-Wind-2026\\\\u0000"}'  # the text \u0000
    assert client.post(REGISTER, data=body, content_type="application/json").status_code == 201


@pytest.mark.parametrize("query", [{"q": "\x00"}, {"category": "a\x00b"}, {"x\x00": "1"}])
def test_nul_in_a_query_parameter_is_a_400_naming_it(client, query) -> None:
    response = client.get("/api/v1/products/", query)
    assert response.status_code == 400
    assert_error_shape(response.json(), "invalid")
    assert list(response.json()["errors"]) == [next(iter(query)).replace("\x00", "")]
