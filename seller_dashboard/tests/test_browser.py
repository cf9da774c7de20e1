"""A seller in headless Chromium: a CSV import whose progress bar moves while a real Celery worker runs
it, an image that gets its thumbnail, and every page checked by axe-core and photographed on a phone
and at a desk.

The import's progress is made observable honestly: a real worker (its own process, on the broker)
runs the job in batches of two rows, and the test holds a row lock on a variant that the second batch
updates. The first batch commits and the bar shows it (50 %) while the job is running, blocked
on that lock; releasing the lock lets the job finish, and the bar reaches 100 % with the row errors.
"""

import io
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.db import transaction
from django.urls import reverse
from djmoney.money import Money
from PIL import Image

from config.celery import app as celery_app
from conftest import DESKTOP, PHONE, screenshot
from core.tests.workers import celery_worker_start, celery_worker_stop
from marketplace.models import CatalogImport, ImportStatus, ProductStatus, ProductVariant
from marketplace.services.livestreams import live_offer_set
from marketplace.tests.factories import ProductFactory, VariantFactory
from marketplace.tests.live_factories import stream_for
from seller_dashboard.tests.conftest import PASSWORD, shop_build
from sellers.tests.factories import SellerFactory
from warehouses.services import inbound_shipment_create

pytestmark = [
    pytest.mark.clock_free,
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.urls("seller_dashboard.tests.urls_with_media"),
]


