"""The order's status follows its parts: the slowest shipment decides, mixed progress is "in fulfilment"."""

import pytest

from orders.stages import stage_from, stage_from_shipments


@pytest.mark.parametrize(
    ("statuses", "expected"),
    [
        ([], None),
        (["pending"], None),
        (["ready", "ready"], "allocated"),
        (["ready", "picked"], "in_fulfilment"),
        (["ready", "dispatched"], "in_fulfilment"),
        (["packed", "in_transit"], "in_fulfilment"),
        (["dispatched", "in_transit"], "shipped"),
        (["delivered", "in_transit"], "shipped"),
        (["delivered", "delivered"], "delivered"),
        (["delivered", "cancelled"], "delivered"),
    ],
)
def test_stage_from_shipments(statuses: list[str], expected: str | None) -> None:
    assert stage_from_shipments(statuses) == expected


def test_order_stage_from_seller_orders() -> None:
    assert stage_from(["shipped", "delivered"]) == "shipped"
    assert stage_from(["allocated", "delivered"]) == "in_fulfilment"
    assert stage_from(["delivered"]) == "delivered"
