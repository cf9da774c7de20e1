"""The shift's pages in the admin: receiving, the shipment page, labels, cycle counts; each scoped to
the staff's warehouses, and each refused action changes nothing."""

import pytest
from django.test import Client
from django.urls import reverse

from marketplace.tests.factories import ProductFactory, VariantFactory
from warehouses.models import (
    CycleCount,
    InboundStatus,
    LedgerKind,
    OutboundShipment,
    OutboundStatus,
    Stock,
    StockLedgerEntry,
)
from warehouses.services import (
    ReservationLine,
    inbound_shipment_create,
    outbound_shipment_pack,
    outbound_shipment_pick,
    outbound_shipment_release,
    staff_assign,
    stock_receive,
    stock_reserve,
    stock_settings_update,
)
from warehouses.tests.factories import WarehouseFactory, shipment_for, stock_with

pytestmark = pytest.mark.django_db


@pytest.fixture
def shift(make_user):  # type: ignore[no-untyped-def]
    ala, tas = WarehouseFactory(code="ALA"), WarehouseFactory(code="TAS")
    staff = make_user(email="staff.ala@example.com")
    staff_assign(user=staff, warehouse=ala)
    client = Client()
    client.force_login(staff)
    flask = ProductFactory(title="Vacuum flask 500 ml")
    big = VariantFactory(product=flask, sku="YH-THERMOS-1000", name="1 l", barcode="4006381333931")
    small = VariantFactory(product=flask, sku="YH-THERMOS-500", name="500 ml")
    return {"client": client, "staff": staff, "ala": ala, "tas": tas, "big": big, "small": small}


def _delivery(shift, warehouse_code="ALA"):  # type: ignore[no-untyped-def]
    seller = shift["big"].seller
    return inbound_shipment_create(
        seller=seller, warehouse_code=warehouse_code, lines=[("YH-THERMOS-1000", 5), ("YH-THERMOS-500", 3)]
    )


def test_a_short_delivery_with_damaged_units_is_received_line_by_line(shift) -> None:
    client, big, small = shift["client"], shift["big"], shift["small"]
    delivery = _delivery(shift)
    lines = {line.variant.sku: line for line in delivery.lines.select_related("variant")}
    url = reverse("admin:warehouses_inbound_receive", args=[delivery.pk])
    page = client.get(url).content.decode()
    assert "YH-THERMOS-1000" in page and "1 l" in page  # the variant, not only the product title
    response = client.post(
        url,
        {
            f"received_{lines['YH-THERMOS-1000'].pk}": "4",
            f"damaged_{lines['YH-THERMOS-1000'].pk}": "1",
            f"reason_{lines['YH-THERMOS-1000'].pk}": "crushed box",
            f"received_{lines['YH-THERMOS-500'].pk}": "3",
            "close": "1",
        },
    )
    assert response.status_code == 302
    delivery.refresh_from_db()
    assert delivery.status == InboundStatus.DISCREPANCY
    line = delivery.lines.get(variant=big)
    assert (line.quantity_received, line.quantity_damaged, line.damage_reason) == (4, 1, "crushed box")
    # Only the sound units went on the shelf; the ledger says why the row got 3 of 4.
    assert Stock.objects.get(variant=big, warehouse=shift["ala"]).on_hand == 3
    assert Stock.objects.get(variant=small, warehouse=shift["ala"]).on_hand == 3
    entry = StockLedgerEntry.objects.get(stock__variant=big, kind=LedgerKind.RECEIVE)
    assert "crushed box" in entry.reason


def test_damaged_units_without_a_reason_are_refused_and_nothing_is_received(shift) -> None:
    client = shift["client"]
    delivery = _delivery(shift)
    line = delivery.lines.get(variant=shift["big"])
    response = client.post(
        reverse("admin:warehouses_inbound_receive", args=[delivery.pk]),
        {f"received_{line.pk}": "5", f"damaged_{line.pk}": "2", "record": "1"},
        follow=True,
    )
    assert "Say what is wrong with the damaged units." in response.content.decode()
    line.refresh_from_db()
    assert line.quantity_received is None
    assert not Stock.objects.filter(variant=shift["big"]).exists()


