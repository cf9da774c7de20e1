"""A buyer in headless Chromium: signs up, searches in Russian, checks out two sellers' goods, pays and
tracks; a viewer sees the pinned product change without reloading; the language switcher; axe-core.

One chromium for the module (conftest ``browser``); each test builds its small market (the live
server's transactional database is emptied after each test, so data cannot outlive one).
"""

from pathlib import Path
from typing import Any

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.urls import reverse

from conftest import DESKTOP, PHONE, screenshot
from marketplace.services.livestreams import livestream_pin
from marketplace.tests.live_factories import offer_for, stream_for
from orders.models import Order
from orders.tests.factories import ALMATY_ADDRESS
from warehouses.tests.test_browser_shift import fits

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "correct-horse-battery-9"
STOREFRONT_STATIC = Path(__file__).resolve().parents[1] / "static" / "storefront"


def sign_up(page: Any, email: str) -> None:
    page.goto(reverse("storefront:sign-up"))
    page.fill("#id_email", email)
    page.fill("#id_password", PASSWORD)
    page.click("#submit")
    page.wait_for_url("**/")


def log_in(page: Any, email: str) -> None:
    page.goto(reverse("storefront:log-in"))
    page.fill("#id_username", email)
    page.fill("#id_password", PASSWORD)
    page.click("#submit")
    page.wait_for_url("**/")


def add_to_cart(page: Any, query: str) -> None:
    """Search with the header's box, open the first result, add it to the cart."""
    page.fill("#top-q", query)
    page.press("#top-q", "Enter")
    page.wait_for_url("**/products/?**")
    page.click("#products .card a")
    page.click("#add-to-cart")
    page.wait_for_url("**/cart/")


def fill_address(page: Any) -> None:
    for name in ("recipient", "phone", "city", "postal_code", "line1"):
        page.fill(f"#id_{name}", ALMATY_ADDRESS[name])
    page.select_option("#id_country", "KZ")
    page.select_option("#id_currency", "KZT")


def test_a_buyer_signs_up_searches_in_russian_checks_out_pays_and_tracks(new_page, shop) -> None:  # type: ignore[no-untyped-def]
    page = new_page(viewport=PHONE, locale="ru")
    page.goto("/")
    assert page.inner_text("h1") == "Товары со всей ШОС с доставкой до двери"  # the browser asked for Russian
    sign_up(page, "aigerim@example.kz")
    screenshot(page, "storefront-home-phone-ru")
    assert fits(page, PHONE["width"])

    # Search in Russian, then narrow to what can reach Kazakhstan.
    page.fill("#top-q", "чайник")
    page.press("#top-q", "Enter")
    page.wait_for_url("**/products/?**")
    page.select_option("#id_ship_to", "KZ")
    page.click("#filters button[type=submit]")
    page.wait_for_url("**ship_to=KZ**")
    cards = page.locator("#products .card")
    assert cards.count() == 1
    assert "Электрический чайник" in cards.first.inner_text()
    assert "дн." in cards.first.inner_text()  # "5–8 дн., грузовик TIR"
    screenshot(page, "storefront-catalog-phone-ru")
    assert fits(page, PHONE["width"])

    page.click("#products .card a")
    assert page.inner_text("h1") == "Электрический чайник"
    assert page.locator(".deliveries li").count() >= 1
    screenshot(page, "storefront-product-phone-ru")
    page.click("#add-to-cart")
    page.wait_for_url("**/cart/")
    add_to_cart(page, "курага")  # the second seller's
    assert page.locator("#cart-lines > li").count() == 2
    screenshot(page, "storefront-cart-phone-ru")

    page.click("#to-checkout")
    page.click("#get-quote")  # nothing filled in: errors next to their fields
    assert page.locator("#id_city-errors").is_visible()
    fill_address(page)
    page.click("#get-quote")
    quote = page.locator("#quote")
    assert quote.locator(".shipment").count() == 2
    assert "KZT" in page.inner_text("#quote-total")
    screenshot(page, "storefront-checkout-phone-ru")
    assert fits(page, PHONE["width"])
    page.click("#place-order")
    page.wait_for_url("**/orders/*/")
    page.click("#pay-offline")
    page.wait_for_selector("#tracking .shipment")
    order = Order.objects.get()
    assert order.status != "pending_payment"
    assert order.number in page.inner_text("h1")
    assert page.locator("#tracking .shipment").count() == 2
    assert "Оплачен" in page.inner_text("#tracking")
    screenshot(page, "storefront-order-phone-ru")

    desk = new_page(viewport=DESKTOP)
    log_in(desk, "aigerim@example.kz")
    desk.goto(reverse("storefront:orders"))
    assert order.number in desk.inner_text("#order-list")
    screenshot(desk, "storefront-orders-desktop")
    desk.click("#order-list a")
    screenshot(desk, "storefront-order-desktop")
    for name, url in (
        ("home", "/"),
        ("catalog", reverse("storefront:products") + "?ship_to=KZ&currency=KZT"),
        ("product", reverse("storefront:product", args=[shop.a_urc.product_id]) + "?ship_to=KZ"),
        ("seller", reverse("storefront:seller", args=[shop.seller_a.pk])),
    ):
        desk.goto(url)
        screenshot(desk, f"storefront-{name}-desktop")


