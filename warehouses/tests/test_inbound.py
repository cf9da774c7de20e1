"""Inbound goods: a seller announces them, staff receive line by line, shortfalls and surpluses are discrepancies."""

import pytest

from marketplace.tests.factories import ProductFactory, VariantFactory
from sellers.tests.factories import SellerFactory
from warehouses.models import InboundShipment, Stock
from warehouses.services import staff_assign
from warehouses.tests.factories import WarehouseFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def setup(make_user, client_for):  # type: ignore[no-untyped-def]
    owner = make_user(email="owner@seller.example")
    seller = SellerFactory(owner=owner)
    product = ProductFactory(seller=seller)
    kettle = VariantFactory(product=product, sku="KETTLE-1")
    mug = VariantFactory(product=product, sku="MUG-1")
    spare = VariantFactory(product=product, sku="SPARE-1")
    ala = WarehouseFactory(code="ALA")
    staff = make_user(email="staff.ala@example.com")
    staff_assign(user=staff, warehouse=ala)
    return {
        "seller": seller,
        "seller_client": client_for(owner),
        "staff_client": client_for(staff),
        "kettle": kettle,
        "mug": mug,
        "spare": spare,
        "ala": ala,
    }


def announce(client, lines, warehouse="ALA"):  # type: ignore[no-untyped-def]
    response = client.post("/api/v1/seller/inbound-shipments/", {"warehouse": warehouse, "lines": lines}, format="json")
    assert response.status_code == 201, response.json()
    return response.json()


def test_seller_announces_and_sees_incoming_stock(setup) -> None:
    body = announce(setup["seller_client"], [{"sku": "KETTLE-1", "quantity": 20}, {"sku": "MUG-1", "quantity": 5}])
    assert body["warehouse"] == "ALA" and body["status"] == "announced"
    assert [(line["sku"], line["quantity"]) for line in body["lines"]] == [("KETTLE-1", 20), ("MUG-1", 5)]
    stock = setup["seller_client"].get("/api/v1/seller/stock/").json()["results"]
    assert {(row["sku"], row["warehouse"], row["on_hand"], row["available"], row["incoming"]) for row in stock} == {
        ("KETTLE-1", "ALA", 0, 0, 20),
        ("MUG-1", "ALA", 0, 0, 5),
    }


def test_announcing_bad_input_is_a_400_naming_the_field(setup, client_for) -> None:
    client = setup["seller_client"]
    other_seller_variant = VariantFactory(sku="NOT-MINE")
    cases = [
        ({"warehouse": "XXX", "lines": [{"sku": "KETTLE-1", "quantity": 1}]}, "warehouse"),
        ({"warehouse": "ALA", "lines": []}, "lines"),
        ({"warehouse": "ALA", "lines": [{"sku": "KETTLE-1", "quantity": 0}]}, "lines.0.quantity"),
        ({"warehouse": "ALA", "lines": [{"sku": other_seller_variant.sku, "quantity": 1}]}, "lines.0.sku"),
        (
            {"warehouse": "ALA", "lines": [{"sku": "MUG-1", "quantity": 1}, {"sku": "MUG-1", "quantity": 2}]},
            "lines.1.sku",
        ),
    ]
    for body, field in cases:
        response = client.post("/api/v1/seller/inbound-shipments/", body, format="json")
        assert response.status_code == 400, body
        assert any(key.startswith(field) for key in response.json()["errors"]), response.json()
    assert not InboundShipment.objects.exists()


def test_receiving_in_full_makes_stock_available(setup) -> None:
    shipment = announce(setup["seller_client"], [{"sku": "KETTLE-1", "quantity": 20}, {"sku": "MUG-1", "quantity": 5}])
    url = f"/api/v1/warehouse/inbound-shipments/{shipment['id']}/receive/"
    staff = setup["staff_client"]
    # Line by line: the first scan adds stock at once and leaves the shipment open.
    first = staff.post(url, {"lines": [{"sku": "KETTLE-1", "quantity_received": 20}]}, format="json")
    assert first.status_code == 200 and first.json()["status"] == "announced"
    assert Stock.objects.get(variant=setup["kettle"]).available == 20
    second = staff.post(url, {"lines": [{"sku": "MUG-1", "quantity_received": 5}]}, format="json")
    assert second.json()["status"] == "received" and second.json()["discrepancies"] == []
    stock = {row["sku"]: row for row in setup["seller_client"].get("/api/v1/seller/stock/").json()["results"]}
    assert (stock["KETTLE-1"]["available"], stock["KETTLE-1"]["incoming"]) == (20, 0)
    # Receiving again is refused with the current state.
    again = staff.post(url, {"lines": [{"sku": "MUG-1", "quantity_received": 5}]}, format="json")
    assert again.status_code == 409
    assert again.json()["current_status"] == "received"
    assert Stock.objects.get(variant=setup["mug"]).on_hand == 5


