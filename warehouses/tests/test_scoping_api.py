"""Scanner API scoping: staff act only on their warehouses; others get 404/403, anonymous 401."""

import pytest
from rest_framework.test import APIClient

from warehouses.models import OutboundStatus
from warehouses.services import inbound_shipment_create, outbound_shipment_release, staff_assign
from warehouses.tests.factories import WarehouseFactory, shipment_for, stock_with

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(make_user, client_for):  # type: ignore[no-untyped-def]
    ala, tas = WarehouseFactory(code="ALA"), WarehouseFactory(code="TAS")
    almaty_staff = make_user(email="staff.ala@example.com")
    staff_assign(user=almaty_staff, warehouse=ala)
    tas_stock = stock_with(warehouse=tas, on_hand=10)
    tas_shipment = shipment_for(stock=tas_stock, quantity=2)
    outbound_shipment_release(shipment=tas_shipment)
    ala_shipment = shipment_for(stock=stock_with(warehouse=ala, on_hand=10), quantity=1)
    outbound_shipment_release(shipment=ala_shipment)
    tas_inbound = inbound_shipment_create(
        seller=tas_stock.variant.seller, warehouse_code="TAS", lines=[(tas_stock.variant.sku, 5)]
    )
    return {
        "client": client_for(almaty_staff),
        "tas_shipment": tas_shipment,
        "ala_shipment": ala_shipment,
        "tas_inbound": tas_inbound,
        "tas_stock": tas_stock,
    }


def test_lists_hold_only_the_staffs_warehouses(world) -> None:
    client = world["client"]
    shipments = client.get("/api/v1/warehouse/shipments/").json()
    assert [row["id"] for row in shipments["results"]] == [world["ala_shipment"].pk]
    assert client.get("/api/v1/warehouse/inbound-shipments/").json()["count"] == 0
    assert {row["warehouse"] for row in client.get("/api/v1/warehouse/stock/").json()["results"]} == {"ALA"}
    for path in ("shipments", "inbound-shipments", "stock"):
        assert client.get(f"/api/v1/warehouse/{path}/?warehouse=TAS").status_code == 403
        assert client.get(f"/api/v1/warehouse/{path}/?warehouse=ZZZ").status_code == 400


def test_another_warehouses_objects_are_404_and_untouched(world) -> None:
    client, shipment, inbound = world["client"], world["tas_shipment"], world["tas_inbound"]
    assert client.get(f"/api/v1/warehouse/shipments/{shipment.pk}/").status_code == 404
    assert client.post(f"/api/v1/warehouse/shipments/{shipment.pk}/pick/").status_code == 404
    assert client.get(f"/api/v1/warehouse/inbound-shipments/{inbound.pk}/").status_code == 404
    receive = client.post(
        f"/api/v1/warehouse/inbound-shipments/{inbound.pk}/receive/",
        {"lines": [{"sku": world["tas_stock"].variant.sku, "quantity_received": 5}]},
        format="json",
    )
    assert receive.status_code == 404
    shipment.refresh_from_db()
    inbound.refresh_from_db()
    world["tas_stock"].refresh_from_db()
    assert shipment.status == OutboundStatus.READY and inbound.status == "announced"
    assert world["tas_stock"].on_hand == 10


def test_non_staff_get_403_and_anonymous_401(world, make_user, client_for) -> None:
    buyer = client_for(make_user())
    for path in ("shipments/", "inbound-shipments/", "stock/", f"shipments/{world['ala_shipment'].pk}/"):
        assert buyer.get(f"/api/v1/warehouse/{path}").status_code == 403
        assert APIClient().get(f"/api/v1/warehouse/{path}").status_code == 401
    assert buyer.post(f"/api/v1/warehouse/shipments/{world['ala_shipment'].pk}/pick/").status_code == 403


def test_superuser_sees_every_warehouse(world, make_user, client_for) -> None:
    admin = client_for(make_user(is_superuser=True, is_staff=True))
    assert admin.get("/api/v1/warehouse/shipments/").json()["count"] == 2


def test_public_warehouse_list(world, api_client) -> None:
    body = api_client.get("/api/v1/warehouses/").json()
    assert [row["code"] for row in body["results"]] == ["ALA", "TAS"]
    assert set(body["results"][0]) >= {"code", "name", "country", "city", "hub", "cold_storage"}
    assert body["results"][0]["hub"] == "ALA"