def log_in(page: Any, email: str, next_url: str = "/seller/products/") -> None:
    """Through the dashboard's log-in page, as a person would."""
    page.goto(f"/seller/login/?next={next_url}")
    page.fill("#id_username", email)
    page.fill("#id_password", PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_url(f"**{next_url}")


def fits(page: Any, width: int) -> bool:
    """Nothing scrolls sideways: the document is no wider than the screen."""
    return page.evaluate("document.documentElement.scrollWidth") <= width + 1


def serious_violations(page: Any) -> list[str]:
    results = Axe().run(page)
    return [
        f"{violation['id']} ({violation['impact']}): {[node['target'] for node in violation['nodes']][:3]}"
        for violation in results.response["violations"]
        if violation["impact"] in ("serious", "critical")
    ]


# --- a real Celery worker for this module (started once, only by the tests that need it)


@pytest.fixture(scope="module")
def worker_process(django_db_setup, django_db_blocker) -> Iterator[str]:  # type: ignore[no-untyped-def]
    """``celery worker`` in its own process on a private queue, against this run's test database and media."""
    # Batches of two rows, so a four-row file commits its progress twice.
    queue, worker = celery_worker_start(prefix="karavan-dashboard", IMPORT_BATCH_SIZE="2")
    try:
        yield queue
    finally:
        celery_worker_stop(worker)


@pytest.fixture
def on_worker(worker_process: str) -> Iterator[str]:
    """Tasks go to the broker (not run in-process) and onto the worker's queue, for this test only."""
    eager, queue = celery_app.conf.task_always_eager, celery_app.conf.task_default_queue
    celery_app.conf.task_always_eager = False
    celery_app.conf.task_default_queue = worker_process
    try:
        yield worker_process
    finally:
        celery_app.conf.task_always_eager = eager
        celery_app.conf.task_default_queue = queue


@pytest.fixture
def seller(make_user):  # type: ignore[no-untyped-def]
    owner = make_user(email="owner@example.com", password=PASSWORD)
    seller = SellerFactory(display_name="Kashgar Felt", owner=owner)
    gate = VariantFactory(product=ProductFactory(seller=seller, title="Felt boots"), sku="GATE-1")
    return {"seller": seller, "owner": owner, "gate": gate}


COLUMNS = "sku,product_ref,title,category,price,hs_code,origin_country,weight_kg,length_cm,width_cm,height_cm,status"
CSV = "\n".join(
    [
        COLUMNS,
        "NEW-1,SLIPPERS,Felt slippers,,45.00,640419,CN,0.4,30,12,10,active",  # batch 1: created
        "NEW-2,SLIPPERS,Felt slippers,,abc,640419,CN,0.4,30,12,10,active",  # batch 1: row 3, bad price
        "GATE-1,,Felt boots,,120.00,851671,CN,1.2,30,20,10,active",  # batch 2: waits for the test's lock
        "NEW-3,HAT,Felt hat,,30.00,650500,CN,heavy,30,30,15,active",  # batch 2: row 5, bad weight
    ]
).encode()


@pytest.mark.postgres
@pytest.mark.worker
def test_a_seller_imports_a_csv_and_watches_the_progress_bar_finish(new_page, seller, on_worker) -> None:  # type: ignore[no-untyped-def]
    page = new_page(viewport=DESKTOP)
    log_in(page, "owner@example.com", "/seller/imports/")
    with transaction.atomic():
        # Hold the variant the second batch must update: the job stops there, half done.
        ProductVariant.objects.select_for_update().get(pk=seller["gate"].pk)
        page.set_input_files("#id_file", files=[{"name": "felt.csv", "mimeType": "text/csv", "buffer": CSV}])
        page.click("main form button.primary")
        page.wait_for_url("**/seller/imports/*/")
        # Every value the bar takes from now on, as the page's script sets it.
        page.evaluate(
            """() => {
                const bar = document.getElementById('import-progress');
                window.seen = [bar.getAttribute('aria-valuenow')];
                new MutationObserver(() => window.seen.push(bar.getAttribute('aria-valuenow')))
                    .observe(bar, {attributes: true, attributeFilter: ['aria-valuenow']});
            }"""
        )
        page.wait_for_function("document.getElementById('import-progress').getAttribute('aria-valuenow') === '50'")
        assert page.inner_text("#import-status") == "Importing"
        assert page.inner_text("#import-processed") == "2" and page.inner_text("#import-total") == "4"
        assert page.is_hidden("#import-errors-section")
        screenshot(page, "seller-import-running-desktop")
        assert CatalogImport.objects.get().status == ImportStatus.RUNNING
    page.wait_for_function("document.getElementById('import-progress').getAttribute('aria-valuenow') === '100'")
    page.wait_for_selector("#import-errors tr")
    assert page.inner_text("#import-status") == "Finished"
    seen = [int(value) for value in page.evaluate("window.seen")]
    assert 50 in seen and seen[-1] == 100 and seen == sorted(seen)
    rows = [row.split("\t") for row in page.inner_text("#import-errors").splitlines()]
    assert [(row[0], row[1]) for row in rows] == [("3", "price"), ("5", "weight_kg")]
    assert page.inner_text("#import-created") == "1" and page.inner_text("#import-updated") == "1"
    seller["gate"].refresh_from_db()
    assert seller["gate"].price == Money(Decimal("120.00"), "CNY")
    screenshot(page, "seller-import-finished-desktop")


@pytest.mark.postgres
@pytest.mark.worker
def test_a_seller_uploads_an_image_and_sees_its_thumbnail(new_page, seller, on_worker) -> None:  # type: ignore[no-untyped-def]
    product = seller["gate"].product
    page = new_page(viewport=PHONE)
    url = reverse("seller_dashboard:product", args=[product.pk])
    log_in(page, "owner@example.com", url)
    buffer = io.BytesIO()
    Image.new("RGB", (900, 700), (180, 40, 40)).save(buffer, "JPEG")
    page.set_input_files(
        "#id_image", files=[{"name": "boots.jpg", "mimeType": "image/jpeg", "buffer": buffer.getvalue()}]
    )
    page.click("#images button[type=submit]")
    page.wait_for_url(f"**{url}#images")
    thumbnail = page.locator("ul.images li img")
    thumbnail.wait_for()
    page.wait_for_function("document.querySelector('ul.images li img').naturalWidth > 0")
    assert thumbnail.get_attribute("src").endswith(".webp")
    assert thumbnail.get_attribute("alt") == "Felt boots, image 1"
    page.wait_for_function("document.querySelector('ul.images .image-status').textContent.trim() === 'Ready'")
    assert fits(page, PHONE["width"])
    screenshot(page, "seller-product-image-phone")


# --- every page: axe-core finds nothing serious, it fits a phone, and a screenshot at both widths


def _dashboard_data(make_user: Any, client_for: Any) -> dict[str, Any]:
    shop = shop_build(make_user, client_for)
    seller = shop.market.seller_a
    draft = ProductFactory(seller=seller, title="Silk scarf", status=ProductStatus.DRAFT, hs_code="")
    VariantFactory(product=draft, sku="SCARF-1", weight_kg=None)
    inbound_shipment_create(
        seller=seller, warehouse_code="URC", lines=[(shop.market.a_urc.sku, 12)], seller_reference="PO-7"
    )
    stream = stream_for(seller=seller, title="Silk road live")
    live_offer_set(stream=stream, sku=shop.market.a_urc.sku, live_price=Money(Decimal("300.00"), "CNY"), quantity_cap=5)
    catalog_import = CatalogImport.objects.create(
        seller=seller,
        file="imports/felt.csv",
        original_filename="felt.csv",
        status=ImportStatus.DONE,
        total_rows=4,
        processed_rows=4,
        created_count=2,
        error_count=1,
        errors=[{"row": 3, "field": "price", "message": "Not a number."}],
    )
    return {"shop": shop, "draft": draft, "stream": stream, "import": catalog_import}


def test_every_dashboard_page_passes_axe_and_fits_a_phone(new_page, make_user, client_for) -> None:  # type: ignore[no-untyped-def]
    data = _dashboard_data(make_user, client_for)
    pages = {
        "products": reverse("seller_dashboard:products"),
        "product": reverse("seller_dashboard:product", args=[data["draft"].pk]),
        "product-new": reverse("seller_dashboard:product-new"),
        "imports": reverse("seller_dashboard:imports"),
        "import": reverse("seller_dashboard:import", args=[data["import"].pk]),
        "stock": reverse("seller_dashboard:stock"),
        "inbound": reverse("seller_dashboard:inbound"),
        "livestreams": reverse("seller_dashboard:livestreams"),
        "livestream": reverse("seller_dashboard:livestream", args=[data["stream"].pk]),
        "orders": reverse("seller_dashboard:orders"),
        "balance": reverse("seller_dashboard:balance"),
    }
    problems: dict[str, list[str]] = {}
    for viewport, locale, label in ((DESKTOP, "en", "desktop"), (PHONE, "ru", "phone-ru")):
        page = new_page(viewport=viewport, locale=locale)
        log_in(page, "staff.a@example.com")
        for name, url in pages.items():
            page.goto(url)
            found = serious_violations(page)
            if found:
                problems[f"{name} ({label})"] = found
            if viewport is PHONE:
                assert fits(page, PHONE["width"]), f"{name} scrolls sideways on a phone"
            screenshot(page, f"seller-{name}-{label}")
    assert problems == {}
    # A form sent with mistakes shows each error by its field, in the reader's language.
    page.goto(pages["inbound"])
    page.fill("#id_lines", "SKU many")
    page.click("main form button.primary")
    assert "Строка 1" in page.inner_text("#id_lines_error1")
    assert page.get_attribute("#id_lines", "aria-invalid") == "true"
    assert serious_violations(page) == []
    screenshot(page, "seller-inbound-error-phone-ru")
    # The language switcher turns the page into Chinese.
    page.select_option("#language-select", "zh-hans")
    page.click(".language button")
    page.wait_for_selector("h1:has-text('入库货件')")
    screenshot(page, "seller-inbound-phone-zh")