def test_an_unannounced_sku_is_a_surplus_line(shift) -> None:
    client = shift["client"]
    extra = VariantFactory(product=shift["big"].product, sku="YH-THERMOS-750", name="750 ml")
    delivery = _delivery(shift)
    client.post(
        reverse("admin:warehouses_inbound_receive", args=[delivery.pk]),
        {"surplus_sku": ["YH-THERMOS-750"], "surplus_qty": ["2"], "record": "1"},
    )
    surplus = delivery.lines.get(variant=extra)
    assert (surplus.quantity_expected, surplus.quantity_received) == (0, 2)


def test_another_warehouses_delivery_cannot_be_opened_or_received(shift) -> None:
    client = shift["client"]
    delivery = _delivery(shift, warehouse_code="TAS")
    line = delivery.lines.first()
    url = reverse("admin:warehouses_inbound_receive", args=[delivery.pk])
    assert client.get(url).status_code == 404
    assert client.post(url, {f"received_{line.pk}": "5", "close": "1"}).status_code == 404
    delivery.refresh_from_db()
    assert delivery.status == InboundStatus.ANNOUNCED and not Stock.objects.exists()


@pytest.fixture
def ready(shift):  # type: ignore[no-untyped-def]
    big = stock_with(variant=shift["big"], warehouse=shift["ala"], on_hand=10)
    small = stock_with(variant=shift["small"], warehouse=shift["ala"], on_hand=10)
    stock_settings_update(stock=big, bin_location="c-02-1")
    stock_settings_update(stock=small, bin_location="A-01-3")
    shipment = shipment_for(stock=big, quantity=2, mode="tir")
    # A second line, reserved as the orders app would.
    stock_reserve(lines=[ReservationLine(small.variant_id, 1)], destination_country="KZ", reference=shipment.reference)
    shipment.lines.create(
        variant=shift["small"], quantity=1, declared_unit_value=shipment.lines.first().declared_unit_value
    )
    outbound_shipment_release(shipment=shipment)
    return shipment


def _scans(shipment: OutboundShipment, **override: int) -> dict[str, str]:
    return {f"scanned_{line.pk}": str(override.get(line.variant.sku, line.quantity)) for line in shipment.lines.all()}


def test_the_shipment_page_offers_the_next_step_and_lists_lines_by_bin(shift, ready) -> None:
    page = shift["client"].get(reverse("admin:warehouses_outboundshipment_change", args=[ready.pk])).content.decode()
    assert 'name="step" value="pick"' in page
    assert page.index("A-01-3") < page.index("C-02-1")  # bins are stored upper-case and walked in order
    assert "500 ml" in page and "1 l" in page
    pick_list = shift["client"].get(reverse("admin:warehouses_outbound_pick_list", args=[ready.pk])).content.decode()
    assert pick_list.index("YH-THERMOS-500") < pick_list.index("YH-THERMOS-1000")


def test_picking_without_scanning_every_unit_is_refused_and_changes_nothing(shift, ready) -> None:
    url = reverse("admin:warehouses_outboundshipment_change", args=[ready.pk])
    response = shift["client"].post(url, {"step": "pick", **_scans(ready, **{"YH-THERMOS-1000": 1})}, follow=True)
    assert "YH-THERMOS-1000 1 of 2" in response.content.decode()
    ready.refresh_from_db()
    assert ready.status == OutboundStatus.READY and ready.picked_at is None
    # A step that is not the next one is refused too.
    shift["client"].post(url, {"step": "dispatch", "carrier_ref": "XA 12345678", "seal": ["S1"]})
    ready.refresh_from_db()
    assert ready.status == OutboundStatus.READY


