"""Errors of the transport network and the fulfilment adapter (rendered by the API error handler)."""

from django.utils.translation import gettext_lazy as _

from core.exceptions import DomainError


class NoFeasibleRoute(DomainError):
    """Every route the planner found breaks a hard constraint; ``errors`` names it per option."""

    status_code = 422
    code = "no_feasible_route"
    default_detail = _("No route can carry this shipment.")
