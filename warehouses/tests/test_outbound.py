"""Outbound shipments: the scanner's pick → pack → dispatch → tracking flow, every illegal step a 409."""

import pytest
from django.db.models import Sum

from warehouses.models import OutboundStatus, Stock
from warehouses.services import (
    outbound_shipment_cancel,
    outbound_shipment_dispatch,
    outbound_shipment_event_add,
    outbound_shipment_pack,
    outbound_shipment_pick,
    outbound_shipment_release,
    staff_assign,
)
from warehouses.signals import shipment_status_changed
from warehouses.tests.factories import WarehouseFactory, shipment_for, stock_with

pytestmark = pytest.mark.django_db

STEPS = {
    "pick": ("pick/", {}),
    "pack": ("pack/", {"weight_kg": "2.500", "length_cm": "40", "width_cm": "30", "height_cm": "20"}),
    "dispatch": ("dispatch/", {"carrier_ref": "TIR XA 12345678", "seal_numbers": ["S-1", "S-2"]}),
    "event": ("events/", {"code": "border_crossing", "location": "Khorgos"}),
}
# Which scanner steps each status allows; everything else must be a 409 carrying the status.
ALLOWED = {
    OutboundStatus.PENDING: set(),
    OutboundStatus.READY: {"pick"},
    OutboundStatus.PICKED: {"pack"},
    OutboundStatus.PACKED: {"dispatch"},
    OutboundStatus.DISPATCHED: {"event"},
    OutboundStatus.IN_TRANSIT: {"event"},
    OutboundStatus.DELIVERED: set(),
    OutboundStatus.CANCELLED: set(),
}


def bring_to(shipment, target: str):  # type: ignore[no-untyped-def]
    """Move a fresh pending shipment to ``target`` through the services."""
    path = [
        (OutboundStatus.READY, lambda: outbound_shipment_release(shipment=shipment)),
        (OutboundStatus.PICKED, lambda: outbound_shipment_pick(shipment=shipment)),
        (OutboundStatus.PACKED, lambda: outbound_shipment_pack(shipment=shipment)),
        (OutboundStatus.DISPATCHED, lambda: outbound_shipment_dispatch(shipment=shipment, carrier_ref="SMGS 778899")),
        (OutboundStatus.IN_TRANSIT, lambda: outbound_shipment_event_add(shipment=shipment, code="arrived_hub")),
        (OutboundStatus.DELIVERED, lambda: outbound_shipment_event_add(shipment=shipment, code="delivered")),
    ]
    if target == OutboundStatus.CANCELLED:
        outbound_shipment_cancel(shipment=shipment)
    else:
        for status, step in path:
            if shipment.status == target:
                break
            step()
            shipment.refresh_from_db()
            assert shipment.status == status
    shipment.refresh_from_db()
    assert shipment.status == target
    return shipment


@pytest.fixture
def ala(make_user, client_for):  # type: ignore[no-untyped-def]
    warehouse = WarehouseFactory(code="ALA")
    staff = make_user(email="staff.ala@example.com")
    staff_assign(user=staff, warehouse=warehouse)
    return {"warehouse": warehouse, "staff": staff, "client": client_for(staff)}


def test_full_flow_through_the_scanner_api(ala, django_capture_on_commit_callbacks) -> None:
    stock = stock_with(warehouse=ala["warehouse"], on_hand=10)
    shipment = shipment_for(stock=stock, quantity=3)
    received = []

    def listener(sender, shipment, old_status, new_status, event, **kwargs):  # type: ignore[no-untyped-def]
        received.append((old_status, new_status, event.code if event else None))

    shipment_status_changed.connect(listener)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            outbound_shipment_release(shipment=shipment)
        client = ala["client"]
        base = f"/api/v1/warehouse/shipments/{shipment.pk}/"
        listing = client.get("/api/v1/warehouse/shipments/?warehouse=ALA&status=ready").json()
        assert [row["id"] for row in listing["results"]] == [shipment.pk]
        for step in ("pick", "pack", "dispatch", "event"):
            path, body = STEPS[step]
            with django_capture_on_commit_callbacks(execute=True):
                response = client.post(base + path, body, format="json")
            assert response.status_code in (200, 201), response.json()
        with django_capture_on_commit_callbacks(execute=True):
            delivered = client.post(base + "events/", {"code": "delivered", "location": "Almaty"}, format="json")
        assert delivered.status_code == 201 and delivered.json()["shipment_status"] == "delivered"
    finally:
        shipment_status_changed.disconnect(listener)

    detail = client.get(base).json()
    assert detail["status"] == "delivered"
    assert (detail["weight_kg"], detail["carrier_ref"], detail["seal_numbers"]) == (
        "2.500",
        "TIR XA 12345678",
        ["S-1", "S-2"],
    )
    assert [event["code"] for event in detail["events"]] == ["dispatched", "border_crossing", "delivered"]
    assert received == [
        ("pending", "ready", None),
        ("ready", "picked", None),
        ("picked", "packed", None),
        ("packed", "dispatched", "dispatched"),
        ("dispatched", "in_transit", "border_crossing"),
        ("in_transit", "delivered", "delivered"),
    ]
    # Dispatch took the units out of stock, and the ledger agrees.
    stock.refresh_from_db()
    assert (stock.on_hand, stock.reserved) == (7, 0)
    sums = stock.ledger_entries.aggregate(on_hand=Sum("on_hand_delta"), reserved=Sum("reserved_delta"))
    assert (sums["on_hand"], sums["reserved"]) == (7, 0)


