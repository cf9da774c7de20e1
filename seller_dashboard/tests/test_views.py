"""The dashboard's pages through Django's test client: who may open what, each page, errors by their field."""

import io
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation
from PIL import Image

from core.templatetags.karavan import money_text
from marketplace.models import CatalogImport, LiveStream, Product, ProductImage, ProductStatus
from marketplace.tests.factories import ProductFactory, VariantFactory
from marketplace.tests.live_factories import stream_for
from orders.selectors import seller_balance
from seller_dashboard.tests.conftest import PASSWORD
from warehouses.models import InboundShipment

pytestmark = pytest.mark.django_db

PAGES = [
    "seller_dashboard:products",
    "seller_dashboard:product-new",
    "seller_dashboard:imports",
    "seller_dashboard:stock",
    "seller_dashboard:inbound",
    "seller_dashboard:livestreams",
    "seller_dashboard:orders",
    "seller_dashboard:balance",
]


def _png(colour: str = "red", size: tuple[int, int] = (640, 480)) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", size, colour).save(buffer, "PNG")
    return SimpleUploadedFile("photo.png", buffer.getvalue(), content_type="image/png")


@pytest.mark.parametrize("name", PAGES)
def test_anonymous_visitors_are_sent_to_log_in(client, name) -> None:  # type: ignore[no-untyped-def]
    response = client.get(reverse(name))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("seller_dashboard:login") + "?next=")


def test_a_buyer_who_is_no_seller_gets_403(as_user, make_user) -> None:  # type: ignore[no-untyped-def]
    client = as_user(make_user(email="just.a.buyer@example.com"))
    for name in PAGES:
        assert client.get(reverse(name)).status_code == 403, name


def test_logging_in_through_the_page_opens_the_products(client, shop) -> None:  # type: ignore[no-untyped-def]
    page = client.get(reverse("seller_dashboard:login"))
    assert page.status_code == 200 and b"csrfmiddlewaretoken" in page.content
    wrong = client.post(reverse("seller_dashboard:login"), {"username": "owner.a@example.com", "password": "nope"})
    assert wrong.status_code == 200 and b'class="error"' in wrong.content
    response = client.post(
        reverse("seller_dashboard:login"), {"username": "owner.a@example.com", "password": PASSWORD}, follow=True
    )
    assert response.redirect_chain[-1][0] == reverse("seller_dashboard:products")
    assert "Yiwu Goods" in response.content.decode()


@pytest.mark.parametrize("name", PAGES)
def test_each_page_opens_for_a_staff_member_in_a_handful_of_queries(  # type: ignore[no-untyped-def]
    as_user, shop, name, django_assert_max_num_queries
) -> None:
    client = as_user(shop.staff_a)
    with django_assert_max_num_queries(12):
        response = client.get(reverse(name))
    assert response.status_code == 200
    assert "Yiwu Goods" in response.content.decode()


def test_pages_show_only_the_members_own_seller(as_user, shop) -> None:  # type: ignore[no-untyped-def]
    client = as_user(shop.staff_a)
    products = client.get(reverse("seller_dashboard:products")).content.decode()
    assert shop.market.a_urc.sku in products and shop.market.b_urc.sku not in products
    stock = client.get(reverse("seller_dashboard:stock")).content.decode()
    assert shop.market.a_urc.sku in stock and shop.market.b_urc.sku not in stock
    orders = client.get(reverse("seller_dashboard:orders")).content.decode()
    assert shop.order.number in orders
    assert shop.market.a_urc.sku in orders and shop.market.b_urc.sku not in orders


def test_another_sellers_things_are_404(as_user, shop) -> None:  # type: ignore[no-untyped-def]
    theirs = shop.market.b_urc.product
    stream = stream_for(seller=shop.market.seller_b)
    catalog_import = CatalogImport.objects.create(seller=shop.market.seller_b, file="imports/x.csv")
    client = as_user(shop.staff_a)
    assert client.get(reverse("seller_dashboard:product", args=[theirs.pk])).status_code == 404
    assert client.post(reverse("seller_dashboard:product", args=[theirs.pk]), {"title": "Mine now"}).status_code == 404
    assert client.post(reverse("seller_dashboard:product-activate", args=[theirs.pk])).status_code == 404
    assert client.get(reverse("seller_dashboard:product-images-status", args=[theirs.pk])).status_code == 404
    upload = client.post(reverse("seller_dashboard:product-images", args=[theirs.pk]), {"image": _png()})
    assert upload.status_code == 404 and not ProductImage.objects.exists()
    assert client.get(reverse("seller_dashboard:import", args=[catalog_import.pk])).status_code == 404
    assert client.get(reverse("seller_dashboard:import-status", args=[catalog_import.pk])).status_code == 404
    assert client.get(reverse("seller_dashboard:livestream", args=[stream.pk])).status_code == 404
    assert client.post(reverse("seller_dashboard:livestream-action", args=[stream.pk, "end"])).status_code == 404
    theirs.refresh_from_db()
    stream.refresh_from_db()
    assert theirs.title != "Mine now" and stream.status == "live"


