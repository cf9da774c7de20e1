"""API token authentication: django-rest-knox's, minus a query per request."""

from typing import Any

from django.utils import timezone
from drf_spectacular.contrib.knox_auth_token import KnoxTokenScheme
from knox.auth import TokenAuthentication as KnoxTokenAuthentication
from knox.signals import token_expired


class TokenAuthentication(KnoxTokenAuthentication):
    """knox's token check, without reading all the user's other tokens on every request.

    knox deletes a user's *other* expired tokens each time one of them is used: one more query on
    every authenticated request (a flash sale's buyers pay it on each call). Here a user never has
    many rows to clean: ``accounts.services.api_token_issue`` deletes the user's expired tokens and
    keeps at most ``AUTH_TOKENS_PER_USER`` live ones at every login, and the daily
    ``accounts.expired_tokens_purge`` task removes the rest. The presented token itself is still
    refused and deleted once expired, as knox does.
    """

    def _cleanup_token(self, auth_token: Any) -> bool:
        if auth_token.expiry is not None and auth_token.expiry < timezone.now():
            username = auth_token.user.get_username()
            auth_token.delete()
            token_expired.send(sender=self.__class__, username=username, source="auth_token")
            return True
        return False


class TokenScheme(KnoxTokenScheme):
    """The OpenAPI security scheme of the subclass: knox's own (``Authorization: Token <key>``)."""

    target_class = "accounts.authentication.TokenAuthentication"
