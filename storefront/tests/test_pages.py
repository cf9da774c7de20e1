"""The buyers' pages through Django's test client: what they show, the errors next to their field,
who may see what, and a handful of SQL queries each."""

import pytest
from django.urls import reverse

from accounts.models import User
from orders.models import Order
from orders.tests.factories import ALMATY_ADDRESS
from sellers.models import SellerFollower

pytestmark = pytest.mark.django_db

PASSWORD = "correct-horse-battery-9"


@pytest.fixture
def buyer(client, make_user):  # type: ignore[no-untyped-def]
    user = make_user(email="aigerim@example.kz", password=PASSWORD)
    client.force_login(user)
    return user


def checkout_post(client, **extra):  # type: ignore[no-untyped-def]
    data = {**ALMATY_ADDRESS, "preference": "cheapest", "currency": "KZT", **extra}
    return client.post(reverse("storefront:checkout"), data)


def place(client, shop):  # type: ignore[no-untyped-def]
    client.post(reverse("storefront:cart-add"), {"variant": shop.a_urc.pk, "quantity": "1"})
    client.post(reverse("storefront:cart-add"), {"variant": shop.b_lyg.pk, "quantity": "2"})
    response = checkout_post(client, action="place")
    assert response.status_code == 302, response.content.decode()[:2000]
    return Order.objects.latest("pk")


