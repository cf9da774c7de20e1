"""One exception handler: every API error becomes ``{"detail", "code", "errors"}``, never a trace."""

import logging
from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import SuspiciousOperation
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import DatabaseError
from django.http import Http404
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler

from core.api.parsers import refused_request_error
from core.exceptions import DomainError

logger = logging.getLogger(__name__)


def _flatten(errors: Any) -> dict[str, list[str]]:
    """DRF error trees → ``{field: [messages]}``; nested fields are joined with dots."""
    flat: dict[str, list[str]] = {}

    def walk(prefix: str, value: Any) -> None:
        if isinstance(value, dict):
            for key, inner in value.items():
                walk(f"{prefix}.{key}" if prefix else str(key), inner)
        elif isinstance(value, list):
            if all(not isinstance(item, (dict, list)) for item in value):
                flat.setdefault(prefix or "non_field_errors", []).extend(str(item) for item in value)
            else:
                for index, inner in enumerate(value):
                    if inner:
                        walk(f"{prefix}.{index}" if prefix else str(index), inner)
        else:
            flat.setdefault(prefix or "non_field_errors", []).append(str(value))

    walk("", errors)
    return flat


def error_body(detail: str, code: str, errors: dict[str, list[str]] | None = None, **extra: Any) -> dict[str, Any]:
    return {"detail": detail, "code": code, "errors": errors or {}, **extra}


def database_busy(exc: BaseException) -> bool:
    """True for the database error raised when psycopg's pool lent no connection in time."""
    return isinstance(exc, DatabaseError) and type(exc.__cause__).__name__ == "PoolTimeout"


def api_exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    if isinstance(exc, SuspiciousOperation):
        exc = refused_request_error(exc)  # the caller's doing (body too big, too many fields), never a 500
    if isinstance(exc, DomainError):
        return Response(error_body(exc.detail, exc.code, exc.errors, **exc.extra), status=exc.status_code)
    if database_busy(exc):
        # Every connection of the process's pool stayed busy for DATABASE_POOL_TIMEOUT: overload,
        # not a bug. Nothing was written (no connection, no transaction); the client may retry.
        busy = Response(error_body("The service is busy; retry shortly.", "busy"), status=503)
        busy["Retry-After"] = "2"
        return busy
    if isinstance(exc, DjangoValidationError):
        errors = exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}
        exc = exceptions.ValidationError(errors)
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()

    response = exception_handler(exc, context)
    if response is None:
        return None  # unexpected: ApiErrorMiddleware logs it and answers a JSON 500
    if isinstance(exc, exceptions.ValidationError):
        errors = _flatten(exc.detail)
        first = next(iter(errors.items()), None)
        detail = (
            f"{first[0]}: {first[1][0]}"
            if first and first[0] != "non_field_errors"
            else (first[1][0] if first else "Invalid input.")
        )
        response.data = error_body(detail, "invalid", errors)
    elif isinstance(exc, exceptions.APIException):
        codes = exc.get_codes()
        code = codes if isinstance(codes, str) else getattr(exc, "default_code", "error")
        detail = exc.detail if isinstance(exc.detail, str) else str(exc.detail)
        response.data = error_body(str(detail), str(code))
        if isinstance(exc, exceptions.NotAuthenticated | exceptions.AuthenticationFailed):
            response.status_code = status.HTTP_401_UNAUTHORIZED
    return response
