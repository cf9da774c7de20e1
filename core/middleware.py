"""Answers unhandled errors and unknown URLs under /api/ with JSON instead of HTML pages."""

import logging
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, JsonResponse

logger = logging.getLogger(__name__)


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
        logger.exception("Unhandled error on %s %s", request.method, request.path)
        return JsonResponse(
            {"detail": "Something went wrong on our side; it has been logged.", "code": "server_error", "errors": {}},
            status=500,
        )