def test_pick_pack_and_dispatch_a_tir_shipment_from_its_page(shift, ready) -> None:
    client = shift["client"]
    url = reverse("admin:warehouses_outboundshipment_change", args=[ready.pk])
    assert client.post(url, {"step": "pick", **_scans(ready)}).status_code == 302
    assert client.post(url, {"step": "pack", "weight_kg": "3.6", **_scans(ready)}).status_code == 302
    page = client.get(url).content.decode()
    assert "TIR carnet number" in page and "Courier" not in page
    # No seal: a TIR truck leaves sealed. Refused, and the stock has not left.
    refused = client.post(url, {"step": "dispatch", "carrier_ref": "XA 12345678"})
    assert refused.status_code == 200 and "customs seals" in refused.content.decode()
    ready.refresh_from_db()
    assert ready.status == OutboundStatus.PACKED
    assert Stock.objects.get(variant=shift["big"], warehouse=shift["ala"]).on_hand == 10
    # Not a carnet number: refused the same way.
    client.post(url, {"step": "dispatch", "carrier_ref": "hello", "seal": ["KZ 1"]})
    ready.refresh_from_db()
    assert ready.status == OutboundStatus.PACKED
    done = client.post(url, {"step": "dispatch", "carrier_ref": "xa 12345678", "seal": ["kz 001", "kz 002", ""]})
    assert done.status_code == 302
    ready.refresh_from_db()
    assert (ready.status, ready.carrier_ref, ready.seal_numbers) == ("dispatched", "XA 12345678", ["KZ 001", "KZ 002"])
    assert str(ready.weight_kg) == "3.600"
    assert Stock.objects.get(variant=shift["big"], warehouse=shift["ala"]).on_hand == 8
    page = client.get(url).content.decode()
    assert "<li>KZ 001</li>" in page and "[" not in page.split("Seals", 1)[1][:200]  # a list, not raw JSON


def test_a_local_parcel_asks_for_a_courier_and_tracking_number(shift) -> None:
    stock = stock_with(variant=shift["small"], warehouse=shift["ala"], on_hand=4)
    parcel = shipment_for(stock=stock, quantity=1, mode="road")  # to Almaty, from Almaty
    outbound_shipment_release(shipment=parcel)
    outbound_shipment_pick(shipment=parcel)
    outbound_shipment_pack(shipment=parcel)
    url = reverse("admin:warehouses_outboundshipment_change", args=[parcel.pk])
    page = shift["client"].get(url).content.decode()
    assert "Courier tracking number" in page and "TIR carnet" not in page and 'name="seal"' not in page
    shift["client"].post(url, {"step": "dispatch", "carrier_ref": "CD123456789KZ"})  # no courier named
    parcel.refresh_from_db()
    assert parcel.status == OutboundStatus.PACKED
    shift["client"].post(url, {"step": "dispatch", "carrier_ref": "CD123456789KZ", "carrier_name": "CDEK"})
    parcel.refresh_from_db()
    assert (parcel.status, parcel.carrier_name, parcel.carrier_ref) == ("dispatched", "CDEK", "CD123456789KZ")


def test_another_warehouses_shipment_page_steps_and_labels_are_404(shift) -> None:
    client = shift["client"]
    tas_stock = stock_with(variant=shift["big"], warehouse=shift["tas"], on_hand=5)
    tas = shipment_for(stock=tas_stock, quantity=1)
    outbound_shipment_release(shipment=tas)
    url = reverse("admin:warehouses_outboundshipment_change", args=[tas.pk])
    assert client.get(url).status_code == 404
    assert client.post(url, {"step": "pick", **_scans(tas)}).status_code == 404
    assert client.get(reverse("admin:warehouses_stock_label", args=[tas_stock.pk])).status_code == 404
    tas.refresh_from_db()
    assert tas.status == OutboundStatus.READY


def test_labels_print_a_code_128_of_the_sku_or_the_ean(shift) -> None:
    stock = stock_with(variant=shift["small"], warehouse=shift["ala"], on_hand=4)
    ean = stock_with(variant=shift["big"], warehouse=shift["ala"], on_hand=4)
    page = shift["client"].post(
        reverse("admin:warehouses_stock_changelist"),
        {"action": "print_labels", "_selected_action": [stock.pk, ean.pk]},
    )
    html = page.content.decode()
    assert html.count("<svg") == 2 and "YH-THERMOS-500" in html and "4006381333931" in html


def test_bins_are_set_on_the_stock_page_and_counts_never_change_there(shift) -> None:
    stock = stock_with(variant=shift["small"], warehouse=shift["ala"], on_hand=4)
    url = reverse("admin:warehouses_stock_change", args=[stock.pk])
    form = {"bin_location": " b-04-2 ", "low_stock_threshold": "3", "on_hand": "999"}
    management = {"ledger_entries-TOTAL_FORMS": "1", "ledger_entries-INITIAL_FORMS": "1"}
    response = shift["client"].post(url, {**form, **management})
    assert response.status_code == 302
    stock.refresh_from_db()
    assert (stock.bin_location, stock.low_stock_threshold, stock.on_hand) == ("B-04-2", 3, 4)


