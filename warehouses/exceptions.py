"""Warehouse errors with stable codes."""

from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.exceptions import Conflict


class InsufficientStock(Conflict):
    """Some lines cannot be reserved; ``short`` maps variant id → units available for it."""

    code = "insufficient_stock"
    default_detail = gettext_lazy("Not enough stock for some items.")

    def __init__(self, short: dict[int, int], detail: str | None = None) -> None:
        self.short = dict(short)
        errors = {
            str(variant_id): [_("Only %(available)s available.") % {"available": available}]
            for variant_id, available in self.short.items()
        }
        super().__init__(detail, errors=errors)


class IllegalTransition(Conflict):
    """The shipment is not in a state that allows this step; the response carries its current state."""

    code = "illegal_transition"

    def __init__(self, detail: str, *, current_status: str, **extra: Any) -> None:
        super().__init__(detail, extra={"current_status": current_status, **extra})


class AlreadyReceived(IllegalTransition):
    code = "already_received"
