"""Inbound writes: a seller announces goods sent to a warehouse; staff receive them line by line."""

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.exceptions import ValidationFailed
from marketplace.models import ProductVariant
from warehouses.exceptions import AlreadyReceived, IllegalTransition
from warehouses.models import InboundLine, InboundShipment, InboundStatus, Warehouse
from warehouses.services.stock import ReceiptLine, _actor_id, stock_receive_many


def _variants_by_sku(*, seller: Any, skus: Sequence[str]) -> dict[str, ProductVariant]:
    return {variant.sku: variant for variant in ProductVariant.objects.filter(seller=seller, sku__in=set(skus))}


@transaction.atomic
def inbound_shipment_create(
    *,
    seller: Any,
    warehouse_code: str,
    lines: Sequence[tuple[str, int]],
    actor: Any = None,
    seller_reference: str = "",
    note: str = "",
) -> InboundShipment:
    """Announce goods on their way to a warehouse; ``lines`` are (sku, quantity) of the seller's own variants."""
    warehouse = Warehouse.objects.filter(code=(warehouse_code or "").upper(), is_active=True).first()
    if warehouse is None:
        raise ValidationFailed(
            _("No active warehouse %(code)s.") % {"code": repr(warehouse_code)},
            errors={"warehouse": [_("Unknown warehouse code.")]},
        )
    if not lines:
        raise ValidationFailed(
            _("Announce at least one line."), errors={"lines": [_("At least one line is required.")]}
        )
    variants = _variants_by_sku(seller=seller, skus=[sku for sku, _ in lines])
    errors: dict[str, list[str]] = {}
    seen: set[str] = set()
    for index, (sku, quantity) in enumerate(lines):
        if sku not in variants:
            errors[f"lines.{index}.sku"] = [_("You have no variant with SKU %(sku)s.") % {"sku": repr(sku)}]
        elif sku in seen:
            errors[f"lines.{index}.sku"] = [
                _("SKU %(sku)s is listed twice; put the total on one line.") % {"sku": repr(sku)}
            ]
        if not isinstance(quantity, int) or quantity < 1:
            errors[f"lines.{index}.quantity"] = [_("Must be at least 1.")]
        seen.add(sku)
    if errors:
        raise ValidationFailed(next(iter(errors.values()))[0], errors=errors)
    shipment = InboundShipment.objects.create(
        seller=seller,
        warehouse=warehouse,
        seller_reference=seller_reference,
        note=note,
        created_by_id=_actor_id(actor),
    )
    InboundLine.objects.bulk_create(
        InboundLine(shipment=shipment, variant=variants[sku], quantity_expected=quantity) for sku, quantity in lines
    )
    return shipment


@transaction.atomic
def inbound_shipment_mark_in_transit(*, shipment: InboundShipment, actor: Any = None) -> InboundShipment:
    updated = InboundShipment.objects.filter(pk=shipment.pk, status=InboundStatus.ANNOUNCED).update(
        status=InboundStatus.IN_TRANSIT
    )
    if updated != 1:
        current = InboundShipment.objects.values_list("status", flat=True).get(pk=shipment.pk)
        raise IllegalTransition(
            _("The shipment is %(current)s, not announced.") % {"current": current}, current_status=current
        )
    shipment.refresh_from_db()
    return shipment


@dataclass(frozen=True, slots=True)
class InboundCount:
    """One SKU as counted at the dock: every unit that arrived, and how many of them are damaged (and why)."""

    sku: str
    quantity_received: int
    quantity_damaged: int = 0
    damage_reason: str = ""


def _counts(lines: Sequence[tuple[str, int] | InboundCount]) -> list[InboundCount]:
    return [line if isinstance(line, InboundCount) else InboundCount(line[0], line[1]) for line in lines]


