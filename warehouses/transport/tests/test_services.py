"""Seed loader: idempotent upsert through the planner's own reading of the seed, and the DB→planner round trip."""

from decimal import Decimal

import pytest

from warehouses.fulfilment import load_seed_network, plan
from warehouses.fulfilment.tests.test_planner import CASES
from warehouses.transport.models import Hub, Lane
from warehouses.transport.selectors import network_snapshot
from warehouses.transport.services import network_load_seed

SEED = load_seed_network()


def _stamps() -> dict[str, object]:
    lanes = {f"lane {lane.pk}": lane.updated_at for lane in Lane.objects.all()}
    hubs = {f"hub {hub.pk}": hub.updated_at for hub in Hub.objects.all()}
    return {**lanes, **hubs}


def test_seed_loader_is_idempotent(seeded: tuple[int, int]) -> None:
    assert seeded == (28, 82)  # 27 seed hubs + Ho Chi Minh City; 41 lanes, each both ways
    before = _stamps()

    assert network_load_seed() == (28, 82)

    assert Hub.objects.count() == 28
    assert Lane.objects.count() == 82
    assert Lane.objects.filter(reverse_of__isnull=False).count() == 41
    assert _stamps() == before  # nothing rewritten, so no snapshot or estimate churn


def test_seed_loader_stores_the_overlay_facts(seeded: tuple[int, int]) -> None:
    kulma = Lane.objects.get(origin__code="KHG", destination__code="DYU", mode="tir")
    assert kulma.seasonal_closures == [{"from": "12-01", "to": "04-30", "reason": kulma.seasonal_closures[0]["reason"]}]
    assert "Kulma" in kulma.seasonal_closures[0]["reason"]
    assert Lane.objects.get(origin__code="KHG", destination__code="FRU").departure_weekdays == [0, 1, 2, 3, 4]
    assert Lane.objects.get(origin__code="XIY", destination__code="MSQ").transit_countries == ["KZ", "RU"]
    assert Lane.objects.get(origin__code="HRG", destination__code="ALA").departure_weekdays == []  # daily
    assert Hub.objects.get(code="OVB").timezone == "Asia/Novosibirsk"
    assert Hub.objects.get(code="URC").timezone == "Asia/Shanghai"
    korday = Lane.objects.get(origin__code="ALA", destination__code="FRU")
    assert korday.border_crossings == ["Korday - Ak-Zhol (KZ-KG, EAEU internal)"]


def test_seed_loader_repairs_an_edited_lane(seeded: tuple[int, int]) -> None:
    Lane.objects.filter(origin__code="XIY", destination__code="TAS", mode="rail").update(
        full_unit_usd=Decimal("1"), transit_countries=[]
    )
    network_load_seed()
    lane = Lane.objects.get(origin__code="XIY", destination__code="TAS", mode="rail")
    assert lane.full_unit_usd == Decimal("3600")
    assert lane.transit_countries == ["KZ"]


def test_database_snapshot_is_the_seed_network(seeded: tuple[int, int]) -> None:
    snapshot = network_snapshot()

    assert set(snapshot.lanes) == set(SEED.lanes)
    assert dict(snapshot.hubs) == dict(SEED.hubs)
    for code in SEED.countries:
        assert snapshot.countries[code].is_tir_party == SEED.countries[code].is_tir_party, code


@pytest.mark.parametrize("case", [case for case in CASES if case.network is SEED], ids=lambda case: case.name)
def test_worked_cases_answer_the_same_from_the_database(seeded: tuple[int, int], case) -> None:  # type: ignore[no-untyped-def]
    from_database = plan(network_snapshot(), case.request, case.settings)
    from_seed = plan(SEED, case.request, case.settings)

    assert from_database.as_dict() == from_seed.as_dict()
    assert (from_database.chosen.mode if from_database.chosen else None) == case.chosen_mode


def test_snapshot_follows_lane_edits(seeded: tuple[int, int]) -> None:
    first = network_snapshot()
    assert network_snapshot() is first  # unchanged rows: the cached network

    lane = Lane.objects.get(origin__code="XIY", destination__code="TAS", mode="rail")
    lane.status = "closed"
    lane.save()

    rebuilt = network_snapshot()
    assert rebuilt is not first
    assert not any(item.key == "XIY-TAS-rail" for item in rebuilt.lanes)
