"""Two-way lanes as rows: the loader, the snapshot, the admin, the load command and departures the other way."""

import json
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.test import Client, override_settings
from django.urls import reverse

from warehouses.fulfilment.seed import load_network_data
from warehouses.services.consolidation import departures_consolidate
from warehouses.tests.test_consolidation import packed, warehouse_at
from warehouses.transport.models import Hub, Lane
from warehouses.transport.selectors import network_snapshot
from warehouses.transport.services import network_load


def lane(origin: str, destination: str) -> Lane:
    return Lane.objects.select_related("reverse_of").get(origin__code=origin, destination__code=destination)


def planner_key(key: str):  # type: ignore[no-untyped-def]
    return next(item for item in network_snapshot().lanes if item.key == key)


def test_the_loader_writes_both_directions(seeded: tuple[int, int]) -> None:
    north, south = lane("TAS", "MOW"), lane("MOW", "TAS")
    assert south.reverse_of == north and north.two_way and not north.is_return
    assert (south.full_unit_usd, north.full_unit_usd) == (Decimal("2760"), Decimal("4500"))
    assert south.confidence == "medium" and "PEC" in south.notes

    back = lane("FRU", "TAS")
    assert back.is_priced_by_backhaul and back.full_unit_usd is None
    assert back.prices_usd(Decimal("0.7")) == (Decimal("0.1400"), Decimal("910.0000"))
    assert back.sources == lane("TAS", "FRU").sources  # the outbound's sources, said so in the notes
    assert "backhaul factor" in back.notes

    kulma_back = lane("DYU", "KHG")
    assert kulma_back.seasonal_closures == lane("KHG", "DYU").seasonal_closures
    assert lane("TAS", "KHG").transit_countries == ["KG"]
    assert lane("MSQ", "XIY").transit_countries == ["RU", "KZ"]


@override_settings(FULFILMENT_BACKHAUL_FACTOR=Decimal("0.5"))
def test_the_backhaul_factor_setting_prices_return_rows_without_a_price(seeded: tuple[int, int]) -> None:
    assert planner_key("FRU-TAS-tir").usd_per_unit == Decimal("650.0000")
    assert planner_key("MOW-TAS-tir").usd_per_unit == Decimal("2760")  # its own price stays


def test_a_one_way_lane_keeps_its_return_row_out_of_the_network(seeded: tuple[int, int]) -> None:
    outbound = lane("TAS", "FRU")
    outbound.two_way = False
    outbound.save()

    keys = {item.key for item in network_snapshot().lanes}
    assert "TAS-FRU-tir" in keys and "FRU-TAS-tir" not in keys


def test_a_two_way_row_without_a_return_row_still_runs_both_ways(seeded: tuple[int, int]) -> None:
    Lane.objects.filter(reverse_of=lane("TAS", "FRU")).delete()

    derived = planner_key("FRU-TAS-tir")
    assert derived.is_return and derived.usd_per_unit == Decimal("910.0000")


def test_a_direction_closed_in_the_admin_leaves_the_other_open(seeded: tuple[int, int]) -> None:
    south = lane("MOW", "TAS")
    south.status = "closed"
    south.save()

    keys = {item.key for item in network_snapshot().lanes}
    assert "TAS-MOW-tir" in keys and "MOW-TAS-tir" not in keys


def test_a_shipment_is_booked_on_a_return_direction(seeded: tuple[int, int]) -> None:
    shipment = packed(warehouse_at("TAS"), country="KZ")

    departures_consolidate(now=datetime(2026, 11, 23, 3, 0, tzinfo=UTC))

    shipment.refresh_from_db()
    departure = shipment.departure_unit.departure  # type: ignore[union-attr]
    assert (departure.lane.origin.code, departure.lane.destination.code) == ("TAS", "ALA")
    assert departure.lane.is_return


def _admin(make_user) -> Client:  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(make_user(is_staff=True, is_superuser=True))
    return client


