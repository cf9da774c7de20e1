"""How a test obtains an API credential for a user: the one place to change when token auth changes.

(Token auth may move to django-rest-knox; the fuzz, the permission matrix and the fault tests all
authenticate through these two functions.)
"""

from typing import Any

from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient


def auth_headers(user: Any) -> dict[str, str]:
    """The ``Authorization`` header a mobile app would send for ``user``."""
    token, _ = Token.objects.get_or_create(user=user)
    return {"Authorization": f"Token {token.key}"}


def client_as(user: Any | None) -> APIClient:
    """An API client authenticated as ``user`` (anonymous for None); never raises on a 500."""
    client = APIClient(raise_request_exception=False)
    if user is not None:
        client.credentials(HTTP_AUTHORIZATION=auth_headers(user)["Authorization"])
    return client
