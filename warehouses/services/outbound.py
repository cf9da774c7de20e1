"""Outbound writes: shipments created by the orders app, moved on by staff, tracked to the buyer.

pending (awaiting payment) → ready → picked → packed → dispatched → in_transit → delivered; cancel
before dispatch. Every step is a conditional update on the current status (a second scanner
pressing the same button gets a 409 with the state, not a double effect), and
``shipment_status_changed`` is sent after commit so the orders app moves the order on.
"""

from collections.abc import Iterable, Sequence
from datetime import datetime
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.exceptions import ValidationFailed
from core.money import Money
from warehouses.exceptions import IllegalTransition
from warehouses.models import OutboundLine, OutboundShipment, OutboundStatus, ShipmentEvent, ShipmentEventCode
from warehouses.reservations import Allocation
from warehouses.services.stock import _actor_id, stock_release, stock_ship
from warehouses.signals import shipment_status_changed

DESTINATION_FIELDS = ("recipient", "phone", "country", "city", "postal_code", "line1", "line2")
CANCELLABLE = (OutboundStatus.PENDING, OutboundStatus.READY, OutboundStatus.PICKED, OutboundStatus.PACKED)
TRACKABLE = (OutboundStatus.DISPATCHED, OutboundStatus.IN_TRANSIT)


def _notify(*, shipment_id: int, old_status: str, new_status: str, event_id: int | None) -> None:
    def send() -> None:
        shipment = OutboundShipment.objects.select_related("warehouse").get(pk=shipment_id)
        event = ShipmentEvent.objects.filter(pk=event_id).first() if event_id else None
        shipment_status_changed.send(
            sender=OutboundShipment, shipment=shipment, old_status=old_status, new_status=new_status, event=event
        )

    transaction.on_commit(send)


# One sentence per step, so that a translation does not have to fit an English verb in.
_TRANSITION_REFUSED = {
    "release": gettext_lazy("Cannot release a shipment that is %(current)s."),
    "cancel": gettext_lazy("Cannot cancel a shipment that is %(current)s."),
    "pick": gettext_lazy("Cannot pick a shipment that is %(current)s."),
    "pack": gettext_lazy("Cannot pack a shipment that is %(current)s."),
    "dispatch": gettext_lazy("Cannot dispatch a shipment that is %(current)s."),
    "track": gettext_lazy("Cannot track a shipment that is %(current)s."),
}


def _transition(
    *,
    shipment: OutboundShipment,
    allowed: Iterable[str],
    new_status: str,
    action: str,
    fields: dict[str, Any] | None = None,
) -> str:
    """Move the shipment from one of ``allowed`` to ``new_status``; returns the old status or raises 409."""
    allowed = tuple(allowed)
    current = (
        OutboundShipment.objects.select_for_update().filter(pk=shipment.pk).values_list("status", flat=True).first()
    )
    if current is None:
        raise IllegalTransition(_("The shipment no longer exists."), current_status="")
    updated = 0
    if current in allowed:
        updated = OutboundShipment.objects.filter(pk=shipment.pk, status=current).update(
            status=new_status, updated_at=timezone.now(), **(fields or {})
        )
    if updated != 1:
        raise IllegalTransition(
            _TRANSITION_REFUSED[action] % {"current": current}, current_status=current, allowed_from=list(allowed)
        )
    return current


def _allocations(shipment: OutboundShipment) -> list[Allocation]:
    return [
        Allocation(line.variant_id, shipment.warehouse_id, shipment.warehouse.code, line.quantity)
        for line in shipment.lines.all()
    ]


def _refreshed(shipment: OutboundShipment) -> OutboundShipment:
    shipment.refresh_from_db()
    return shipment


