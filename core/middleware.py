"""API edges: bounded JSON bodies for every endpoint, and JSON instead of HTML for errors and unknown URLs."""

import logging
from collections.abc import Callable

from django.core.exceptions import SuspiciousOperation
from django.http import HttpRequest, HttpResponse, JsonResponse

from core.api.parsers import (
    PARSED_BODY_ATTRIBUTE,
    BodyError,
    is_json_content_type,
    json_body_load,
    refused_request_error,
)
from core.exceptions import DomainError

logger = logging.getLogger(__name__)


def _error_response(error: DomainError) -> JsonResponse:
    return JsonResponse({"detail": error.detail, "code": error.code, "errors": error.errors}, status=error.status_code)


class ApiBodyMiddleware:
    """Checks every JSON body sent to the API before any view runs (see ``core.api.parsers``).

    It works at the edge rather than in DRF's parser alone because a view that never reads its
    body (``POST /orders/{id}/pay/``) would otherwise accept ``[]`` or a body nested 100,000 deep
    as if nothing had been sent. Bodies of other media types (multipart uploads, forms) are left
    to their parsers and Django's own limits.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path.startswith("/api/") and is_json_content_type(request.content_type or ""):
            try:
                raw = request.body
                if raw:
                    setattr(request, PARSED_BODY_ATTRIBUTE, json_body_load(raw, encoding=request.encoding or "utf-8"))
            except SuspiciousOperation as exception:  # Django's own limit (DATA_UPLOAD_MAX_MEMORY_SIZE)
                return _error_response(refused_request_error(exception))
            except BodyError as error:
                return _error_response(error.as_domain_error())
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
        if not request.path.startswith("/api/"):
            return None
        if isinstance(exception, SuspiciousOperation):
            return _error_response(refused_request_error(exception))
        logger.exception("Unhandled error on %s %s", request.method, request.path)
        return JsonResponse(
            {"detail": "Something went wrong on our side; it has been logged.", "code": "server_error", "errors": {}},
            status=500,
        )
