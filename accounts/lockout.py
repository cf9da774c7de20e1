"""The answer to a locked-out login (django-axes' AXES_LOCKOUT_CALLABLE): 429 with Retry-After.

The API gets the contract's error body (``code: "locked_out"``); the admin's login page gets a
short page saying how long to wait. Either way the password is not checked while locked out.
"""

from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.html import escape


def _retry_after_seconds() -> int:
    cool_off = settings.AXES_COOLOFF_TIME
    return int(cool_off.total_seconds()) if cool_off else 0


def lockout_response(request: HttpRequest, original_response: Any = None, credentials: Any = None) -> HttpResponse:
    seconds = _retry_after_seconds()
    minutes = max(1, -(-seconds // 60))
    message = f"Too many failed logins from here: try again in {minutes} minutes."
    response: HttpResponse
    if request.path.startswith("/api/"):
        response = JsonResponse(
            {"detail": message, "code": "locked_out", "errors": {}, "retry_after": seconds}, status=429
        )
    else:
        response = HttpResponse(
            f"<!doctype html><title>Locked out</title><h1>Locked out</h1><p>{escape(message)}</p>",
            status=429,
            content_type="text/html; charset=utf-8",
        )
    if seconds:
        response["Retry-After"] = str(seconds)
    return response