def test_product_search_and_paging_over_hundreds_of_skus(  # type: ignore[no-untyped-def]
    as_user, shop, django_assert_max_num_queries
) -> None:
    seller = shop.market.seller_a
    for number in range(60):
        VariantFactory(product=ProductFactory(seller=seller, title=f"Tea tin {number:03d}"), sku=f"TEA-{number:03d}")
    client = as_user(shop.staff_a)
    with django_assert_max_num_queries(12):
        first = client.get(reverse("seller_dashboard:products")).content.decode()
    assert "62 products" in first and "Page 1 of 3" in first
    third = client.get(reverse("seller_dashboard:products"), {"page": 3}).content.decode()
    assert "Page 3 of 3" in third
    found = client.get(reverse("seller_dashboard:products"), {"q": "TEA-04"}).content.decode()
    assert "10 products" in found and "Tea tin 041" in found and "Tea tin 051" not in found


def test_a_new_product_errors_sit_next_to_their_field_and_nothing_is_written(as_user, shop) -> None:  # type: ignore[no-untyped-def]
    client = as_user(shop.staff_a)
    before = Product.objects.count()
    taken = shop.market.a_urc.sku
    response = client.post(
        reverse("seller_dashboard:product-new"),
        {
            "title": "Silk scarf",
            "status": "draft",
            "origin_country": "CN",
            "hs_code": "621410",
            "variants-TOTAL_FORMS": "1",
            "variants-INITIAL_FORMS": "0",
            "variants-0-sku": taken,
            "variants-0-price": "99.50",
        },
    )
    assert response.status_code == 200
    assert Product.objects.count() == before
    variant_form = response.context["formset"].forms[0]
    assert "already used" in variant_form.errors["sku"][0]
    empty = client.post(
        reverse("seller_dashboard:product-new"),
        {"title": "", "status": "draft", "variants-TOTAL_FORMS": "1", "variants-INITIAL_FORMS": "0"},
    )
    assert "title" in empty.context["form"].errors
    assert 'id="id_title_error1"' in empty.content.decode()
    active = client.post(
        reverse("seller_dashboard:product-new"),
        {
            "title": "Silk scarf",
            "status": "active",
            "origin_country": "CN",
            "hs_code": "621410",
            "variants-TOTAL_FORMS": "1",
            "variants-INITIAL_FORMS": "0",
            "variants-0-sku": "SCARF-9",
            "variants-0-price": "99.50",
            "variants-0-is_active": "on",
        },
    )
    row = active.context["formset"].forms[0]
    assert row.errors["weight_kg"] == ["Required before the product can be active."]
    assert Product.objects.count() == before


def test_a_draft_lists_what_is_missing_and_activates_once_complete(as_user, shop) -> None:  # type: ignore[no-untyped-def]
    client = as_user(shop.owner_a)
    response = client.post(
        reverse("seller_dashboard:product-new"),
        {
            "title": "Silk scarf",
            "status": "draft",
            "origin_country": "CN",
            "variants-TOTAL_FORMS": "1",
            "variants-INITIAL_FORMS": "0",
            "variants-0-sku": "SCARF-1",
            "variants-0-price": "99.50",
            "variants-0-is_active": "on",
        },
    )
    assert response.status_code == 302
    product = Product.objects.get(title="Silk scarf")
    page = client.get(response["Location"]).content.decode()
    for missing in ("hs_code", "variants[SCARF-1].weight_kg", "variants[SCARF-1].height_cm"):
        assert missing in page
    refused = client.post(reverse("seller_dashboard:product-activate", args=[product.pk]), follow=True)
    assert "Not activated. Still missing: HS code, SCARF-1: Weight, kg" in refused.content.decode()
    product.refresh_from_db()
    assert product.status == ProductStatus.DRAFT
    variant = product.variants.get()
    saved = client.post(
        reverse("seller_dashboard:product", args=[product.pk]),
        {
            "title": "Silk scarf",
            "status": "draft",
            "origin_country": "CN",
            "hs_code": "621410",
            "variants-TOTAL_FORMS": "1",
            "variants-INITIAL_FORMS": "1",
            "variants-0-id": str(variant.pk),
            "variants-0-sku": "SCARF-1",
            "variants-0-price": "99.50",
            "variants-0-weight_kg": "0.1",
            "variants-0-length_cm": "20",
            "variants-0-width_cm": "20",
            "variants-0-height_cm": "1",
            "variants-0-is_active": "on",
        },
    )
    assert saved.status_code == 302
    done = client.post(reverse("seller_dashboard:product-activate", args=[product.pk]), follow=True)
    assert "The product is active" in done.content.decode()
    product.refresh_from_db()
    assert product.status == ProductStatus.ACTIVE


