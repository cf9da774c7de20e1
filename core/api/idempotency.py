"""Idempotency-Key for DRF views: same key + same body replays the first response."""

from collections.abc import Callable

from rest_framework.request import Request
from rest_framework.response import Response

from core.services import idempotent_call

REPLAY_HEADER = "Idempotent-Replayed"


def idempotent_response(
    request: Request, *, scope: str, handler: Callable[[], Response], atomic: bool = True
) -> Response:
    """Run ``handler`` once per ``Idempotency-Key`` header and caller; replay it afterwards.

    Use it inside a view method: ``return idempotent_response(request, scope="orders.create",
    handler=lambda: self._create(request))``. Errors raised by the handler are not stored, so a
    retry after a failure runs again. ``atomic=False``: the handler commits its own writes (see
    ``core.services.idempotent_call``).
    """

    def run() -> tuple[int, object]:
        response = handler()
        return response.status_code, response.data

    user_id = request.user.pk if request.user and request.user.is_authenticated else None
    outcome = idempotent_call(
        user_id=user_id,
        scope=scope,
        key=request.headers.get("Idempotency-Key"),
        body=request.data,
        handler=run,
        atomic=atomic,
    )
    response = Response(outcome.body, status=outcome.status)
    if outcome.replayed:
        response[REPLAY_HEADER] = "true"
    return response
