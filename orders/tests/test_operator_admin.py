"""Operators in the admin: the dashboard (charts, formula-safe CSV), order pages formatted for people,
cancel and refund through the services, sellers suspended rather than deleted; warehouse staff get none of it."""

import csv
import io
from decimal import Decimal

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from orders.models import Order, OrderStatus, Payment, Refund
from orders.services.operators import operator_assign
from orders.tests.payments_support import place_order
from sellers.models import Seller
from warehouses.services import staff_assign

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def clock():  # type: ignore[no-untyped-def]
    """Orders are placed and the dashboard read on a fixed day (the suite passes on any date)."""
    with time_machine.travel("2026-03-11 09:00 +0000", tick=False):
        yield


@pytest.fixture
def operator(make_user):  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(operator_assign(user=make_user(email="operator@example.com")))
    return client


@pytest.fixture
def warehouse_staff(make_user, market):  # type: ignore[no-untyped-def]
    user = make_user(email="staff.urc@example.com")
    staff_assign(user=user, warehouse=market.urumqi)
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def paid_order(client_for, make_user, market):  # type: ignore[no-untyped-def]
    buyer = make_user(email="buyer@example.com")
    order = place_order(client_for(buyer), buyer, market)
    assert client_for(buyer).post(f"/api/v1/orders/{order.pk}/pay/").status_code == 200
    order.refresh_from_db()
    return order


def test_the_dashboard_draws_its_charts_and_exports_formula_safe_csv(operator, paid_order, market) -> None:
    market.seller_a.display_name = "=HYPERLINK(1)"
    market.seller_a.save()
    page = operator.get(reverse("admin:orders_operator_dashboard"))
    assert page.status_code == 200
    html = page.content.decode()
    for chart in ("orders", "gmv", "commission", "stock_value", "late_shipments", "departures", "payouts_due"):
        assert f'id="chart-{chart}"><svg' in html, chart
    assert "<script" not in html.split('id="chart-orders"', 1)[1].split("</section>", 1)[0]  # server-side SVG, no JS
    sales = operator.get(reverse("admin:orders_operator_dashboard_csv", args=["sales"]))
    rows = list(csv.reader(io.StringIO(sales.content.decode("utf-8-sig"))))
    assert rows[0] == ["Day", "Currency", "Orders", "GMV", "Commission"]
    assert rows[1][:3] == ["2026-03-11", "KZT", "1"] and Decimal(rows[1][3]) == paid_order.total.amount
    stock = operator.get(reverse("admin:orders_operator_dashboard_csv", args=["stock_value"])).content.decode()
    assert "URC" in stock and "LYG" in stock
    # A name that a spreadsheet would run as a formula stays text.
    from core.csv_export import csv_response
    from orders.dashboard import Table

    formula = csv_response(filename="x.csv", header=["a"], rows=[["=HYPERLINK(1)"], ["-2+3"], [-5]])
    assert formula.content.decode("utf-8-sig").splitlines()[1:] == ["'=HYPERLINK(1)", "'-2+3", "-5"]
    assert Table  # the dashboard's tables are what the CSV holds
    assert operator.get(reverse("admin:orders_operator_dashboard_csv", args=["nope"])).status_code == 404


def test_warehouse_staff_get_no_dashboard_and_no_order_actions(warehouse_staff, paid_order) -> None:
    assert warehouse_staff.get(reverse("admin:orders_operator_dashboard")).status_code == 403
    assert warehouse_staff.get(reverse("admin:orders_operator_dashboard_csv", args=["sales"])).status_code == 403
    cancel = warehouse_staff.post(reverse("admin:orders_order_cancel", args=[paid_order.pk]), {"reason": "x"})
    assert cancel.status_code in (403, 404)
    refund = warehouse_staff.post(reverse("admin:orders_order_refund", args=[paid_order.pk]), {"reason": "x"})
    assert refund.status_code in (403, 404)
    paid_order.refresh_from_db()
    assert paid_order.status == OrderStatus.ALLOCATED and not Refund.objects.exists()


def test_the_order_page_reads_like_a_receipt(operator, paid_order) -> None:
    html = operator.get(reverse("admin:orders_order_change", args=[paid_order.pk])).content.decode()
    assert "Aigerim Nurlanovna<br>Abay Ave 10, apt 5<br>050000 Almaty<br>Kazakhstan" in html
    assert "{&quot;recipient" not in html and '{"recipient' not in html  # no raw JSON
    total = paid_order.total
    assert f"{total.amount:,.2f}\u00a0KZT" in html  # grouped, the currency's own decimals, its code
    rate = next(iter(paid_order.exchange_rates.values()))["rate"]
    assert str(rate) not in html or len(str(rate)) < 10  # never the 28-digit rate
    assert "1 CNY = " in html


def test_a_refund_above_what_is_left_is_refused_and_writes_nothing(operator, paid_order) -> None:
    url = reverse("admin:orders_order_refund", args=[paid_order.pk])
    too_much = f"{paid_order.total.amount.quantize(Decimal('0.01')) + 1}"
    response = operator.post(url, {"amount": too_much, "reason": "goodwill"})
    assert response.status_code == 200 and "left to refund" in response.content.decode()
    assert not Refund.objects.exists()
    done = operator.post(url, {"amount": "100.00", "reason": "late delivery"})
    assert done.status_code == 302
    refund = Refund.objects.get()
    assert (refund.amount.amount, refund.reason) == (Decimal("100.00"), "late delivery")


def test_cancel_calls_the_service_and_a_shipped_order_is_refused(operator, paid_order) -> None:
    from orders.tests.payments_support import deliver_everything

    url = reverse("admin:orders_order_cancel", args=[paid_order.pk])
    deliver_everything(paid_order)
    paid_order.refresh_from_db()
    before = paid_order.status
    response = operator.post(url, {"reason": "buyer asked"}, follow=True)
    assert "can no longer be cancelled" in response.content.decode()
    paid_order.refresh_from_db()
    assert paid_order.status == before and not Refund.objects.exists()


def test_cancelling_a_paid_order_refunds_it(operator, paid_order) -> None:
    operator.post(reverse("admin:orders_order_cancel", args=[paid_order.pk]), {"reason": "buyer asked"})
    order = Order.objects.get(pk=paid_order.pk)
    assert order.status in (OrderStatus.CANCELLED, OrderStatus.REFUNDED)
    assert Refund.objects.get().amount == Payment.objects.get(order=order).amount


def test_a_seller_with_orders_is_suspended_not_deleted(operator, paid_order, market, make_user) -> None:
    seller = market.seller_a
    admin_user = make_user(email="root@example.com", is_staff=True, is_superuser=True)
    root = Client()
    root.force_login(admin_user)
    assert root.post(reverse("admin:sellers_seller_delete", args=[seller.pk]), {"post": "yes"}).status_code == 403
    assert Seller.objects.filter(pk=seller.pk).exists()
    operator.post(
        reverse("admin:sellers_seller_changelist"),
        {"action": "suspend", "_selected_action": [seller.pk], "apply": "1", "reason": "counterfeit reports"},
    )
    seller.refresh_from_db()
    assert seller.is_suspended and seller.suspension_reason == "counterfeit reports"
    assert APIClient().get("/api/v1/products/", {"seller": seller.pk}).json()["count"] == 0
    operator.post(reverse("admin:sellers_seller_changelist"), {"action": "reinstate", "_selected_action": [seller.pk]})
    assert APIClient().get("/api/v1/products/", {"seller": seller.pk}).json()["count"] > 0
