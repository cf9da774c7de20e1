"""Per-user limits on the writes that cost the most: placing orders, uploading images and imports.

``ScopedRateThrottle`` counts per signed-in user (its id, never an address) and answers 429 with
``Retry-After``; reads of the same views are not counted.
"""

from typing import Any

from rest_framework.request import Request
from rest_framework.throttling import ScopedRateThrottle

SAFE_METHODS = ("GET", "HEAD", "OPTIONS")


class UserWriteThrottle(ScopedRateThrottle):
    """The view's ``throttle_scope`` rate (``DEFAULT_THROTTLE_RATES``), for POST/PUT/PATCH/DELETE only."""

    def allow_request(self, request: Request, view: Any) -> bool:
        if request.method in SAFE_METHODS:
            return True
        return super().allow_request(request, view)
