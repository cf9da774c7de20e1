"""Cheap reads: ETag and 304, a constant number of queries per page, and a cache that buyer-visible writes drop."""

import io
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from djmoney.money import Money
from PIL import Image
from rest_framework.test import APIClient

from core.services import exchange_rates_store
from marketplace.models import Category, ProductImage, ProductStatus
from marketplace.services.images import product_image_add
from marketplace.services.products import product_update
from marketplace.tests.factories import ProductFactory, VariantFactory
from sellers.tests.factories import SellerFactory
from warehouses.services import ReservationLine, stock_release, stock_reserve
from warehouses.tests.factories import stock_with

URL = "/api/v1/products/"


@pytest.fixture
def catalog_cache(settings):  # type: ignore[no-untyped-def]
    settings.CATALOG_CACHE_SECONDS = 300
    cache.clear()
    yield
    cache.clear()


# --- HTTP caching -----------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_repeated_read_with_its_etag_is_a_304(shelf) -> None:
    client = APIClient()
    for url in (URL + "?currency=KZT&ship_to=UZ", f"{URL}{shelf.kettle.pk}/?ship_to=UZ"):
        first = client.get(url)
        assert first.status_code == 200
        etag = first["ETag"]
        assert etag.startswith('"') and first["Cache-Control"] == "public, no-cache"
        again = client.get(url, HTTP_IF_NONE_MATCH=etag)
        assert again.status_code == 304 and again.content == b""
        assert again["ETag"] == etag and again["Cache-Control"] == "public, no-cache"
        assert client.get(url, HTTP_IF_NONE_MATCH='"something-else"').status_code == 200
        assert client.get(url, HTTP_IF_NONE_MATCH=f'"x", W/{etag}').status_code == 304


@pytest.mark.django_db
def test_another_language_is_another_representation(shelf) -> None:
    english = APIClient().get(URL)
    russian = APIClient().get(URL, HTTP_ACCEPT_LANGUAGE="ru", HTTP_IF_NONE_MATCH=english["ETag"])
    assert russian.status_code == 200 and russian["ETag"] != english["ETag"]
    assert "Accept-Language" in russian["Vary"]


@pytest.mark.django_db
def test_max_age_comes_from_the_settings(shelf, settings) -> None:
    settings.CATALOG_HTTP_MAX_AGE = 30
    assert APIClient().get(URL)["Cache-Control"] == "public, max-age=30"


# --- a constant number of queries -------------------------------------------------------------


@pytest.fixture
def many_products(shelf):  # type: ignore[no-untyped-def]
    """120 more products of several sellers, each with an image and stock in one of the warehouses."""
    food = Category.objects.get(slug="food")
    sellers = [
        SellerFactory(country=country, currency=currency) for country, currency in (("KZ", "KZT"), ("UZ", "UZS"))
    ]
    warehouses = list(shelf.warehouses.values())
    for number in range(120):
        seller = sellers[number % 2]
        product = ProductFactory(seller=seller, title=f"Bulk item {number}", category=food)
        variant = VariantFactory(product=product, price=Money(Decimal(1000 + number), seller.currency))
        ProductImage.objects.create(
            product=product,
            original=f"products/{product.pk}/original.jpg",
            thumbnails={"medium": {"webp": f"products/{product.pk}/medium.webp"}},
            format="JPEG",
            width=800,
            height=600,
            status="ready",
        )
        stock_with(variant=variant, warehouse=warehouses[number % len(warehouses)], on_hand=3)


def _queries(params: dict) -> tuple[int, int]:
    with CaptureQueriesContext(connection) as captured:
        response = APIClient().get(URL, params)
    assert response.status_code == 200, response.content
    return len(captured), len(response.json()["results"])


@pytest.mark.django_db
@pytest.mark.parametrize(
    "params",
    [
        {},
        {"currency": "KZT", "ship_to": "UZ", "in_stock": "true", "ordering": "fastest"},
        {"q": "bulk item", "category": "food", "currency": "USD", "min_price": "0.01", "ordering": "-price"},
    ],
)
def test_the_number_of_queries_does_not_grow_with_the_page(many_products, params) -> None:
    small, rows_small = _queries({**params, "page_size": 10})
    large, rows_large = _queries({**params, "page_size": 100})
    assert (rows_small, rows_large) == (10, 100)
    assert small == large


# --- the read cache ---------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_cached_read_touches_no_database(shelf, catalog_cache, django_assert_num_queries) -> None:
    first = APIClient().get(URL, {"currency": "KZT", "ship_to": "UZ", "q": "apricots"})
    with django_assert_num_queries(0):
        again = APIClient().get(URL, {"ship_to": "uz", "q": "apricots ", "currency": "kzt", "utm_source": "x"})
    assert again.content == first.content and again["ETag"] == first["ETag"]


def _row(title: str, **params: str) -> dict | None:
    rows = APIClient().get(URL, params).json()["results"]
    return next((row for row in rows if row["title"] == title), None)