def test_the_home_page_shows_categories_and_products_by_origin(client, shop, django_assert_max_num_queries) -> None:
    with django_assert_max_num_queries(12):
        response = client.get("/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "Electric teapot" in page and "Made in China" in page and "Made in Kazakhstan" in page


def test_api_admin_and_health_still_answer_beside_the_storefront(client, shop) -> None:
    assert client.get("/healthz").status_code == 200
    assert client.get("/api/v1/products/").status_code == 200
    assert client.get("/api/v1/nothing-here/")["Content-Type"].startswith("application/json")
    assert client.get("/admin/").status_code == 302


def test_the_catalog_searches_in_russian_and_filters_by_destination(
    client, shop, django_assert_max_num_queries
) -> None:
    client.post(reverse("set_language"), {"language": "ru", "next": "/"})
    query = {"q": "чайник", "ship_to": "KZ", "currency": "KZT"}
    client.get(reverse("storefront:products"), query)  # the first one also writes the choices into the session
    with django_assert_max_num_queries(14):  # 13 on SQLite; PostgreSQL sets the trigram threshold
        response = client.get(reverse("storefront:products"), query)
    page = response.content.decode()
    assert response.status_code == 200
    assert "Электрический чайник" in page
    assert "Курага" not in page
    assert "дн." in page or "дней" in page  # the delivery estimate, in Russian
    assert "KZT" in page


def test_a_bad_filter_is_shown_next_to_its_field(client, shop) -> None:
    response = client.get(reverse("storefront:products"), {"min_price": "cheap"})
    assert response.status_code == 400
    page = response.content.decode()
    assert 'id="id_min_price-errors"' in page


def test_the_product_page_shows_variants_prices_and_delivery_per_warehouse(
    client, shop, django_assert_max_num_queries
) -> None:
    url = reverse("storefront:product", args=[shop.a_urc.product_id])
    with django_assert_max_num_queries(14):
        response = client.get(url, {"ship_to": "KZ"})
    page = response.content.decode()
    assert response.status_code == 200
    assert "Electric teapot" in page
    assert "days by" in page
    assert "48.61\u00a0USD" in page  # 350.00 CNY in the buyer's currency (USD by default), as the API converts


def test_an_unknown_product_is_a_404_in_the_sites_design(client, shop) -> None:
    response = client.get(reverse("storefront:product", args=[987654]))
    assert response.status_code == 404
    assert "Page not found" in response.content.decode()


def test_the_currency_switcher_is_remembered(client, shop) -> None:
    client.post(reverse("storefront:currency"), {"currency": "KZT", "next": "/"})
    page = client.get(reverse("storefront:product", args=[shop.a_urc.product_id])).content.decode()
    assert 'id="price">' in page
    price = page.split('id="price">')[1].split("<")[0]
    assert price.endswith("\u00a0KZT") and price[0].isdigit()


def test_sign_up_errors_are_next_to_the_field_and_a_good_one_logs_in(client, db) -> None:
    response = client.post(reverse("storefront:sign-up"), {"email": "not-an-email", "password": "x"})
    assert response.status_code == 400
    assert 'id="id_email-errors"' in response.content.decode()
    response = client.post(reverse("storefront:sign-up"), {"email": "new@example.com", "password": "123"})
    assert 'id="id_password-errors"' in response.content.decode()
    assert not User.objects.filter(email="new@example.com").exists()
    response = client.post(reverse("storefront:sign-up"), {"email": "new@example.com", "password": PASSWORD})
    assert response.status_code == 302
    assert client.get(reverse("storefront:orders")).status_code == 200


def test_log_in_and_log_out(client, make_user) -> None:
    make_user(email="dilshod@example.uz", password=PASSWORD)
    response = client.post(reverse("storefront:log-in"), {"username": "dilshod@example.uz", "password": "wrong"})
    assert response.status_code == 400
    response = client.post(reverse("storefront:log-in"), {"username": "dilshod@example.uz", "password": PASSWORD})
    assert response.status_code == 302
    assert client.get(reverse("storefront:cart")).status_code == 200
    client.post(reverse("storefront:log-out"))
    assert client.get(reverse("storefront:cart")).status_code == 302


def test_forms_need_the_csrf_token(shop, make_user) -> None:
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    response = client.post(reverse("storefront:log-in"), {"username": "a@example.com", "password": PASSWORD})
    assert response.status_code == 403
    assert "Not allowed" in response.content.decode()


def test_the_cart_and_checkout_quote_show_shipments_duties_and_totals(
    client, shop, buyer, django_assert_max_num_queries
) -> None:
    client.post(reverse("storefront:cart-add"), {"variant": shop.a_urc.pk, "quantity": "1"})
    client.post(reverse("storefront:cart-add"), {"variant": shop.b_lyg.pk, "quantity": "2"})
    with django_assert_max_num_queries(10):
        page = client.get(reverse("storefront:cart")).content.decode()
    assert "Electric teapot" in page and "Dried apricots" in page
    with django_assert_max_num_queries(6):
        assert client.get(reverse("storefront:checkout")).status_code == 200
    with django_assert_max_num_queries(16):
        response = checkout_post(client, action="quote")
    page = response.content.decode()
    assert response.status_code == 200, page[:3000]
    assert page.count('class="shipment"') == 2
    assert "Yiwu Goods" in page and "Almaty Trade" in page
    assert 'id="quote-total"' in page
    assert "Customs rule" in page


def test_checkout_errors_are_next_to_their_field_and_nothing_is_ordered(client, shop, buyer) -> None:
    client.post(reverse("storefront:cart-add"), {"variant": shop.a_urc.pk, "quantity": "1"})
    response = checkout_post(client, action="place", phone="12", city="")
    page = response.content.decode()
    assert response.status_code == 400
    assert 'id="id_city-errors"' in page
    response = checkout_post(client, action="place", phone="12")
    assert 'id="id_phone-errors"' in response.content.decode()
    assert not Order.objects.exists()


def test_checkout_errors_are_in_chinese_on_the_chinese_page(client, shop, buyer) -> None:
    client.post(reverse("set_language"), {"language": "zh-hans", "next": "/"})
    client.post(reverse("storefront:cart-add"), {"variant": shop.a_urc.pk, "quantity": "1"})
    response = checkout_post(client, action="place", phone="12")
    page = response.content.decode()
    assert response.status_code == 400
    assert "请输入有效的电话号码，例如 +7 701 234 5678。" in page
    assert "Enter a valid phone number" not in page
    assert not Order.objects.exists()


def test_a_buyer_places_pays_offline_and_sees_the_tracking(client, shop, buyer, django_assert_max_num_queries) -> None:
    order = place(client, shop)
    again = checkout_post(client, action="place")  # a second click on "Place order"
    assert again.status_code == 400 and Order.objects.count() == 1
    url = reverse("storefront:order", args=[order.pk])
    with django_assert_max_num_queries(16):
        page = client.get(url).content.decode()
    assert 'id="pay-offline"' in page
    assert client.post(url).status_code == 302
    order.refresh_from_db()
    assert order.status != "pending_payment"
    page = client.get(url).content.decode()
    assert 'id="pay-offline"' not in page
    assert page.count('data-shipment="') == 2
    assert "Order placed" in page and "Paid" in page
    with django_assert_max_num_queries(8):
        listing = client.get(reverse("storefront:orders")).content.decode()
    assert order.number in listing


def test_a_buyer_never_sees_another_buyers_order(client, shop, buyer, make_user) -> None:
    order = place(client, shop)
    other = make_user(email="other@example.com")
    client.force_login(other)
    assert client.get(reverse("storefront:order", args=[order.pk])).status_code == 404
    assert client.post(reverse("storefront:order", args=[order.pk])).status_code == 404
    assert order.number not in client.get(reverse("storefront:orders")).content.decode()


def test_pages_of_a_buyer_need_a_login(client, shop) -> None:
    for name in ("storefront:cart", "storefront:checkout", "storefront:orders", "storefront:notifications"):
        response = client.get(reverse(name))
        assert response.status_code == 302 and "/login/" in response["Location"]
    product = reverse("storefront:product", args=[shop.a_urc.product_id])
    response = client.post(reverse("storefront:cart-add"), {"variant": shop.a_urc.pk, "next": product})
    assert response["Location"] == f"/login/?next={product}"  # then back to the product, not to a POST-only URL


def test_a_buyer_follows_a_seller_from_its_page(client, shop, buyer, django_assert_max_num_queries) -> None:
    url = reverse("storefront:seller", args=[shop.seller_a.pk])
    with django_assert_max_num_queries(14):
        page = client.get(url).content.decode()
    assert "Yiwu Goods" in page and "Electric teapot" in page and "Felt carpet" not in page
    client.post(reverse("storefront:seller-follow", args=[shop.seller_a.pk]))
    assert SellerFollower.objects.filter(user=buyer, seller=shop.seller_a).exists()
    assert "Unfollow" in client.get(url).content.decode()
    client.post(reverse("storefront:seller-follow", args=[shop.seller_a.pk]), {"action": "unfollow"})
    assert not SellerFollower.objects.filter(user=buyer).exists()


def test_notifications_are_the_users_own_and_can_be_marked_read(
    client, shop, buyer, make_user, django_assert_max_num_queries
) -> None:
    from accounts.models import Notification

    mine = Notification.objects.create(
        user=buyer, kind="livestream_started", title="Yiwu Goods is live", dedupe_key="a"
    )
    theirs = Notification.objects.create(user=make_user(), kind="x", title="Someone else's", dedupe_key="b")
    with django_assert_max_num_queries(4):
        page = client.get(reverse("storefront:notifications")).content.decode()
    assert "Yiwu Goods is live" in page and "Someone else" not in page
    assert client.post(reverse("storefront:notifications"), {"notification": theirs.pk}).status_code == 404
    client.post(reverse("storefront:notifications"), {"notification": mine.pk})
    mine.refresh_from_db()
    assert mine.read_at is not None


def test_the_livestream_page_shows_the_pinned_product_and_live_offers(
    client, shop, django_assert_max_num_queries
) -> None:
    from marketplace.services.livestreams import livestream_pin
    from marketplace.tests.live_factories import offer_for, stream_for

    stream = stream_for(seller=shop.seller_a)
    offer_for(stream=stream, variant=shop.a_lyg, price="50.00", cap=5)
    livestream_pin(stream=stream, sku=shop.a_lyg.sku)
    with django_assert_max_num_queries(8):
        response = client.get(reverse("storefront:livestream", args=[stream.pk]))
    page = response.content.decode()
    assert 'id="pinned-title">Silk scarf' in page
    assert 'id="pinned-price">50.00\u00a0CNY' in page  # at its live price, not the list price
    assert "Buy at live price" in page
    assert 'class="remaining-count">5<' in page
    assert f"/api/v1/livestreams/{stream.pk}/events/?last_event_id=" in page
    assert client.get(reverse("storefront:livestream", args=[98765])).status_code == 404


def test_the_pages_speak_russian_and_chinese(client, shop) -> None:
    client.post(reverse("set_language"), {"language": "ru", "next": "/"})
    assert "Каталог" in client.get("/").content.decode()
    client.post(reverse("set_language"), {"language": "zh-hans", "next": "/"})
    assert "目录" in client.get("/").content.decode()


def test_pictures_come_with_a_srcset_of_their_thumbnails(client, shop) -> None:
    from marketplace.models import ProductImage

    sizes = {"small": 160, "medium": 480, "large": 1200}
    ProductImage.objects.create(
        product_id=shop.a_urc.product_id,
        original="products/teapot.jpg",
        thumbnails={name: {"webp": f"products/teapot-{name}.webp", "jpeg": f"x-{name}.jpg"} for name in sizes},
        format="JPEG",
        width=1600,
        height=1600,
        status="ready",
    )
    for url in ("/", reverse("storefront:product", args=[shop.a_urc.product_id])):
        page = client.get(url).content.decode()
        assert "teapot-small.webp 160w" in page and "teapot-large.webp 1200w" in page
        assert 'alt="Electric teapot' in page


def test_with_stripe_the_order_page_mounts_the_payment_element(client, shop, buyer, settings) -> None:
    from sellers.tests.stripe_fake import stripe_fake

    with stripe_fake(settings):
        settings.STRIPE_PUBLISHABLE_KEY = "pk_test_karavan"
        order = place(client, shop)
        page = client.get(reverse("storefront:order", args=[order.pk])).content.decode()
    assert 'id="payment-element"' in page and 'data-key="pk_test_karavan"' in page
    assert f'data-secret="{order.payment.client_secret}"' in page
    assert 'id="pay-offline"' not in page


def test_the_500_page_is_in_the_sites_design_without_any_context(rf) -> None:
    from django.views.defaults import server_error

    response = server_error(rf.get("/"))
    assert response.status_code == 500
    page = response.content.decode()
    assert "Something went wrong" in page and "storefront/site.css" in page
