"""Errors raised by the fulfilment planner, each with a stable `code` and the input `field` at fault."""

from __future__ import annotations


class FulfilmentError(Exception):
    """Base class: `code` is stable for API clients, `field` names the offending input (or "")."""

    default_code = "fulfilment_error"

    def __init__(self, message: str, *, field: str = "", code: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field
        self.code = code or self.default_code

    def __repr__(self) -> str:
        return f"{type(self).__name__}(code={self.code!r}, field={self.field!r}, message={self.message!r})"


class NetworkError(FulfilmentError):
    """The network data itself is inconsistent (a lane pointing at an unknown hub, a bad time zone)."""

    default_code = "invalid_network"


class PlannerError(FulfilmentError):
    """A quote request the planner cannot answer; the API turns it into a 400."""

    default_code = "invalid_request"


class InvalidRequest(PlannerError):
    """A value is out of range or inconsistent (negative weight, min temperature above max)."""

    default_code = "invalid_request"


class UnknownPlace(PlannerError):
    """The origin or destination is neither a known hub nor a country with hubs."""

    default_code = "unknown_place"


class UnknownCurrency(PlannerError):
    """The declared value is in a currency the settings have no exchange rate for."""

    default_code = "unknown_currency"


class LoadTooHeavy(PlannerError):
    """A single piece is heavier or bulkier than any truck or container in the network."""

    default_code = "load_too_heavy"


class ColdChainUnavailable(PlannerError):
    """Cold chain is required but no route to the destination has reefer equipment on every leg."""

    default_code = "cold_chain_unavailable"


class ConsolidationError(FulfilmentError):
    """Consolidation input is unusable (naive datetimes, duplicate shipment ids, bad capacity)."""

    default_code = "invalid_consolidation"