def test_an_image_upload_shows_its_thumbnail_and_a_bad_file_is_refused_by_the_field(  # type: ignore[no-untyped-def]
    as_user, shop, django_capture_on_commit_callbacks
) -> None:
    product = shop.market.a_urc.product
    client = as_user(shop.staff_a)
    url = reverse("seller_dashboard:product-images", args=[product.pk])
    bad = client.post(url, {"image": SimpleUploadedFile("x.png", b"not an image", content_type="image/png")})
    assert bad.status_code == 400 and bad.context["image_form"].errors["image"]
    assert not ProductImage.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"image": _png()})
    assert response.status_code == 302
    state = client.get(reverse("seller_dashboard:product-images-status", args=[product.pk])).json()
    assert state["images"][0]["status"] == "ready" and state["images"][0]["thumbnail"].endswith(".webp")
    page = client.get(reverse("seller_dashboard:product", args=[product.pk])).content.decode()
    assert state["images"][0]["thumbnail"] in page


CSV = (
    "sku,product_ref,title,category,price,hs_code,origin_country,weight_kg,length_cm,width_cm,height_cm,status\n"
    "CSV-1,CSV,Felt slippers,,45.00,640419,CN,0.4,30,12,10,active\n"
    "CSV-2,CSV,Felt slippers,,abc,640419,CN,0.4,30,12,10,active\n"
)


def test_a_csv_import_runs_and_its_row_errors_are_shown(  # type: ignore[no-untyped-def]
    as_user, shop, django_capture_on_commit_callbacks
) -> None:
    client = as_user(shop.staff_a)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("seller_dashboard:imports"), {"file": SimpleUploadedFile("slippers.csv", CSV.encode())}
        )
    assert response.status_code == 302
    state = client.get(response["Location"] + "status/").json()
    assert state["finished"] and state["percent"] == 100 and state["created"] == 1 and state["error_count"] == 1
    assert state["errors"][0]["row"] == 3 and state["errors"][0]["field"] == "price"
    page = client.get(response["Location"]).content.decode()
    assert 'aria-valuenow="100"' in page and "<td>price</td>" in page


def test_an_unusable_csv_is_refused_next_to_the_file_field(as_user, shop) -> None:  # type: ignore[no-untyped-def]
    client = as_user(shop.staff_a)
    response = client.post(reverse("seller_dashboard:imports"), {"file": SimpleUploadedFile("x.csv", b"colour,size\n")})
    assert response.status_code == 400 and response.context["form"].errors["file"]
    assert not CatalogImport.objects.exists()


def test_announcing_an_inbound_shipment_shows_incoming_stock(as_user, shop) -> None:  # type: ignore[no-untyped-def]
    client = as_user(shop.staff_a)
    sku = shop.market.a_urc.sku
    bad = client.post(reverse("seller_dashboard:inbound"), {"warehouse": "URC", "lines": f"{sku} many"})
    assert bad.status_code == 400 and "Line 1" in bad.context["form"].errors["lines"][0]
    theirs = client.post(
        reverse("seller_dashboard:inbound"), {"warehouse": "URC", "lines": f"{shop.market.b_urc.sku} 5"}
    )
    assert theirs.status_code == 400 and theirs.context["form"].errors["lines"]
    assert not InboundShipment.objects.exists()
    good = client.post(
        reverse("seller_dashboard:inbound"), {"warehouse": "URC", "seller_reference": "PO-7", "lines": f"{sku} 12"}
    )
    assert good.status_code == 302
    shipment = InboundShipment.objects.get()
    stock = client.get(reverse("seller_dashboard:stock"), {"warehouse": "URC"})
    row = next(row for row in stock.context["page"].object_list if row.sku == sku)
    assert row.incoming == 12
    client.post(reverse("seller_dashboard:inbound-in-transit", args=[shipment.pk]))
    shipment.refresh_from_db()
    assert shipment.status == "in_transit"


