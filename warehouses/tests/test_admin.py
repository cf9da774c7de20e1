"""The staff admin: Almaty staff cannot see or change Tashkent's things by list, URL or action."""

import pytest
from django.test import Client
from django.urls import reverse

from warehouses.models import LedgerKind, OutboundStatus, Stock
from warehouses.services import outbound_shipment_pick, outbound_shipment_release, staff_assign
from warehouses.tests.factories import WarehouseFactory, shipment_for, stock_with

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(make_user):  # type: ignore[no-untyped-def]
    ala, tas = WarehouseFactory(code="ALA"), WarehouseFactory(code="TAS")
    staff = make_user(email="staff.ala@example.com")
    staff_assign(user=staff, warehouse=ala)
    client = Client()
    client.force_login(staff)
    ala_stock = stock_with(warehouse=ala, on_hand=10)
    tas_stock = stock_with(warehouse=tas, on_hand=10)
    ala_shipment = shipment_for(stock=ala_stock, quantity=2)
    tas_shipment = shipment_for(stock=tas_stock, quantity=2)
    outbound_shipment_release(shipment=ala_shipment)
    outbound_shipment_release(shipment=tas_shipment)
    return {
        "client": client,
        "staff": staff,
        "ala_stock": ala_stock,
        "tas_stock": tas_stock,
        "ala_shipment": ala_shipment,
        "tas_shipment": tas_shipment,
    }


def test_lists_show_only_the_staffs_warehouse(world) -> None:
    client = world["client"]
    stock_page = client.get(reverse("admin:warehouses_stock_changelist"))
    assert stock_page.status_code == 200
    assert list(stock_page.context["cl"].result_list) == [world["ala_stock"]]
    shipments = client.get(reverse("admin:warehouses_outboundshipment_changelist"))
    assert list(shipments.context["cl"].result_list) == [world["ala_shipment"]]
    ledger = client.get(reverse("admin:warehouses_stockledgerentry_changelist"))
    assert {entry.stock.warehouse.code for entry in ledger.context["cl"].result_list} == {"ALA"}
    # The warehouse filter offers only their warehouse.
    assert "TAS" not in stock_page.content.decode()


def test_direct_urls_to_another_warehouse_are_404(world) -> None:
    client, tas_stock, tas_shipment = world["client"], world["tas_stock"], world["tas_shipment"]
    urls = [
        reverse("admin:warehouses_stock_change", args=[tas_stock.pk]),
        reverse("admin:warehouses_stock_adjust", args=[tas_stock.pk]),
        reverse("admin:warehouses_outboundshipment_change", args=[tas_shipment.pk]),
        reverse("admin:warehouses_outbound_pick_list", args=[tas_shipment.pk]),
        reverse("admin:warehouses_outbound_packing_slip", args=[tas_shipment.pk]),
        reverse("admin:warehouses_stockledgerentry_change", args=[tas_stock.ledger_entries.first().pk]),
    ]
    for url in urls:
        assert client.get(url).status_code == 404, url
    response = client.post(
        reverse("admin:warehouses_stock_adjust", args=[tas_stock.pk]), {"delta": "-5", "reason": "theft"}
    )
    assert response.status_code == 404
    tas_stock.refresh_from_db()
    assert tas_stock.on_hand == 10


def test_actions_skip_another_warehouses_rows(world) -> None:
    client = world["client"]
    response = client.post(
        reverse("admin:warehouses_outboundshipment_changelist"),
        {"action": "pick", "_selected_action": [world["tas_shipment"].pk, world["ala_shipment"].pk]},
    )
    assert response.status_code == 302
    world["tas_shipment"].refresh_from_db()
    world["ala_shipment"].refresh_from_db()
    assert world["tas_shipment"].status == OutboundStatus.READY
    assert world["ala_shipment"].status == OutboundStatus.PICKED