# No savepoint of its own inside a caller's transaction (order placement): if it raises, the
# caller's whole transaction is rolled back anyway, and a savepoint costs two round trips.
@transaction.atomic(savepoint=False)
def outbound_shipment_create(
    *,
    warehouse_id: int,
    seller_id: int,
    reference: str,
    destination: dict[str, Any],
    lines: Sequence[tuple[int, int, Money]],
    mode: str = "",
    transit_days_min: int | None = None,
    transit_days_max: int | None = None,
    shipping_cost: Money | None = None,
) -> OutboundShipment:
    """Create the shipment of a seller order from one warehouse, pending payment (not yet pickable).

    The stock is already reserved by ``stock_reserve``; this records what to pick. Idempotent on
    (reference, warehouse): a retry returns the shipment created the first time.
    """
    existing = OutboundShipment.objects.filter(reference=reference, warehouse_id=warehouse_id).first()
    if existing is not None:
        return existing
    if not lines:
        raise ValidationFailed(_("A shipment needs at least one line."), errors={"lines": [_("Required.")]})
    missing = [name for name in ("recipient", "country", "city", "line1") if not destination.get(name)]
    if missing:
        raise ValidationFailed(
            _("The destination address is incomplete."),
            errors={f"destination.{name}": [_("Required.")] for name in missing},
        )
    shipment = OutboundShipment.objects.create(
        warehouse_id=warehouse_id,
        seller_id=seller_id,
        reference=reference,
        mode=mode,
        transit_days_min=transit_days_min,
        transit_days_max=transit_days_max,
        shipping_cost=shipping_cost,
        **{name: str(destination.get(name) or "") for name in DESTINATION_FIELDS},
    )
    OutboundLine.objects.bulk_create(
        OutboundLine(shipment=shipment, variant_id=variant_id, quantity=quantity, declared_unit_value=value)
        for variant_id, quantity, value in lines
    )
    return shipment


@transaction.atomic
def outbound_shipment_release(*, shipment: OutboundShipment, actor: Any = None) -> OutboundShipment:
    """The order is paid: the shipment goes on the warehouse's pick list."""
    old = _transition(
        shipment=shipment,
        allowed=[OutboundStatus.PENDING],
        new_status=OutboundStatus.READY,
        action="release",
        fields={"released_at": timezone.now()},
    )
    _notify(shipment_id=shipment.pk, old_status=old, new_status=OutboundStatus.READY, event_id=None)
    return _refreshed(shipment)


@transaction.atomic
def outbound_shipment_cancel(*, shipment: OutboundShipment, actor: Any = None) -> OutboundShipment:
    """Cancel before dispatch; the reserved units go back on sale."""
    old = _transition(
        shipment=shipment,
        allowed=CANCELLABLE,
        new_status=OutboundStatus.CANCELLED,
        action="cancel",
        fields={"cancelled_at": timezone.now()},
    )
    stock_release(allocations=_allocations(shipment), reference=shipment.reference, actor=actor)
    _notify(shipment_id=shipment.pk, old_status=old, new_status=OutboundStatus.CANCELLED, event_id=None)
    return _refreshed(shipment)


@transaction.atomic
def outbound_shipment_pick(*, shipment: OutboundShipment, actor: Any = None) -> OutboundShipment:
    old = _transition(
        shipment=shipment,
        allowed=[OutboundStatus.READY],
        new_status=OutboundStatus.PICKED,
        action="pick",
        fields={"picked_at": timezone.now()},
    )
    _notify(shipment_id=shipment.pk, old_status=old, new_status=OutboundStatus.PICKED, event_id=None)
    return _refreshed(shipment)


def _positive(name: str, value: Decimal | None) -> Decimal | None:
    if value is None:
        return None
    value = Decimal(value)
    if not value.is_finite() or value <= 0:
        raise ValidationFailed(
            _("%(name)s must be greater than 0.") % {"name": name}, errors={name: [_("Must be greater than 0.")]}
        )
    return value


def catalogue_weight_kg(shipment: OutboundShipment) -> Decimal:
    """What the lines should weigh according to the catalogue (used when the packer gives no weight)."""
    total = Decimal(0)
    for line in shipment.lines.select_related("variant"):
        total += (line.variant.weight_kg or Decimal(0)) * line.quantity
    return total


@transaction.atomic
def outbound_shipment_pack(
    *,
    shipment: OutboundShipment,
    actor: Any = None,
    weight_kg: Decimal | None = None,
    length_cm: Decimal | None = None,
    width_cm: Decimal | None = None,
    height_cm: Decimal | None = None,
) -> OutboundShipment:
    """Packed and measured: the actual weight (the catalogue weight when not weighed) and dimensions."""
    weight = _positive("weight_kg", weight_kg)
    fields = {
        "packed_at": timezone.now(),
        "weight_kg": weight if weight is not None else catalogue_weight_kg(shipment),
        "length_cm": _positive("length_cm", length_cm),
        "width_cm": _positive("width_cm", width_cm),
        "height_cm": _positive("height_cm", height_cm),
    }
    old = _transition(
        shipment=shipment,
        allowed=[OutboundStatus.PICKED],
        new_status=OutboundStatus.PACKED,
        action="pack",
        fields=fields,
    )
    _notify(shipment_id=shipment.pk, old_status=old, new_status=OutboundStatus.PACKED, event_id=None)
    return _refreshed(shipment)


