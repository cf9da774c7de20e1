"""The admin speaks the signed-in person's language: their saved choice, else what the browser asks for."""

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import translation


class PreferredLanguageMiddleware:
    """After ``LocaleMiddleware`` (browser language, cookie) and authentication: a user who chose a
    language (``User.preferred_language``) gets it in the admin on every device.

    Only the admin: the API answers in the contract's words, and the storefront decides its own.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.codes = {code for code, _name in settings.LANGUAGES}

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        language = (getattr(user, "preferred_language", "") or "").lower() if user is not None else ""
        if language in self.codes and request.path.startswith("/admin/") and user.is_authenticated:
            translation.activate(language)
            request.LANGUAGE_CODE = language
        return self.get_response(request)