@transaction.atomic
def inbound_shipment_receive(
    *,
    shipment: InboundShipment,
    lines: Sequence[tuple[str, int] | InboundCount],
    actor: Any = None,
    complete: bool = False,
) -> InboundShipment:
    """Count goods in: each (sku, quantity_received) goes on the shelf at once and is recorded on its line.

    A line is received once (again → 409). When every line is counted (or ``complete`` closes the
    shipment, counting unscanned lines as 0) the shipment becomes ``received``, or ``discrepancy``
    when any line differs from what was announced or arrived damaged. An SKU of the seller's that
    was not announced is recorded as a surplus line (expected 0). Damaged units (an
    ``InboundCount`` with a reason) are counted as received but not put on the shelf.
    """
    counts = _counts(lines)
    locked = InboundShipment.objects.select_for_update().get(pk=shipment.pk)
    if not locked.is_open:
        raise AlreadyReceived(
            _("This shipment was already received (%(status)s).") % {"status": locked.status},
            current_status=locked.status,
        )
    if not counts and not complete:
        raise ValidationFailed(_("Scan at least one line."), errors={"lines": [_("At least one line is required.")]})
    existing = {line.variant.sku: line for line in locked.lines.select_related("variant")}
    errors: dict[str, list[str]] = {}
    seen: set[str] = set()
    for index, count in enumerate(counts):
        sku, quantity, damaged = count.sku, count.quantity_received, count.quantity_damaged
        if not isinstance(quantity, int) or quantity < 0:
            errors[f"lines.{index}.quantity_received"] = [_("Must be 0 or more.")]
        elif not isinstance(damaged, int) or not 0 <= damaged <= quantity:
            errors[f"lines.{index}.quantity_damaged"] = [
                _("Must be between 0 and the %(quantity)s received.") % {"quantity": quantity}
            ]
        elif damaged and not count.damage_reason.strip():
            errors[f"lines.{index}.damage_reason"] = [_("Say what is wrong with the damaged units.")]
        if sku in seen:
            errors[f"lines.{index}.sku"] = [_("SKU %(sku)s is listed twice.") % {"sku": repr(sku)}]
        seen.add(sku)
    unknown = [count.sku for count in counts if count.sku not in existing]
    surplus_variants = _variants_by_sku(seller=locked.seller, skus=unknown) if unknown else {}
    for index, count in enumerate(counts):
        if count.sku not in existing and count.sku not in surplus_variants:
            errors[f"lines.{index}.sku"] = [
                _("SKU %(sku)s is not one of this seller's variants.") % {"sku": repr(count.sku)}
            ]
    if errors:
        raise ValidationFailed(next(iter(errors.values()))[0], errors=errors)
    for sku in (count.sku for count in counts):
        line = existing.get(sku)
        if line is not None and line.quantity_received is not None:
            raise AlreadyReceived(
                _("SKU %(sku)s was already received (%(quantity)s units).")
                % {"sku": sku, "quantity": line.quantity_received},
                current_status=locked.status,
                sku=sku,
                quantity_received=line.quantity_received,
            )

    now = timezone.now()
    actor_id = _actor_id(actor)
    received: list[ReceiptLine] = []
    for count in counts:
        line = existing.get(count.sku)
        if line is None:
            line = InboundLine.objects.create(shipment=locked, variant=surplus_variants[count.sku], quantity_expected=0)
            existing[count.sku] = line
        line.quantity_received = count.quantity_received
        line.quantity_damaged = count.quantity_damaged
        line.damage_reason = count.damage_reason.strip()[:200] if count.quantity_damaged else ""
        line.received_at = now
        line.received_by_id = actor_id
        line.save(
            update_fields=["quantity_received", "quantity_damaged", "damage_reason", "received_at", "received_by"]
        )
        sellable = count.quantity_received - count.quantity_damaged
        if sellable > 0:
            note = f"{count.quantity_damaged} more arrived damaged: {line.damage_reason}" if line.damage_reason else ""
            received.append(ReceiptLine(line.variant_id, sellable, reason=note))
    # All stock rows at once, in the lock helper's order (not the scan order), and only after the
    # lines are written, so orders competing for these rows wait as briefly as possible.
    stock_receive_many(warehouse_id=locked.warehouse_id, lines=received, reference=locked.reference, actor=actor)
    if complete:
        for line in existing.values():
            if line.quantity_received is None:
                line.quantity_received = 0
                line.received_at = now
                line.received_by_id = actor_id
                line.save(update_fields=["quantity_received", "received_at", "received_by"])
    if all(line.quantity_received is not None for line in existing.values()):
        balanced = all(
            line.quantity_received == line.quantity_expected and not line.quantity_damaged for line in existing.values()
        )
        locked.status = InboundStatus.RECEIVED if balanced else InboundStatus.DISCREPANCY
        locked.received_at = now
        locked.save(update_fields=["status", "received_at"])
    return locked