@transaction.atomic
def outbound_shipment_dispatch(
    *,
    shipment: OutboundShipment,
    carrier_ref: str,
    seal_numbers: Sequence[str] = (),
    actor: Any = None,
    location: str = "",
    carrier_name: str = "",
) -> OutboundShipment:
    """Handed to the carrier under a TIR carnet or SMGS note (or to a courier with a tracking
    number, ``carrier_name`` naming the courier): the reserved units leave the stock."""
    carrier_ref = (carrier_ref or "").strip()
    if not carrier_ref:
        raise ValidationFailed(
            _("A carrier reference is required."),
            errors={"carrier_ref": [_("Give the TIR carnet number or the SMGS consignment note number.")]},
        )
    seals = [str(seal).strip() for seal in seal_numbers if str(seal).strip()]
    now = timezone.now()
    old = _transition(
        shipment=shipment,
        allowed=[OutboundStatus.PACKED],
        new_status=OutboundStatus.DISPATCHED,
        action="dispatch",
        fields={
            "dispatched_at": now,
            "carrier_ref": carrier_ref,
            "carrier_name": (carrier_name or "").strip()[:64],
            "seal_numbers": seals,
        },
    )
    shipment = OutboundShipment.objects.select_related("warehouse").get(pk=shipment.pk)
    stock_ship(allocations=_allocations(shipment), reference=shipment.reference, actor=actor)
    note = (f"{carrier_name.strip()} " if carrier_name.strip() else "") + f"Carrier reference {carrier_ref}"
    note += f", seals {', '.join(seals)}" if seals else ""
    event = ShipmentEvent.objects.create(
        shipment=shipment,
        code=ShipmentEventCode.DISPATCHED,
        location=location or shipment.warehouse.city,
        note=note,
        occurred_at=now,
        actor_id=_actor_id(actor),
    )
    _notify(shipment_id=shipment.pk, old_status=old, new_status=OutboundStatus.DISPATCHED, event_id=event.pk)
    return shipment


@transaction.atomic
def outbound_shipment_event_add(
    *,
    shipment: OutboundShipment,
    code: str,
    location: str = "",
    note: str = "",
    occurred_at: datetime | None = None,
    actor: Any = None,
) -> ShipmentEvent:
    """Record a tracking event; the first one after dispatch means in transit, ``delivered`` closes it."""
    if code not in ShipmentEventCode.values:
        raise ValidationFailed(
            _("Unknown event code %(code)s.") % {"code": repr(code)},
            errors={"code": [_("Use one of: %(choices)s.") % {"choices": ", ".join(ShipmentEventCode.values)}]},
        )
    occurred_at = occurred_at or timezone.now()
    current = (
        OutboundShipment.objects.select_for_update().filter(pk=shipment.pk).values_list("status", flat=True).first()
    )
    if current not in TRACKABLE:
        raise IllegalTransition(
            _("Tracking events start when the shipment is dispatched; it is %(current)s.") % {"current": current},
            current_status=current or "",
            allowed_from=list(TRACKABLE),
        )
    event = ShipmentEvent.objects.create(
        shipment_id=shipment.pk,
        code=code,
        location=location,
        note=note,
        occurred_at=occurred_at,
        actor_id=_actor_id(actor),
    )
    if code == ShipmentEventCode.DELIVERED:
        new_status, fields = OutboundStatus.DELIVERED, {"delivered_at": occurred_at}
    elif current == OutboundStatus.DISPATCHED and code != ShipmentEventCode.DISPATCHED:
        new_status, fields = OutboundStatus.IN_TRANSIT, {}
    else:
        return event
    old = _transition(shipment=shipment, allowed=TRACKABLE, new_status=new_status, action="track", fields=fields)
    _notify(shipment_id=shipment.pk, old_status=old, new_status=new_status, event_id=event.pk)
    return event


@transaction.atomic
def outbound_shipment_set_departure(
    *, shipment: OutboundShipment, departure_unit: Any, eta: datetime | None = None
) -> OutboundShipment:
    """Book the shipment onto a departure's unit (the consolidation step); allowed until dispatch."""
    current = (
        OutboundShipment.objects.select_for_update().filter(pk=shipment.pk).values_list("status", flat=True).first()
    )
    if current not in CANCELLABLE:
        raise IllegalTransition(
            _("Cannot rebook a shipment that is %(current)s.") % {"current": current}, current_status=current or ""
        )
    OutboundShipment.objects.filter(pk=shipment.pk).update(
        departure_unit=departure_unit, eta=eta, updated_at=timezone.now()
    )
    return _refreshed(shipment)
