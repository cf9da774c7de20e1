"""API edges: bounded JSON bodies for every endpoint, and JSON instead of HTML for errors and unknown URLs."""

import logging
from collections.abc import Callable

from django.core.exceptions import SuspiciousOperation
from django.db import InterfaceError, OperationalError, connections
from django.http import HttpRequest, HttpResponse, JsonResponse

from core.api.parsers import (
    NUL_MESSAGE,
    PARSED_BODY_ATTRIBUTE,
    BodyError,
    is_json_content_type,
    json_body_load,
    refused_request_error,
)
from core.exceptions import DomainError

logger = logging.getLogger(__name__)

#: The database went away (restarted, connection killed, failover): the request's transaction was
#: rolled back by the server, so nothing partial was written; the caller may simply try again.
DATABASE_UNAVAILABLE = (OperationalError, InterfaceError)
DATABASE_RETRY_AFTER_SECONDS = 5


def database_unavailable_response(request: HttpRequest, exception: Exception) -> HttpResponse:
    """503 with ``Retry-After``, and the broken connection dropped so the next request reconnects.

    Django closes an unusable connection at the end of a request anyway (``close_old_connections``);
    closing here as well makes recovery independent of how the server runs the request cycle.
    """
    logger.warning("Database unavailable on %s %s: %s", request.method, request.path, exception)
    for connection in connections.all(initialized_only=True):
        if connection.connection is not None and not connection.in_atomic_block and not connection.is_usable():
            connection.close()
    body = {"detail": "The service is briefly unavailable; please try again.", "code": "unavailable", "errors": {}}
    if request.path.startswith("/api/"):
        response: HttpResponse = JsonResponse(body, status=503)
    else:
        response = HttpResponse(body["detail"], status=503, content_type="text/plain; charset=utf-8")
    response["Retry-After"] = str(DATABASE_RETRY_AFTER_SECONDS)
    return response


def _error_response(error: DomainError) -> JsonResponse:
    return JsonResponse({"detail": error.detail, "code": error.code, "errors": error.errors}, status=error.status_code)


def _nul_error(request: HttpRequest) -> DomainError | None:
    """A query parameter (or urlencoded form field) holding NUL, which PostgreSQL cannot compare or store."""
    fields = list(request.GET.lists())
    if request.content_type == "application/x-www-form-urlencoded":
        fields += list(request.POST.lists())
    for name, values in fields:
        if "\x00" in name or any("\x00" in value for value in values):
            field = name.replace("\x00", "") or "query"
            message = str(NUL_MESSAGE)
            return DomainError(f"{field}: {message}", code="invalid", errors={field: [message]})
    return None


class ApiInputMiddleware:
    """Checks the input of every API request before any view runs (see ``core.api.parsers``).

    JSON bodies: size (413), depth, finite numbers, no NUL, an object at the top (400). It works
    at the edge rather than in DRF's parser alone because a view that never reads its body
    (``POST /orders/{id}/pay/``) would otherwise accept ``[]`` or a body nested 100,000 deep as if
    nothing had been sent. Query parameters and urlencoded forms: no NUL. Multipart uploads are
    left to their parsers and Django's own limits.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path.startswith("/api/"):
            try:
                if is_json_content_type(request.content_type or ""):
                    raw = request.body
                    if raw:
                        parsed = json_body_load(raw, encoding=request.encoding or "utf-8")
                        setattr(request, PARSED_BODY_ATTRIBUTE, parsed)
                error = _nul_error(request)
            except SuspiciousOperation as exception:  # Django's own limits (DATA_UPLOAD_MAX_MEMORY_SIZE...)
                error = refused_request_error(exception)
            except BodyError as body_error:
                error = body_error.as_domain_error()
            if error is not None:
                return _error_response(error)
        return self.get_response(request)


class ApiErrorMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        is_api = request.path.startswith("/api/")
        if is_api and response.status_code == 404 and "html" in response.get("Content-Type", ""):
            return JsonResponse({"detail": "Not found.", "code": "not_found", "errors": {}}, status=404)
        return response

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if isinstance(exception, DATABASE_UNAVAILABLE):
            return database_unavailable_response(request, exception)
        if not request.path.startswith("/api/"):
            return None
        if isinstance(exception, SuspiciousOperation):
            return _error_response(refused_request_error(exception))
        logger.exception("Unhandled error on %s %s", request.method, request.path)
        return JsonResponse(
            {"detail": "Something went wrong on our side; it has been logged.", "code": "server_error", "errors": {}},
            status=500,
        )