def test_shortfall_and_surplus_mark_a_discrepancy_with_the_numbers(setup) -> None:
    shipment = announce(setup["seller_client"], [{"sku": "KETTLE-1", "quantity": 20}, {"sku": "MUG-1", "quantity": 5}])
    url = f"/api/v1/warehouse/inbound-shipments/{shipment['id']}/receive/"
    response = setup["staff_client"].post(
        url,
        {
            "lines": [
                {"sku": "KETTLE-1", "quantity_received": 17},
                {"sku": "MUG-1", "quantity_received": 6},
                {"sku": "SPARE-1", "quantity_received": 2},
            ]
        },
        format="json",
    )
    body = response.json()
    assert response.status_code == 200 and body["status"] == "discrepancy"
    assert {(d["sku"], d["expected"], d["received"], d["difference"], d["kind"]) for d in body["discrepancies"]} == {
        ("KETTLE-1", 20, 17, -3, "shortfall"),
        ("MUG-1", 5, 6, 1, "surplus"),
        ("SPARE-1", 0, 2, 2, "surplus"),
    }
    # What arrived is what is on the shelf.
    assert Stock.objects.get(variant=setup["kettle"]).on_hand == 17
    assert Stock.objects.get(variant=setup["spare"]).on_hand == 2


def test_closing_a_shipment_counts_missing_lines_as_a_shortfall(setup) -> None:
    shipment = announce(setup["seller_client"], [{"sku": "KETTLE-1", "quantity": 20}, {"sku": "MUG-1", "quantity": 5}])
    url = f"/api/v1/warehouse/inbound-shipments/{shipment['id']}/receive/"
    response = setup["staff_client"].post(
        url, {"lines": [{"sku": "KETTLE-1", "quantity_received": 20}], "complete": True}, format="json"
    )
    body = response.json()
    assert body["status"] == "discrepancy"
    assert [(d["sku"], d["received"]) for d in body["discrepancies"]] == [("MUG-1", 0)]
    assert not Stock.objects.filter(variant=setup["mug"]).exists()


def test_receive_rejects_unknown_skus_and_negative_counts(setup) -> None:
    shipment = announce(setup["seller_client"], [{"sku": "KETTLE-1", "quantity": 2}])
    url = f"/api/v1/warehouse/inbound-shipments/{shipment['id']}/receive/"
    staff = setup["staff_client"]
    unknown = staff.post(url, {"lines": [{"sku": "NOPE", "quantity_received": 1}]}, format="json")
    assert unknown.status_code == 400 and "lines.0.sku" in unknown.json()["errors"]
    negative = staff.post(url, {"lines": [{"sku": "KETTLE-1", "quantity_received": -1}]}, format="json")
    assert negative.status_code == 400 and "lines.0.quantity_received" in negative.json()["errors"]
    assert not Stock.objects.exists()


def test_sellers_see_only_their_own_inbound_shipments(setup, make_user, client_for) -> None:
    shipment = announce(setup["seller_client"], [{"sku": "KETTLE-1", "quantity": 2}])
    other_owner = make_user()
    SellerFactory(owner=other_owner)
    other = client_for(other_owner)
    assert other.get(f"/api/v1/seller/inbound-shipments/{shipment['id']}/").status_code == 404
    assert other.get("/api/v1/seller/inbound-shipments/").json()["count"] == 0
    assert other.get("/api/v1/seller/stock/").json()["count"] == 0
    buyer = client_for(make_user())
    assert buyer.get("/api/v1/seller/stock/").status_code == 403
    assert buyer.post("/api/v1/seller/inbound-shipments/", {}, format="json").status_code == 403
    from rest_framework.test import APIClient

    assert APIClient().get("/api/v1/seller/stock/").status_code == 401


def test_seller_marks_goods_in_transit_once(setup) -> None:
    shipment = announce(setup["seller_client"], [{"sku": "KETTLE-1", "quantity": 4}])
    url = f"/api/v1/seller/inbound-shipments/{shipment['id']}/in-transit/"
    first = setup["seller_client"].post(url)
    assert first.status_code == 200 and first.json()["status"] == "in_transit"
    again = setup["seller_client"].post(url)
    assert again.status_code == 409 and again.json()["current_status"] == "in_transit"
    # Still incoming, and staff can receive it.
    stock = setup["seller_client"].get("/api/v1/seller/stock/").json()["results"]
    assert [(row["sku"], row["incoming"]) for row in stock] == [("KETTLE-1", 4)]
    received = setup["staff_client"].post(
        f"/api/v1/warehouse/inbound-shipments/{shipment['id']}/receive/",
        {"lines": [{"sku": "KETTLE-1", "quantity_received": 4}]},
        format="json",
    )
    assert received.json()["status"] == "received"
