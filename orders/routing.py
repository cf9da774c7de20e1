"""The one place orders ask the fulfilment planner for a route and its price (``route_quote``)."""

from datetime import date
from decimal import Decimal
from typing import Any

from core.money import Money


def shipment_route_quote(
    *,
    origin_hub: str,
    destination_country: str,
    weight_kg: Decimal,
    volume_m3: Decimal,
    declared_value: Money,
    perishable: bool,
    temperature_min_c: Any,
    temperature_max_c: Any,
    shelf_life_days: int | None,
    preference: str,
    ship_date: date | None = None,
) -> Any:
    """Quote one parcel from a warehouse's hub; raises ``NoFeasibleRoute`` (422) when nothing can carry it."""
    from warehouses.transport.selectors import route_quote

    return route_quote(
        origin_hub=origin_hub,
        destination_country=destination_country,
        weight_kg=weight_kg,
        volume_m3=volume_m3,
        declared_value=declared_value,
        perishable=perishable,
        temperature_min_c=temperature_min_c,
        temperature_max_c=temperature_max_c,
        shelf_life_days=shelf_life_days,
        preference=preference,
        ship_date=ship_date,
    )
