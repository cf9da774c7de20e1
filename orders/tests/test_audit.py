"""``manage.py audit`` passes on a healthy marketplace and names the row when one is corrupted."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction

from orders.models import LedgerEntry, Order, OrderStatus
from orders.services.payments import order_pay_confirm_by_staff
from orders.tests.payments_support import deliver_everything, place_order
from warehouses.models import Stock

pytestmark = pytest.mark.django_db


def audit() -> tuple[int, str]:
    """(exit status, what it printed) of ``manage.py audit``."""
    out, err = StringIO(), StringIO()
    try:
        call_command("audit", stdout=out, stderr=err)
    except CommandError as error:
        return error.returncode, err.getvalue() + str(error)
    return 0, out.getvalue()


@pytest.fixture
def shop(market, make_user, client_for):  # type: ignore[no-untyped-def]
    """Three orders: one waiting for payment, one paid (allocated), one paid and delivered."""
    buyer = make_user(email="audit-buyer@example.com")
    admin = make_user(email="audit-admin@example.com", is_staff=True, is_superuser=True)
    client = client_for(buyer)
    waiting = place_order(client, buyer, market, key="audit-1")
    paid = place_order(client, buyer, market, key="audit-2")
    order_pay_confirm_by_staff(order=paid, actor=admin)
    delivered = place_order(client, buyer, market, key="audit-3")
    order_pay_confirm_by_staff(order=delivered, actor=admin)
    deliver_everything(delivered)
    return {"waiting": waiting, "paid": paid, "delivered": delivered, "market": market}


def _stock(shop, variant: str) -> Stock:
    return Stock.objects.get(variant=getattr(shop["market"], variant), warehouse=shop["market"].urumqi)


def _off_ledger(shop):  # type: ignore[no-untyped-def]
    stock = _stock(shop, "a_urc")
    Stock.objects.filter(pk=stock.pk).update(on_hand=stock.on_hand + 3)  # a hand edit, no ledger row
    return [
        f"stock_ledger: warehouses.Stock #{stock.pk} (variant {stock.variant_id} at URC): "
        f"on hand {stock.on_hand + 3}, reserved {stock.reserved}; the ledger sums to on hand {stock.on_hand},"
    ]


def _reserved_for_nobody(shop):  # type: ignore[no-untyped-def]
    stock = _stock(shop, "b_urc")
    Stock.objects.filter(pk=stock.pk).update(reserved=stock.reserved + 1)
    return [
        f"reservations: warehouses.Stock #{stock.pk} (variant {stock.variant_id} at URC): "
        f"reserved {stock.reserved + 1}, open shipments hold {stock.reserved}"
    ]


def _unbalanced_posting(shop):  # type: ignore[no-untyped-def]
    entry = LedgerEntry.objects.filter(posting__order=shop["paid"]).order_by("pk").first()
    LedgerEntry.objects.filter(pk=entry.pk).update(amount_minor=entry.amount_minor + 1)
    return [f"money_ledger: orders.LedgerPosting #{entry.posting_id} ({entry.posting.key}): "]


def _paid_but_cancelled(shop):  # type: ignore[no-untyped-def]
    paid = shop["paid"]
    Order.objects.filter(pk=paid.pk).update(status=OrderStatus.CANCELLED)  # cancelled, but nothing refunded
    return [f"paid_orders: orders.Order #{paid.pk} ({paid.number}): payment succeeded but the order is cancelled"]


def _allocated_unpaid(shop):  # type: ignore[no-untyped-def]
    waiting = shop["waiting"]
    Order.objects.filter(pk=waiting.pk).update(status=OrderStatus.ALLOCATED)
    return [
        f"paid_orders: orders.Order #{waiting.pk} ({waiting.number}): allocated without a payment",
        f"paid_orders: orders.Order #{waiting.pk} ({waiting.number}): allocated but a shipment is still pending",
    ]


def _negative_total(shop):  # type: ignore[no-untyped-def]
    delivered = shop["delivered"]
    Order.objects.filter(pk=delivered.pk).update(total=-1)
    return [f"negative: orders.Order #{delivered.pk}: total is -1"]


CORRUPTIONS = [
    _off_ledger,
    _reserved_for_nobody,
    _unbalanced_posting,
    _paid_but_cancelled,
    _allocated_unpaid,
    _negative_total,
]


def test_the_audit_passes_a_healthy_shop_and_names_each_corrupted_row(shop) -> None:
    status, output = audit()
    assert status == 0, output
    assert "every invariant holds" in output
    assert Order.objects.get(pk=shop["paid"].pk).status == OrderStatus.ALLOCATED
    for corrupt in CORRUPTIONS:
        # Each corruption in a savepoint rolled back after: the next one starts from a healthy shop.
        with transaction.atomic():
            expected = corrupt(shop)
            status, output = audit()
            transaction.set_rollback(True)
        assert status == 1, (corrupt.__name__, output)
        for line in expected:
            assert line in output, (corrupt.__name__, output)
        assert "invariant violation(s)" in output
    assert audit()[0] == 0
