"""Catalog delivery estimates: computed with the planner, recomputed after commit when the network changes."""

from datetime import UTC, date, datetime

import time_machine
from django.db import transaction

from core.services import exchange_rates_seed_offline
from warehouses.tests.factories import WarehouseFactory
from warehouses.transport.models import DeliveryEstimate, Hub, HubKind, Lane
from warehouses.transport.selectors import delivery_estimate_for, delivery_estimates_for
from warehouses.transport.services import delivery_estimates_recompute, network_load_seed

MONDAY = date(2026, 3, 2)
MONDAY_MORNING = datetime(2026, 3, 2, 2, 0, tzinfo=UTC)  # 10:00 in Xi'an, before the 12:00 rail cut-off


def estimate(origin: str, country: str) -> DeliveryEstimate | None:
    return delivery_estimate_for(origin_hub_code=origin, destination_country=country)


def test_recompute_fills_every_origin_and_served_country(seeded: tuple[int, int]) -> None:
    kept = delivery_estimates_recompute(on=MONDAY)

    assert kept == DeliveryEstimate.objects.count() > 0
    xian = estimate("XIY", "UZ")
    assert xian is not None
    # Rail-road via Kashgar (7–14 days) plus the last mile inside Uzbekistan (1–3 days).
    assert (xian.mode, xian.days_min, xian.days_max) == ("rail_road", 8, 17)
    assert xian.usd_per_kg > 0
    almaty = estimate("ALA", "KZ")  # the Almaty warehouse delivering in Kazakhstan: domestic road
    assert almaty is not None and (almaty.mode, almaty.days_max) == ("road", 7)
    origins = set(DeliveryEstimate.objects.values_list("origin_hub__kind", flat=True))
    assert origins <= {HubKind.ORIGIN_HUB, HubKind.OVERSEAS_WAREHOUSE}
    assert estimate("KGW", "KZ") is None  # a dry port with no warehouse ships nothing to buyers
    assert not DeliveryEstimate.objects.filter(destination_country="TM").exists()  # transit only, not served


def test_estimates_for_many_hubs_in_one_query(seeded: tuple[int, int], django_assert_num_queries) -> None:  # type: ignore[no-untyped-def]
    delivery_estimates_recompute(on=MONDAY)

    with django_assert_num_queries(1):
        found = delivery_estimates_for(origin_hub_codes=["xiy", "ALA", "KGW"], destination_country="uz")

    assert set(found) == {"XIY", "ALA"}
    assert found["ALA"].mode == "tir" and found["ALA"].days_max == 4 + 3  # line haul + last mile


def test_a_hub_with_a_warehouse_gets_estimates(seeded: tuple[int, int]) -> None:
    WarehouseFactory(code="KGW1", country="KZ", hub=Hub.objects.get(code="KGW"))

    delivery_estimates_recompute(on=MONDAY)

    assert estimate("KGW", "UZ") is not None


def test_recompute_is_idempotent(seeded: tuple[int, int]) -> None:
    delivery_estimates_recompute(on=MONDAY)
    first = list(DeliveryEstimate.objects.order_by("pk").values("pk", "days_min", "days_max", "mode", "usd_per_kg"))

    delivery_estimates_recompute(on=MONDAY)

    assert (
        list(DeliveryEstimate.objects.order_by("pk").values("pk", "days_min", "days_max", "mode", "usd_per_kg"))
        == first
    )


def test_a_lane_change_recomputes_estimates_after_commit(db, django_capture_on_commit_callbacks) -> None:  # type: ignore[no-untyped-def]
    # Estimates are for goods shipped "today"; the recomputation a commit queues cannot be told
    # another day, so the whole story happens on a Monday morning. The network is loaded on that
    # morning too: the planner's cached network notices an edit by its rows' latest updated_at,
    # which an edit stamped with an earlier clock than the seeding's would not move.
    with time_machine.travel(MONDAY_MORNING):
        exchange_rates_seed_offline()
        network_load_seed()
        delivery_estimates_recompute()
        assert estimate("XIY", "UZ").mode == "rail_road"  # type: ignore[union-attr]

        with django_capture_on_commit_callbacks(execute=True) as callbacks, transaction.atomic():
            lane = Lane.objects.get(origin__code="XIY", destination__code="TAS", mode="rail_road")
            lane.status = "closed"
            lane.save()
            other = Lane.objects.get(origin__code="XIY", destination__code="ALA", mode="rail")
            other.advisory = "Khorgos congestion"
            other.save()

    recomputes = [callback for callback in callbacks if callback.__name__ == "_queue_recompute"]
    assert len(recomputes) == 1  # one recomputation per transaction, not one per row
    assert len(callbacks) <= 2  # and its 128 estimate rows bump the catalog cache once
    changed = estimate("XIY", "UZ")
    assert changed is not None and changed.mode == "rail"


def test_a_rolled_back_change_queues_nothing(seeded: tuple[int, int], django_capture_on_commit_callbacks) -> None:  # type: ignore[no-untyped-def]
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        try:
            with transaction.atomic():
                Lane.objects.get(origin__code="XIY", destination__code="TAS", mode="rail").delete()
                raise RuntimeError("abort")
        except RuntimeError:
            pass

    assert callbacks == []
    assert DeliveryEstimate.objects.count() == 0