def test_bulk_pack_and_dispatch_go_through_the_services(world) -> None:
    client, shipment = world["client"], world["ala_shipment"]
    changelist = reverse("admin:warehouses_outboundshipment_changelist")
    outbound_shipment_pick(shipment=shipment)
    form = client.post(changelist, {"action": "pack", "_selected_action": [shipment.pk]})
    assert form.status_code == 200 and f"weight_{shipment.pk}" in form.content.decode()
    client.post(
        changelist, {"action": "pack", "_selected_action": [shipment.pk], "apply": "1", f"weight_{shipment.pk}": "3.1"}
    )
    shipment.refresh_from_db()
    assert (shipment.status, str(shipment.weight_kg)) == ("packed", "3.100")
    client.post(
        changelist,
        {
            "action": "dispatch",
            "_selected_action": [shipment.pk],
            "apply": "1",
            "carrier_ref": "XA 4455667",
            "seal": ["KZ-1", "KZ-2"],
        },
    )
    shipment.refresh_from_db()
    assert (shipment.status, shipment.carrier_ref, shipment.seal_numbers) == (
        "dispatched",
        "XA 4455667",
        ["KZ-1", "KZ-2"],
    )
    world["ala_stock"].refresh_from_db()
    assert world["ala_stock"].on_hand == 8
    # An illegal bulk step is reported, not applied.
    response = client.post(changelist, {"action": "pick", "_selected_action": [shipment.pk]}, follow=True)
    assert "Could not pick" in response.content.decode()


def test_stock_adjustment_requires_a_reason_and_writes_the_ledger(world) -> None:
    client, stock = world["client"], world["ala_stock"]
    url = reverse("admin:warehouses_stock_adjust", args=[stock.pk])
    assert client.get(url).status_code == 200
    missing = client.post(url, {"delta": "-2", "reason": "  "})
    assert missing.status_code == 200 and missing.context["form"].errors["reason"]
    too_many = client.post(url, {"delta": "-9", "reason": "count"})  # 2 of 10 are reserved
    assert too_many.status_code == 200 and too_many.context["form"].errors["delta"]
    done = client.post(url, {"delta": "-2", "reason": "Two kettles dropped"})
    assert done.status_code == 302
    stock.refresh_from_db()
    assert stock.on_hand == 8
    entry = stock.ledger_entries.get(kind=LedgerKind.ADJUST)
    assert (entry.on_hand_delta, entry.reason, entry.actor) == (-2, "Two kettles dropped", world["staff"])


def test_ledger_rows_are_read_only(world) -> None:
    client = world["client"]
    entry = world["ala_stock"].ledger_entries.first()
    url = reverse("admin:warehouses_stockledgerentry_change", args=[entry.pk])
    page = client.get(url)
    assert page.status_code == 200 and 'name="_save"' not in page.content.decode()
    assert client.post(url, {"reference": "rewritten"}).status_code == 403
    assert client.get(reverse("admin:warehouses_stockledgerentry_add")).status_code == 403
    assert (
        client.post(reverse("admin:warehouses_stockledgerentry_delete", args=[entry.pk]), {"post": "yes"}).status_code
        == 403
    )
    original = entry.reference
    entry.refresh_from_db()
    assert entry.reference == original != "rewritten"


def test_low_stock_view_lists_rows_at_their_threshold(world) -> None:
    low = world["ala_stock"]
    Stock.objects.filter(pk=low.pk).update(low_stock_threshold=8)  # 8 available after the 2 reserved
    Stock.objects.filter(pk=world["tas_stock"].pk).update(low_stock_threshold=100)
    page = world["client"].get(reverse("admin:warehouses_stock_low"))
    assert page.status_code == 200
    assert [row.pk for row in page.context["rows"]] == [low.pk]


def test_superuser_sees_every_warehouse(world, make_user) -> None:
    client = Client()
    client.force_login(make_user(is_staff=True, is_superuser=True))
    page = client.get(reverse("admin:warehouses_stock_changelist"))
    assert {stock.warehouse.code for stock in page.context["cl"].result_list} == {"ALA", "TAS"}
    assert client.get(reverse("admin:warehouses_stock_change", args=[world["tas_stock"].pk])).status_code == 200


@pytest.mark.parametrize("delta", ["1e20", "100000000000000000000", "-100000000000000000000", "2147483647"])
def test_an_adjustment_beyond_what_a_stock_count_holds_is_a_form_error(world, delta) -> None:
    """Stock counts are 32-bit columns: a huge delta is refused on the form, not by the database (a 500)."""
    client, stock = world["client"], world["ala_stock"]
    response = client.post(reverse("admin:warehouses_stock_adjust", args=[stock.pk]), {"delta": delta, "reason": "c"})
    assert response.status_code == 200
    assert response.context["form"].errors["delta"]
    stock.refresh_from_db()
    assert stock.on_hand == 10
    assert not stock.ledger_entries.filter(kind=LedgerKind.ADJUST).exists()
