"""Domain errors with a stable ``code`` that the API error handler turns into the contract's shape."""

from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


class DomainError(Exception):
    """A rule of the business was broken; ``status_code`` is the HTTP status the API should use."""

    status_code = 400
    code = "invalid"
    default_detail: str | Promise = _("The request breaks a business rule.")

    def __init__(
        self,
        detail: str | None = None,
        *,
        code: str | None = None,
        errors: dict[str, list[str]] | None = None,
        status_code: int | None = None,
        extra: dict[str, Any] | None = None,
    ) -> None:
        # str(): a lazy default is translated now, in the language of the request that raised it.
        self.detail = str(detail or self.default_detail)
        if code:
            self.code = code
        if status_code:
            self.status_code = status_code
        self.errors = errors or {}
        self.extra = extra or {}
        super().__init__(self.detail)


class ValidationFailed(DomainError):
    status_code = 400
    code = "invalid"
    default_detail = _("Some fields are not valid.")


class NotFound(DomainError):
    status_code = 404
    code = "not_found"
    default_detail = _("Not found.")


class Conflict(DomainError):
    """The object is not in a state that allows this (409); ``extra`` usually carries the state."""

    status_code = 409
    code = "conflict"
    default_detail = _("The request conflicts with the current state.")


class IdempotencyKeyReused(Conflict):
    code = "idempotency_key_reused"
    default_detail = _("This Idempotency-Key was already used with a different request body.")


class IdempotencyKeyInProgress(Conflict):
    code = "idempotency_key_in_progress"
    default_detail = _("A request with this Idempotency-Key is still being processed.")