def test_a_lane_added_in_the_admin_gets_its_return_direction(seeded: tuple[int, int], make_user) -> None:  # type: ignore[no-untyped-def]
    client = _admin(make_user)
    hubs = {hub.code: hub.pk for hub in Hub.objects.filter(code__in=["TAS", "OVB"])}
    form = {
        "origin": hubs["TAS"],
        "destination": hubs["OVB"],
        "mode": "tir",
        "distance_km": 3000,
        "transit_days_min": 5,
        "transit_days_typical": 6,
        "transit_days_p90": 10,
        "departures_per_week": 7,
        "departure_weekdays": "[]",
        "cutoff_time": "18:00",
        "groupage_usd_per_kg": "0.60",
        "full_unit_usd": "4000",
        "unit_capacity_kg": 20000,
        "unit_capacity_m3": "86",
        "cold_chain": "yes",
        "border_crossings": '["Zhibek Zholy (UZ-KZ)", "Zhaisan (KZ-RU)"]',
        "customs_borders": 1,
        "tir_eligible": "on",
        "two_way": "on",
        "transit_countries": '["KZ"]',
        "seasonal_closures": "[]",
        "status": "open",
        "sources": "[]",
        "return_direction-TOTAL_FORMS": 0,
        "return_direction-INITIAL_FORMS": 0,
        "return_direction-MIN_NUM_FORMS": 0,
        "return_direction-MAX_NUM_FORMS": 1,
    }
    response = client.post(reverse("admin:transport_lane_add"), form)
    assert response.status_code == 302, response.content.decode()[:3000]

    back = lane("OVB", "TAS")
    assert back.reverse_of == lane("TAS", "OVB") and back.is_priced_by_backhaul
    assert back.border_crossings == ["Zhaisan (KZ-RU)", "Zhibek Zholy (UZ-KZ)"]
    assert planner_key("OVB-TAS-tir").usd_per_unit == Decimal("2800.0000")

    page = client.get(reverse("admin:transport_lane_change", args=[back.pk]))
    assert page.status_code == 200
    assert "readonly" in page.content.decode()  # the shared road facts are read-only on a return row
    changelist = client.get(reverse("admin:transport_lane_changelist") + "?q=OVB")
    assert "return of TAS→OVB tir" in changelist.content.decode()


def test_the_return_direction_is_edited_inline(seeded: tuple[int, int], make_user) -> None:  # type: ignore[no-untyped-def]
    client = _admin(make_user)
    outbound, back = lane("TAS", "FRU"), lane("FRU", "TAS")
    page = client.get(reverse("admin:transport_lane_change", args=[outbound.pk]))
    assert page.status_code == 200
    form = page.context["adminform"].form
    data = {name: _form_value(value) for name, value in form.initial.items() if value is not None}
    data.update({"origin": outbound.origin_id, "destination": outbound.destination_id, "two_way": "on"})
    data.update({"tir_eligible": "on"} if outbound.tir_eligible else {})
    data["border_crossings"] = json.dumps(["Gisht Kuprik (UZ-KZ)", "Chaldovar (KZ-KG)"])
    inline = {
        "return_direction-TOTAL_FORMS": 1,
        "return_direction-INITIAL_FORMS": 1,
        "return_direction-MIN_NUM_FORMS": 0,
        "return_direction-MAX_NUM_FORMS": 1,
        "return_direction-0-id": back.pk,
        "return_direction-0-reverse_of": outbound.pk,
        "return_direction-0-transit_days_min": 1,
        "return_direction-0-transit_days_typical": 2,
        "return_direction-0-transit_days_p90": 5,
        "return_direction-0-departures_per_week": 7,
        "return_direction-0-departure_weekdays": "[]",
        "return_direction-0-cutoff_time": "18:00",
        "return_direction-0-groupage_usd_per_kg": "0.15",
        "return_direction-0-full_unit_usd": "1000",
        "return_direction-0-cold_chain": "yes",
        "return_direction-0-status": "open",
        "return_direction-0-sources": '["a Bishkek carrier quote"]',
        "return_direction-0-confidence": "medium",
    }
    response = client.post(reverse("admin:transport_lane_change", args=[outbound.pk]), {**data, **inline})
    assert response.status_code == 302, response.content.decode()[:3000]

    back.refresh_from_db()
    assert (back.full_unit_usd, back.transit_days_p90, back.confidence) == (Decimal("1000"), 5, "medium")
    assert back.border_crossings == ["Chaldovar (KZ-KG)", "Gisht Kuprik (UZ-KZ)"]  # the road is shared
    assert planner_key("FRU-TAS-tir").backhaul_factor is None


def _form_value(value: object) -> object:
    if isinstance(value, list | dict):
        return json.dumps(value)
    if isinstance(value, bool):
        return "on" if value else ""
    return value


def _network_file(tmp_path: Path, data: dict) -> str:  # type: ignore[type-arg]
    path = tmp_path / "network.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    return str(path)