def test_a_cycle_count_books_its_differences_through_the_ledger(shift) -> None:
    client = shift["client"]
    big = stock_with(variant=shift["big"], warehouse=shift["ala"], on_hand=10)
    small = stock_with(variant=shift["small"], warehouse=shift["ala"], on_hand=6)
    tas = stock_with(variant=VariantFactory(), warehouse=shift["tas"], on_hand=6)
    client.post(
        reverse("admin:warehouses_stock_changelist"),
        {"action": "start_cycle_count", "_selected_action": [big.pk, small.pk, tas.pk]},
    )
    count = CycleCount.objects.get()
    assert {line.stock_id for line in count.lines.all()} == {big.pk, small.pk}  # TAS's row is not theirs
    url = reverse("admin:warehouses_cyclecount_change", args=[count.pk])
    lines = {line.stock_id: line for line in count.lines.all()}
    client.post(url, {f"counted_{lines[big.pk].pk}": "9", f"counted_{lines[small.pk].pk}": "6", "book": "1"})
    big.refresh_from_db()
    small.refresh_from_db()
    assert (big.on_hand, small.on_hand) == (9, 6)
    entry = StockLedgerEntry.objects.get(kind=LedgerKind.COUNT)
    assert (entry.stock_id, entry.on_hand_delta, entry.reference) == (big.pk, -1, count.reference)
    assert CycleCount.objects.get().status == "booked"


@pytest.mark.parametrize(
    ("language", "refusal"),
    [
        ("", "On hand moved from 10 to 15: count again."),
        # The admin follows the staff's saved language; the service's refusal comes in it too.
        ("ru", "Остаток на складе изменился с 10 на 15: пересчитайте заново."),
    ],
)
def test_a_count_of_a_row_that_moved_since_is_refused_and_books_nothing(shift, language, refusal) -> None:
    if language:
        shift["staff"].preferred_language = language
        shift["staff"].save(update_fields=["preferred_language"])
    client = shift["client"]
    big = stock_with(variant=shift["big"], warehouse=shift["ala"], on_hand=10)
    client.post(
        reverse("admin:warehouses_stock_changelist"), {"action": "start_cycle_count", "_selected_action": [big.pk]}
    )
    count = CycleCount.objects.get()
    line = count.lines.get()
    url = reverse("admin:warehouses_cyclecount_change", args=[count.pk])
    client.post(url, {f"counted_{line.pk}": "7", "save": "1"})
    stock_receive(variant_id=big.variant_id, warehouse_id=big.warehouse_id, quantity=5, reference="IN-late")
    page = client.post(url, {"book": "1"}, follow=True).content.decode()
    assert refusal in page
    big.refresh_from_db()
    assert big.on_hand == 15
    assert not StockLedgerEntry.objects.filter(kind=LedgerKind.COUNT).exists()
    assert CycleCount.objects.get().status == "open"


def test_another_warehouses_count_is_404(shift, make_user) -> None:
    other = make_user(email="staff.tas@example.com")
    staff_assign(user=other, warehouse=shift["tas"])
    tas = stock_with(variant=shift["big"], warehouse=shift["tas"], on_hand=3)
    other_client = Client()
    other_client.force_login(other)
    other_client.post(
        reverse("admin:warehouses_stock_changelist"), {"action": "start_cycle_count", "_selected_action": [tas.pk]}
    )
    count = CycleCount.objects.get()
    url = reverse("admin:warehouses_cyclecount_change", args=[count.pk])
    line = count.lines.get()
    assert shift["client"].get(url).status_code == 404
    assert shift["client"].post(url, {f"counted_{line.pk}": "0", "book": "1"}).status_code == 404
    tas.refresh_from_db()
    assert tas.on_hand == 3


def test_the_admin_follows_the_users_language(shift) -> None:
    staff, client = shift["staff"], shift["client"]
    client.post(reverse("admin-language"), {"language": "ru", "next": "/admin/"})
    staff.refresh_from_db()
    assert staff.preferred_language == "ru"
    page = client.get(reverse("admin:warehouses_stock_low")).content.decode()
    assert "Мало на складе" in page