@pytest.mark.django_db(transaction=True)
def test_a_new_price_is_shown_at_once(shelf, catalog_cache, client_for) -> None:
    from sellers.tests.factories import SellerMemberFactory, UserFactory

    owner = UserFactory()
    SellerMemberFactory(seller=shelf.sellers["almaty"], user=owner, role="owner")
    assert _row("Wheat flour")["price"] == {"amount": "4500.00", "currency": "KZT"}
    variant = shelf.flour.variants.get()
    response = client_for(owner).patch(
        f"/api/v1/seller/products/{shelf.flour.pk}/",
        {"variants": [{"id": variant.pk, "price": {"amount": "4200.00"}}]},
        format="json",
    )
    assert response.status_code == 200, response.content
    assert _row("Wheat flour")["price"] == {"amount": "4200.00", "currency": "KZT"}
    assert _row("Wheat flour", currency="UZS")["price"]["currency"] == "UZS"


@pytest.mark.django_db(transaction=True)
def test_stock_crossing_zero_is_shown_at_once_and_other_sales_keep_the_cache(
    shelf, catalog_cache, django_assert_num_queries
) -> None:
    assert _row("Wheat flour", in_stock="true")["in_stock"] is True  # 9 available in Almaty
    stock_reserve(lines=[ReservationLine(shelf.flour.variants.get().pk, 4)], destination_country="KZ", reference="o1")
    with django_assert_num_queries(0):  # 5 still available: nothing a buyer would notice
        assert _row("Wheat flour", in_stock="true")["in_stock"] is True
    stock_reserve(lines=[ReservationLine(shelf.flour.variants.get().pk, 5)], destination_country="KZ", reference="o2")
    assert _row("Wheat flour", in_stock="true") is None
    assert _row("Wheat flour")["in_stock"] is False
    from warehouses.services import Allocation

    warehouse = shelf.warehouses["ALA"]
    allocation = Allocation(shelf.flour.variants.get().pk, warehouse.pk, warehouse.code, 5)
    stock_release(allocations=[allocation], reference="o2")
    assert _row("Wheat flour", in_stock="true")["in_stock"] is True


@pytest.mark.django_db(transaction=True)
def test_a_status_change_is_shown_at_once(shelf, catalog_cache) -> None:
    assert _row("Wheat flour") is not None
    product_update(product=shelf.flour, status=ProductStatus.ARCHIVED)
    assert _row("Wheat flour") is None
    assert APIClient().get(f"{URL}{shelf.flour.pk}/").status_code == 404


@pytest.mark.django_db(transaction=True)
def test_a_suspended_sellers_goods_leave_the_cached_pages_at_once(shelf, catalog_cache) -> None:
    from sellers.services import seller_reinstate, seller_suspend

    assert _row("Wheat flour") is not None
    seller_suspend(seller=shelf.flour.seller, reason="counterfeit reports")
    assert _row("Wheat flour") is None
    assert APIClient().get(f"{URL}{shelf.flour.pk}/").status_code == 404
    seller_reinstate(seller=shelf.flour.seller)
    assert _row("Wheat flour") is not None


@pytest.mark.django_db(transaction=True)
def test_a_new_image_is_shown_at_once(shelf, catalog_cache) -> None:
    assert _row("Wheat flour")["image"] is None
    buffer = io.BytesIO()
    Image.new("RGB", (320, 240), "orange").save(buffer, "JPEG")
    product_image_add(product=shelf.flour, upload=SimpleUploadedFile("flour.jpg", buffer.getvalue(), "image/jpeg"))
    image = _row("Wheat flour")["image"]
    assert image is not None and image.endswith(".webp")  # the thumbnail task ran (eagerly) and is shown


@pytest.mark.django_db(transaction=True)
def test_new_exchange_rates_are_shown_at_once(shelf, catalog_cache) -> None:
    assert _row("Wheat flour", currency="USD")["price"] == {"amount": "8.91", "currency": "USD"}  # 4500 / 505
    exchange_rates_store(base="USD", rates={"KZT": Decimal("450")}, source="test-provider", effective_at=timezone.now())
    assert _row("Wheat flour", currency="USD")["price"] == {"amount": "10.00", "currency": "USD"}
    # … and the reference prices followed (a task started by the new rates), so sorting agrees.
    titles = [row["title"] for row in APIClient().get(URL, {"ordering": "-price"}).json()["results"]]
    assert titles[:2] == ["Electric kettle", "Wheat flour"]
    shelf.flour.refresh_from_db()
    assert shelf.flour.price_reference == Decimal("10.0000000000")


@pytest.fixture
def unreachable_cache(settings):  # type: ignore[no-untyped-def]
    """A Redis cache at a loopback port nothing listens on."""
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    settings.CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": f"redis://127.0.0.1:{port}/0",
            "OPTIONS": {"SOCKET_CONNECT_TIMEOUT": 1, "SOCKET_TIMEOUT": 1},
        }
    }
    settings.CATALOG_CACHE_SECONDS = 300


@pytest.mark.django_db(transaction=True)
def test_without_a_reachable_cache_reads_and_writes_still_work(shelf, unreachable_cache) -> None:
    assert _row("Wheat flour")["price"] == {"amount": "4500.00", "currency": "KZT"}
    product_update(product=shelf.flour, status=ProductStatus.ARCHIVED)  # the bump after commit fails quietly
    assert _row("Wheat flour") is None