@pytest.mark.parametrize("status", list(ALLOWED))
def test_every_illegal_step_is_a_409_with_the_current_state(ala, status) -> None:
    stock = stock_with(warehouse=ala["warehouse"], on_hand=10)
    shipment = bring_to(shipment_for(stock=stock, quantity=1), status)
    before = Stock.objects.get(pk=stock.pk)
    for step, (path, body) in STEPS.items():
        if step in ALLOWED[status]:
            continue
        response = ala["client"].post(f"/api/v1/warehouse/shipments/{shipment.pk}/{path}", body, format="json")
        assert response.status_code == 409, (status, step, response.json())
        assert response.json()["current_status"] == status
        assert response.json()["code"] == "illegal_transition"
    shipment.refresh_from_db()
    after = Stock.objects.get(pk=stock.pk)
    assert shipment.status == status
    assert (after.on_hand, after.reserved) == (before.on_hand, before.reserved)


@pytest.mark.parametrize("status", [OutboundStatus.DISPATCHED, OutboundStatus.DELIVERED, OutboundStatus.CANCELLED])
def test_cancel_after_dispatch_or_twice_is_refused(ala, status) -> None:
    from core.exceptions import Conflict

    shipment = bring_to(shipment_for(stock=stock_with(warehouse=ala["warehouse"], on_hand=5)), status)
    with pytest.raises(Conflict) as caught:
        outbound_shipment_cancel(shipment=shipment)
    assert caught.value.extra["current_status"] == status


def test_release_twice_is_refused(ala) -> None:
    from core.exceptions import Conflict

    shipment = bring_to(shipment_for(stock=stock_with(warehouse=ala["warehouse"], on_hand=5)), OutboundStatus.READY)
    with pytest.raises(Conflict) as caught:
        outbound_shipment_release(shipment=shipment)
    assert caught.value.extra["current_status"] == "ready"


def test_cancel_before_dispatch_gives_the_units_back(ala) -> None:
    stock = stock_with(warehouse=ala["warehouse"], on_hand=5)
    shipment = bring_to(shipment_for(stock=stock, quantity=4), OutboundStatus.PACKED)
    stock.refresh_from_db()
    assert stock.available == 1
    outbound_shipment_cancel(shipment=shipment)
    stock.refresh_from_db()
    assert (stock.on_hand, stock.reserved) == (5, 0)


def test_create_is_idempotent_per_order_and_warehouse(ala) -> None:
    stock = stock_with(warehouse=ala["warehouse"], on_hand=5)
    first = shipment_for(stock=stock, quantity=1, reference="K-42")
    from warehouses.services import outbound_shipment_create

    again = outbound_shipment_create(
        warehouse_id=first.warehouse_id,
        seller_id=first.seller_id,
        reference="K-42",
        destination=first.destination,
        lines=[(stock.variant_id, 1, first.lines.get().declared_unit_value)],
    )
    assert again.pk == first.pk and again.lines.count() == 1


def test_bad_scanner_input_is_a_400(ala) -> None:
    shipment = bring_to(shipment_for(stock=stock_with(warehouse=ala["warehouse"], on_hand=5)), OutboundStatus.PICKED)
    client, base = ala["client"], f"/api/v1/warehouse/shipments/{shipment.pk}/"
    assert client.post(base + "pack/", {"weight_kg": "-1"}, format="json").status_code == 400
    assert client.post(base + "pack/", {"weight_kg": "abc"}, format="json").status_code == 400
    shipment.refresh_from_db()
    assert shipment.status == OutboundStatus.PICKED
    outbound_shipment_pack(shipment=shipment)
    missing = client.post(base + "dispatch/", {}, format="json")
    assert missing.status_code == 400 and "carrier_ref" in missing.json()["errors"]
    outbound_shipment_dispatch(shipment=shipment, carrier_ref="SMGS 1")
    unknown = client.post(base + "events/", {"code": "teleported"}, format="json")
    assert unknown.status_code == 400 and "code" in unknown.json()["errors"]
    assert client.get("/api/v1/warehouse/shipments/?status=flying").status_code == 400
