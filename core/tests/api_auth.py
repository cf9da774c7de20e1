"""How a test obtains an API credential for a user: the one place to change when token auth changes.

Tokens are django-rest-knox's (expiring, revocable, stored hashed: only the issuing call sees the
key). One token is issued per user object and kept on it, so a test that asks again for the same
user reuses it and never runs into AUTH_TOKENS_PER_USER, which revokes the oldest.
"""

from typing import Any

from rest_framework.test import APIClient

from accounts.services import api_token_issue


def auth_headers(user: Any) -> dict[str, str]:
    """The ``Authorization`` header a mobile app would send for ``user``."""
    key = getattr(user, "_test_api_token", None)
    if key is None:
        key = api_token_issue(user=user).key
        user._test_api_token = key
    return {"Authorization": f"Token {key}"}


def client_as(user: Any | None) -> APIClient:
    """An API client authenticated as ``user`` (anonymous for None); never raises on a 500."""
    client = APIClient(raise_request_exception=False)
    if user is not None:
        client.credentials(HTTP_AUTHORIZATION=auth_headers(user)["Authorization"])
    return client