def test_a_livestream_is_scheduled_started_given_an_offer_pinned_and_ended(as_user, shop) -> None:  # type: ignore[no-untyped-def]
    client = as_user(shop.staff_a)
    start = timezone.now() + timedelta(days=1)
    fields = {
        "title": "Silk road live",
        "host": "Aziza",
        "language": "ru",
        "stream_url": "https://live.example.com/hls/silk.m3u8",
        "scheduled_start": start.strftime("%Y-%m-%dT%H:%M"),
        "scheduled_end": (start - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"),
    }
    refused = client.post(reverse("seller_dashboard:livestreams"), fields)
    assert refused.status_code == 400 and "scheduled_end" in refused.context["form"].errors
    fields["scheduled_end"] = (start + timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M")
    created = client.post(reverse("seller_dashboard:livestreams"), fields)
    assert created.status_code == 302
    stream = LiveStream.objects.get()
    action = lambda name: reverse("seller_dashboard:livestream-action", args=[stream.pk, name])  # noqa: E731
    client.post(action("start"))
    sku = shop.market.a_urc.sku
    too_dear = client.post(action("offer"), {"sku": sku, "live_price": "9999", "quantity_cap": 5, "per_buyer_limit": 1})
    assert too_dear.status_code == 400 and too_dear.context["offer_form"].errors
    client.post(action("offer"), {"sku": sku, "live_price": "300", "quantity_cap": 5, "per_buyer_limit": 1})
    client.post(action("pin"), {"sku": sku})
    stream.refresh_from_db()
    assert stream.status == "live" and stream.pinned_variant_id == shop.market.a_urc.pk
    page = client.get(reverse("seller_dashboard:livestream", args=[stream.pk])).content.decode()
    assert sku in page and "300.00" in page
    bad_replay = client.post(action("end"), {"replay_url": "ftp://example.com/replay"})
    assert bad_replay.status_code == 400 and bad_replay.context["end_form"].errors["replay_url"]
    client.post(action("end"), {"replay_url": ""})
    stream.refresh_from_db()
    assert stream.status == "ended"
    again = client.post(action("start"), follow=True)
    assert "current state (Ended)." in again.content.decode()


def test_balance_shows_the_sale_and_only_an_owner_may_set_up_payouts(as_user, shop) -> None:  # type: ignore[no-untyped-def]
    staff = as_user(shop.staff_a)
    page = staff.get(reverse("seller_dashboard:balance")).content.decode()
    (balance,) = seller_balance(seller=shop.market.seller_a)  # settled in the buyer's currency
    assert balance["payable"].amount > 0
    assert f"<dd>{money_text(balance['payable'])}</dd>" in page and "Only an owner" in page
    assert shop.order.number in page
    assert staff.post(reverse("seller_dashboard:payout-onboarding")).status_code == 403
    owner = as_user(shop.owner_a)
    response = owner.post(reverse("seller_dashboard:payout-onboarding"))
    assert response.status_code == 302
    shop.market.seller_a.refresh_from_db()
    assert shop.market.seller_a.payout_status == "enabled"


def test_every_form_needs_its_csrf_token(shop) -> None:  # type: ignore[no-untyped-def]
    client = Client(enforce_csrf_checks=True)
    client.force_login(shop.staff_a)
    response = client.post(reverse("seller_dashboard:inbound"), {"warehouse": "URC", "lines": "X 1"})
    assert response.status_code == 403
    assert client.post(reverse("seller_dashboard:language"), {"language": "ru"}).status_code == 403


@pytest.mark.parametrize(
    ("language", "heading", "separator"), [("ru", "Товары", ","), ("zh-hans", "商品", "."), ("en", "Products", ".")]
)
def test_the_language_switch_translates_pages_and_numbers(as_user, shop, language, heading, separator) -> None:  # type: ignore[no-untyped-def]
    client = as_user(shop.staff_a)
    switched = client.post(reverse("seller_dashboard:language"), {"language": language, "next": "/seller/balance/"})
    assert switched.status_code == 302 and switched["Location"] == "/seller/balance/"
    page = client.get(reverse("seller_dashboard:products")).content.decode()
    assert f'<html lang="{language}">' in page and f"<h1>{heading}</h1>" in page
    page = client.get(reverse("seller_dashboard:balance")).content.decode()
    (balance,) = seller_balance(seller=shop.market.seller_a)
    with translation.override(language):
        payable = money_text(balance["payable"])
    assert separator in payable[-7:] and f"<dd>{payable}</dd>" in page


def test_detail_pages_take_a_handful_of_queries(as_user, shop, django_assert_max_num_queries) -> None:  # type: ignore[no-untyped-def]
    seller = shop.market.seller_a
    stream = stream_for(seller=seller)
    client = as_user(shop.staff_a)
    client.post(
        reverse("seller_dashboard:livestream-action", args=[stream.pk, "offer"]),
        {"sku": shop.market.a_urc.sku, "live_price": "300", "quantity_cap": 5, "per_buyer_limit": 1},
    )
    catalog_import = CatalogImport.objects.create(seller=seller, file="imports/x.csv", status="done", total_rows=1)
    for url in (
        reverse("seller_dashboard:product", args=[shop.market.a_urc.product_id]),
        reverse("seller_dashboard:import", args=[catalog_import.pk]),
        reverse("seller_dashboard:import-status", args=[catalog_import.pk]),
        reverse("seller_dashboard:livestream", args=[stream.pk]),
    ):
        with django_assert_max_num_queries(12):
            assert client.get(url).status_code == 200, url