def test_the_load_command_loads_a_new_version(seeded: tuple[int, int], tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    data = load_network_data()
    row = next(item for item in data["lanes"] if (item["from"], item["to"]) == ("TAS", "FRU"))
    row["transit_days"] = {"min": 1, "typical": 1, "p90": 3}
    row["return"] = {"usd_per_kg": 0.18, "usd_per_unit": 1200, "source": ["new carrier tariff"], "confidence": "medium"}
    path = _network_file(tmp_path, data)

    call_command("network_load", path, "--dry-run")
    assert "would write 0 new and 2 changed rows" in capsys.readouterr().out
    assert lane("TAS", "FRU").transit_days_typical == 2

    call_command("network_load", path)
    assert "wrote 0 new and 2 changed rows" in capsys.readouterr().out
    assert lane("TAS", "FRU").transit_days_typical == 1
    assert lane("FRU", "TAS").full_unit_usd == Decimal("1200")

    call_command("network_load", path)
    assert "wrote 0 new and 0 changed rows" in capsys.readouterr().out


def test_a_broken_file_changes_nothing(seeded: tuple[int, int], tmp_path: Path) -> None:
    data = load_network_data()
    data["lanes"][0]["transit_days"] = {"min": 9, "typical": 2, "p90": 3}
    before = list(Lane.objects.order_by("pk").values_list("pk", "updated_at"))

    with pytest.raises(CommandError, match="nothing changed"):
        call_command("network_load", _network_file(tmp_path, data))
    with pytest.raises(CommandError, match="not JSON"):
        bad = tmp_path / "bad.json"
        bad.write_text("{", encoding="utf-8")
        call_command("network_load", str(bad))
    with pytest.raises(CommandError, match="hubs"):
        call_command("network_load", _network_file(tmp_path, {"lanes": []}))

    assert list(Lane.objects.order_by("pk").values_list("pk", "updated_at")) == before


def test_loading_twice_with_the_return_rows_is_idempotent(seeded: tuple[int, int]) -> None:
    result = network_load()
    assert (result.created, result.updated) == (0, 0)


DEMO_WAREHOUSE_HUBS = ["LYG", "TAO", "HRG", "URC", "ALA", "TAS", "FRU", "MOW", "OVB", "MSQ"]


def test_estimates_cover_every_reachable_warehouse_and_served_country(seeded: tuple[int, int]) -> None:
    from core.exceptions import DomainError
    from core.money import Money
    from core.selectors import country_list_served
    from warehouses.transport.models import DeliveryEstimate
    from warehouses.transport.selectors import planner_settings, route_quote_on
    from warehouses.transport.services import (
        REFERENCE_PARCEL_KG,
        REFERENCE_PARCEL_M3,
        REFERENCE_PARCEL_VALUE_USD,
        delivery_estimates_recompute,
    )

    for code in DEMO_WAREHOUSE_HUBS:
        warehouse_at(code)
    day = datetime(2026, 3, 2).date()
    delivery_estimates_recompute(on=day)

    network, settings_ = network_snapshot(), planner_settings()
    reachable = set()
    for code in DEMO_WAREHOUSE_HUBS:
        for country in country_list_served(on=day):
            try:
                route_quote_on(
                    network,
                    settings_,
                    origin_hub=code,
                    destination_country=country.code,
                    weight_kg=REFERENCE_PARCEL_KG,
                    volume_m3=REFERENCE_PARCEL_M3,
                    declared_value=Money(REFERENCE_PARCEL_VALUE_USD, "USD"),
                    ship_date=day,
                )
            except DomainError:
                continue
            reachable.add((code, country.code))
    estimated = set(
        DeliveryEstimate.objects.filter(origin_hub__code__in=DEMO_WAREHOUSE_HUBS).values_list(
            "origin_hub__code", "destination_country"
        )
    )
    assert estimated == reachable
    # The pairs the issue was about, unreachable while lanes ran one way only:
    assert {("TAS", "KZ"), ("TAS", "KG"), ("TAS", "RU"), ("TAS", "CN"), ("FRU", "UZ"), ("MSQ", "CN")} <= estimated
    assert len(estimated) == 81  # 29 in the demo before lanes ran both ways (35 recomputed with its warehouses)


def test_the_public_quote_from_tashkent_to_almaty(api_client, seeded: tuple[int, int]) -> None:  # type: ignore[no-untyped-def]
    body = {
        "origin": "TAS",
        "destination": "ALA",
        "weight_kg": "800",
        "volume_m3": "3",
        "declared_value": {"amount": "4000.00", "currency": "USD"},
        "perishable": False,
        "ship_date": "2026-03-02",
    }
    response = api_client.post("/api/v1/fulfilment/quote/", body, format="json")

    assert response.status_code == 200, response.json()
    result = response.json()
    assert result["chosen"]["mode"] == "tir" and result["chosen"]["route"] == "TAS→ALA"
    best = result["options"][0]
    assert best["transit_days_max"] <= 4
    assert best["clearances"] == [{"at": "ALA", "country": "KZ", "from": "UZ", "into": "EAEU"}]