def test_a_viewer_sees_the_pinned_product_change_without_reloading(new_page, shop) -> None:  # type: ignore[no-untyped-def]
    stream = stream_for(seller=shop.seller_a)
    offer_for(stream=stream, variant=shop.a_lyg, price="50.00", cap=5)
    livestream_pin(stream=stream, sku=shop.a_urc.sku)
    page = new_page(viewport=PHONE)
    page.goto(reverse("storefront:livestream", args=[stream.pk]))
    assert page.inner_text("#pinned-title") == "Electric teapot"
    page.evaluate("window.__sameDocument = true")  # gone if the page reloads
    screenshot(page, "storefront-live-phone")

    livestream_pin(stream=stream, sku=shop.a_lyg.sku)  # the seller pins another product (committed)

    page.wait_for_function("document.getElementById('pinned-title').textContent === 'Silk scarf'")
    assert page.evaluate("window.__sameDocument") is True
    assert "50.00" in page.inner_text("#pinned-price")  # at its live price
    desk = new_page(viewport=DESKTOP)
    desk.goto(reverse("storefront:livestream", args=[stream.pk]))
    screenshot(desk, "storefront-live-desktop")


def test_the_language_switcher_turns_the_checkout_into_russian_and_chinese(new_page, shop, make_user) -> None:  # type: ignore[no-untyped-def]
    from orders.services import cart_get_or_create, cart_item_add

    buyer = make_user(email="dilshod@example.uz", password=PASSWORD)
    cart_item_add(cart=cart_get_or_create(user=buyer), variant_id=shop.a_urc.pk, quantity=1)
    page = new_page(viewport=DESKTOP, locale="en")
    log_in(page, "dilshod@example.uz")
    page.goto(reverse("storefront:checkout"))
    assert page.inner_text("h1") == "Checkout"
    fill_address(page)
    page.click("#get-quote")
    assert "Your quote" in page.inner_text("#quote")
    screenshot(page, "storefront-checkout-desktop")

    page.select_option("#language-select", "ru")
    page.click("#language-form button")
    page.wait_for_selector("html[lang=ru]")
    assert page.inner_text("h1") == "Оформление заказа"
    assert page.inner_text("label[for=id_recipient]").startswith("Получатель")
    assert page.inner_text("#get-quote") == "Рассчитать доставку и итог"
    screenshot(page, "storefront-checkout-desktop-ru")

    page.select_option("#language-select", "zh-hans")
    page.click("#language-form button")
    page.wait_for_selector("html[lang=zh-hans]")
    assert page.inner_text("h1") == "结算"
    assert page.inner_text("label[for=id_recipient]").startswith("收件人")
    fill_address(page)
    page.click("#get-quote")
    assert "您的报价" in page.inner_text("#quote")
    screenshot(page, "storefront-checkout-desktop-zh")
    phone = new_page(viewport=PHONE, locale="zh-CN")
    log_in(phone, "dilshod@example.uz")
    phone.goto(reverse("storefront:checkout"))
    assert phone.inner_text("h1") == "结算"
    screenshot(phone, "storefront-checkout-phone-zh")


