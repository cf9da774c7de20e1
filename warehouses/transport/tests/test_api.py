"""Contract tests for POST /api/v1/fulfilment/quote/ and GET /api/v1/fulfilment/network/ (docs/API.md)."""

from decimal import Decimal
from typing import Any

import pytest
from django.core.cache import cache
from rest_framework.test import APIClient
from rest_framework.throttling import ScopedRateThrottle

from warehouses.tests.factories import WarehouseFactory
from warehouses.transport.models import Hub

QUOTE_URL = "/api/v1/fulfilment/quote/"
NETWORK_URL = "/api/v1/fulfilment/network/"
# DOMAIN.md's worked check: 18 t, 60 m³, $90,000 Xi'an→Tashkent with a 14-day deadline, shipped on a Monday.
WORKED = {
    "origin": "XIY",
    "destination": "TAS",
    "weight_kg": "18000",
    "volume_m3": "60",
    "declared_value": {"amount": "90000.00", "currency": "USD"},
    "perishable": False,
    "deadline_days": 14,
    "ship_date": "2026-03-02",
}


def post(client: APIClient, **overrides: Any) -> Any:
    return client.post(QUOTE_URL, {**WORKED, **overrides}, format="json")


def test_quote_contract_shape_and_choice(api_client: APIClient, seeded: tuple[int, int]) -> None:
    response = post(api_client)  # anonymous: the quote is public

    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["chosen"]["mode"] == "rail_road"
    assert body["chosen"]["reasons"] and all(isinstance(reason, str) for reason in body["chosen"]["reasons"])
    first = body["options"][0]
    assert first["mode"] == "rail_road"
    assert {key: first["legs"][0][key] for key in ("from", "to", "mode", "transit_days")} == {
        "from": "XIY",
        "to": "TAS",
        "mode": "rail_road",
        "transit_days": 9,
    }
    assert (first["transit_days_min"], first["transit_days_max"]) == (7, 14)
    assert first["cost"] == {"amount": "4158.90", "currency": "USD"}
    assert first["border_crossings"] == ["Irkeshtam (CN-KG)", "KG-UZ"]
    rail = next(option for option in body["options"] if option["mode"] == "rail")
    assert rail["feasible"] is False and rail["failed_constraints"] == ["deadline"]


def test_quote_accepts_warehouse_codes_and_countries(api_client: APIClient, seeded: tuple[int, int]) -> None:
    WarehouseFactory(code="XIAN1", country="CN", hub=Hub.objects.get(code="XIY"))

    response = post(api_client, origin="xian1", destination="UZ")

    assert response.status_code == 200, response.json()
    assert response.json()["options"][0]["legs"][0]["from"] == "XIY"


def test_a_destination_country_is_served_by_its_hubs(api_client: APIClient, seeded: tuple[int, int]) -> None:
    response = post(api_client, origin="XIY", destination="KZ", deadline_days=None)

    assert response.status_code == 200
    assert response.json()["chosen"]["route"].split("→")[-1] == "ALA"


@pytest.mark.parametrize(
    ("overrides", "field", "code"),
    [
        ({"origin": "ZZZ"}, "origin", "unknown_hub"),
        ({"destination": "QQQ"}, "destination", "unknown_place"),
        ({"weight_kg": "-5"}, "weight_kg", "invalid"),
        ({"weight_kg": "40000", "pieces": 1}, "weight_kg", "load_too_heavy"),
        ({"origin": "YIW", "destination": "THR", "perishable": True}, "perishable", "cold_chain_unavailable"),
        ({"temperature_min_c": "5", "temperature_max_c": "2"}, "temperature_min_c", "invalid"),
        ({"declared_value": {"amount": 90000.5, "currency": "USD"}}, "declared_value", "invalid"),
        ({"declared_value": {"amount": "10", "currency": "XXX"}}, "declared_value", "invalid"),
        ({"declared_value": {"amount": "10", "currency": "GBP"}}, "declared_value", "invalid"),  # not traded here
        ({"volume_m3": "abc"}, "volume_m3", "invalid"),
        ({"deadline_days": 0}, "deadline_days", "invalid"),
    ],
)
def test_bad_input_is_a_400_naming_the_field(
    api_client: APIClient, seeded: tuple[int, int], overrides: dict[str, Any], field: str, code: str
) -> None:
    response = post(api_client, **overrides)

    assert response.status_code == 400, response.json()
    body = response.json()
    assert body["code"] == code
    assert any(key == field or key.startswith(f"{field}.") for key in body["errors"]), body


def test_nothing_feasible_is_a_422_naming_each_options_constraint(
    api_client: APIClient, seeded: tuple[int, int]
) -> None:
    response = post(api_client, deadline_days=3)

    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "no_feasible_route"
    assert body["chosen"] is None
    # Every option, direct or round through Almaty now that lanes run both ways, misses 3 days.
    assert {"rail XIY→TAS", "rail-road XIY→TAS"} <= set(body["failed_constraints"])
    assert all("deadline" in codes for codes in body["failed_constraints"].values())
    assert all(any("3-day deadline" in message for message in messages) for messages in body["errors"].values())
    assert {"rail", "rail_road"} <= {option["mode"] for option in body["options"]}


def test_quote_is_throttled(api_client: APIClient, seeded: tuple[int, int], monkeypatch: pytest.MonkeyPatch) -> None:
    cache.clear()
    monkeypatch.setitem(ScopedRateThrottle.THROTTLE_RATES, "fulfilment", "2/min")

    statuses = [post(api_client).status_code for _ in range(3)]

    assert statuses == [200, 200, 429]


def test_network_lists_hubs_and_lanes_for_maps(api_client: APIClient, seeded: tuple[int, int]) -> None:
    response = api_client.get(NETWORK_URL)

    assert response.status_code == 200
    body = response.json()
    assert len(body["hubs"]) == 28 and len(body["lanes"]) == 82
    back = next(lane for lane in body["lanes"] if (lane["origin"], lane["destination"]) == ("FRU", "TAS"))
    assert (back["direction"], back["priced_by"], back["full_unit_usd"]) == ("return", "backhaul", "910.0000")
    south = next(lane for lane in body["lanes"] if (lane["origin"], lane["destination"]) == ("MOW", "TAS"))
    assert (south["priced_by"], Decimal(south["full_unit_usd"])) == ("data", Decimal("2760"))
    assert south["sources"] and south["confidence"] == "medium"
    urumqi = next(hub for hub in body["hubs"] if hub["code"] == "URC")
    assert urumqi["timezone"] == "Asia/Shanghai" and urumqi["country"] == "CN"
    assert Decimal(urumqi["latitude"]) > 40
    kulma = next(lane for lane in body["lanes"] if (lane["origin"], lane["destination"]) == ("KHG", "DYU"))
    assert kulma["mode"] == "tir"
    assert kulma["seasonal_closures"][0]["from"] == "12-01"
    assert kulma["cutoff_time"] == "18:00:00"
