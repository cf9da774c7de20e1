"""An operator opens the dashboard in headless Chromium and sees its charts, at 1366 px and on a phone."""

import pytest
import time_machine
from django.urls import reverse

from conftest import DESKTOP, PHONE, screenshot
from orders.services.operators import operator_assign
from orders.tests.payments_support import place_order
from warehouses.tests.test_browser_shift import PASSWORD, fits, log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def orders_placed(client_for, make_user, market):  # type: ignore[no-untyped-def]
    """Two paid orders a day apart (KZT), the clock pinned so the charts have the same days on any date."""
    with time_machine.travel("2026-03-10 08:00 +0000", tick=False):
        buyer = make_user(email="buyer@example.com")
        first = place_order(client_for(buyer), buyer, market, key="first")
        client_for(buyer).post(f"/api/v1/orders/{first.pk}/pay/")
    with time_machine.travel("2026-03-11 08:00 +0000", tick=False):
        second = place_order(client_for(buyer), buyer, market, key="second")
        client_for(buyer).post(f"/api/v1/orders/{second.pk}/pay/")
    operator_assign(user=make_user(email="operator@example.com", password=PASSWORD))


def test_an_operator_sees_the_dashboard_charts(new_page, orders_placed) -> None:  # type: ignore[no-untyped-def]
    url = reverse("admin:orders_operator_dashboard")
    with time_machine.travel("2026-03-11 12:00 +0000", tick=True):
        desk = new_page(viewport=DESKTOP)
        log_in(desk, "operator@example.com", url)
        charts = desk.locator(".kv-chart svg")
        assert charts.count() == 7
        assert "GMV per day" in desk.inner_text("#chart-gmv")
        assert desk.locator("#chart-orders .bar").count() >= 2  # two days with an order each
        screenshot(desk, "operator-dashboard-desktop")
        with desk.expect_download() as download:
            desk.click("#table-sales a:has-text('CSV')")
        assert download.value.suggested_filename.startswith("karavan-sales-")
        phone = new_page(viewport=PHONE, locale="ru")
        log_in(phone, "operator@example.com", url)
        assert phone.locator(".kv-chart svg").count() == 7
        assert fits(phone, PHONE["width"])
        screenshot(phone, "operator-dashboard-phone-ru")
        order = reverse("admin:orders_order_changelist")
        desk.goto(order)
        desk.click("#result_list tbody th a")
        screenshot(desk, "operator-order-desktop")
        phone.goto(desk.url)
        screenshot(phone, "operator-order-phone-ru")