@pytest.mark.clock_free
def test_axe_finds_no_serious_violation_on_the_main_pages(new_page, shop, make_user) -> None:  # type: ignore[no-untyped-def]
    stream = stream_for(seller=shop.seller_a)
    offer_for(stream=stream, variant=shop.a_lyg, price="50.00", cap=5)
    livestream_pin(stream=stream, sku=shop.a_urc.sku)
    make_user(email="axe@example.com", password=PASSWORD)
    page = new_page(viewport=PHONE)
    axe = Axe()
    pages = {
        "home": "/",
        "catalog": reverse("storefront:products") + "?ship_to=KZ",
        "product": reverse("storefront:product", args=[shop.a_urc.product_id]) + "?ship_to=KZ",
        "live": reverse("storefront:livestream", args=[stream.pk]),
        "seller": reverse("storefront:seller", args=[shop.seller_a.pk]),
        "sign-up": reverse("storefront:sign-up"),
        "log-in": reverse("storefront:log-in"),
        "not-found": "/no-such-page/",
    }
    found: dict[str, list[str]] = {}

    def check(name: str) -> None:
        results = axe.run(page)
        serious = [v for v in results.response["violations"] if v["impact"] in ("serious", "critical")]
        if serious:
            found[name] = [f"{v['id']}: {v['help']} ({len(v['nodes'])})" for v in serious]

    for name, url in pages.items():
        page.goto(url)
        check(name)
    log_in(page, "axe@example.com")
    page.goto(reverse("storefront:product", args=[shop.a_urc.product_id]))
    page.click("#add-to-cart")
    page.wait_for_url("**/cart/")
    check("cart")
    page.goto(reverse("storefront:checkout"))
    page.click("#get-quote")  # with its errors shown
    check("checkout-errors")
    fill_address(page)
    page.click("#get-quote")
    check("checkout-quote")
    page.click("#place-order")
    page.wait_for_url("**/orders/*/")
    check("order")
    page.goto(reverse("storefront:orders"))
    check("orders")
    page.goto(reverse("storefront:notifications"))
    check("notifications")
    assert found == {}


@pytest.mark.postgres
@pytest.mark.clock_free
def test_under_asgi_the_pinned_product_streams_to_the_viewer(new_page, shop, make_user) -> None:  # type: ignore[no-untyped-def]
    """The production way: the page and its event stream served by uvicorn (config.asgi), the pin
    sent to the same server's API by the seller's app; the viewer's EventSource stays open."""
    import requests

    from accounts.services import api_token_issue
    from marketplace.tests.asgi_server import asgi_server
    from orders.tests.test_live_events_servers import server_environment
    from sellers.models import MemberRole, SellerMember

    owner = make_user(email="owner@yiwu.example.com")
    SellerMember.objects.create(seller=shop.seller_a, user=owner, role=MemberRole.OWNER)
    token = api_token_issue(user=owner)
    stream = stream_for(seller=shop.seller_a)
    livestream_pin(stream=stream, sku=shop.a_urc.sku)
    script = (STOREFRONT_STATIC / "live.js").read_text()
    with asgi_server(server_environment()) as server:
        page = new_page(viewport=PHONE)
        # The test settings serve no collected static files; the script comes from the source tree.
        page.route(
            "**/static/storefront/live.js", lambda route: route.fulfill(body=script, content_type="text/javascript")
        )
        with page.expect_request("**/events/**"):  # the page has subscribed
            page.goto(f"{server}{reverse('storefront:livestream', args=[stream.pk])}")
        assert page.inner_text("#pinned-title") == "Electric teapot"
        page.evaluate("window.__sameDocument = true")
        response = requests.post(
            f"{server}/api/v1/seller/livestreams/{stream.pk}/pin/",
            json={"sku": shop.a_lyg.sku},
            headers={"Authorization": f"Token {token.key}"},
            timeout=30,
        )
        assert response.status_code == 200, response.text
        page.wait_for_function("document.getElementById('pinned-title').textContent === 'Silk scarf'")
        assert page.evaluate("window.__sameDocument") is True
