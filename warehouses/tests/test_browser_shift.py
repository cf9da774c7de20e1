"""A shift at Almaty in headless Chromium: receive a short delivery by scanning, pick and pack with
scan-to-confirm, dispatch a TIR truck and a local parcel, print the pick list and the manifest; on a
phone (375 px) and at 1366 px, with screenshots of every page (var/screenshots)."""

from typing import Any

import pytest
from django.urls import reverse

from conftest import DESKTOP, PHONE, screenshot
from marketplace.tests.factories import ProductFactory, VariantFactory
from warehouses.models import InboundShipment, InboundStatus, OutboundShipment, OutboundStatus
from warehouses.services import (
    inbound_shipment_create,
    outbound_shipment_pack,
    outbound_shipment_pick,
    outbound_shipment_release,
    outbound_shipment_set_departure,
    staff_assign,
    stock_settings_update,
)
from warehouses.tests.factories import WarehouseFactory, shipment_for, stock_with
from warehouses.tests.test_documents import departure_unit

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "steppe-Wind-2026"


def log_in(page: Any, email: str, next_url: str) -> None:
    """Through the admin's own login form, as a person would."""
    page.goto(f"/admin/login/?next={next_url}")
    page.fill("#id_username", email)
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_url(f"**{next_url}")


def scan_ready(page: Any) -> None:
    """After a navigation the scan field exists before the deferred scan script has set it up: a
    code typed then would be lost, and the step buttons are not gated yet (without JavaScript the
    form works by typing counts). The script marks its page once scans count."""
    page.wait_for_selector("[data-kv-scan-mode][data-kv-ready]", state="attached")


def scan(page: Any, code: str) -> None:
    scan_ready(page)
    page.fill("#kv-scan", code)
    page.press("#kv-scan", "Enter")


def fits(page: Any, width: int) -> bool:
    """Nothing scrolls sideways: the document is no wider than the screen."""
    return page.evaluate("document.documentElement.scrollWidth") <= width + 1


@pytest.fixture
def almaty(make_user):  # type: ignore[no-untyped-def]
    ala = WarehouseFactory(code="ALA", name="Almaty", city="Almaty", country="KZ")
    staff = make_user(email="staff.ala@example.com", password=PASSWORD)
    staff_assign(user=staff, warehouse=ala)
    flask = ProductFactory(title="Vacuum flask 500 ml")
    big = VariantFactory(product=flask, sku="YH-THERMOS-1000", name="1 l", barcode="4006381333931")
    small = VariantFactory(product=flask, sku="YH-THERMOS-500", name="500 ml")
    delivery = inbound_shipment_create(
        seller=flask.seller, warehouse_code="ALA", lines=[("YH-THERMOS-1000", 4), ("YH-THERMOS-500", 2)]
    )
    stocks = {
        "big": stock_with(variant=big, warehouse=ala, on_hand=20),
        "small": stock_with(variant=small, warehouse=ala, on_hand=20),
    }
    stock_settings_update(stock=stocks["big"], bin_location="B-07-2", low_stock_threshold=30)
    stock_settings_update(stock=stocks["small"], bin_location="A-02-1")
    truck = shipment_for(stock=stocks["big"], quantity=2, reference="KRV-2026-000101", mode="tir")
    outbound_shipment_release(shipment=truck)
    outbound_shipment_set_departure(shipment=truck, departure_unit=departure_unit("ALA"))
    parcel = shipment_for(stock=stocks["small"], quantity=1, reference="KRV-2026-000102", mode="road")
    for step in (outbound_shipment_release, outbound_shipment_pick, outbound_shipment_pack):
        step(shipment=parcel)
    return {"delivery": delivery, "truck": truck, "parcel": parcel}


def test_an_almaty_shift_on_a_phone_and_at_a_desk(new_page, almaty) -> None:  # type: ignore[no-untyped-def]
    delivery, truck, parcel = almaty["delivery"], almaty["truck"], almaty["parcel"]
    phone = new_page(viewport=PHONE)
    inbound_list = reverse("admin:warehouses_inboundshipment_changelist")
    log_in(phone, "staff.ala@example.com", inbound_list)
    screenshot(phone, "staff-inbound-list-phone")

    # Receive a short delivery: two SKUs scanned (one by its EAN), one unit missing.
    phone.click("a.kv-receive-link")
    phone.wait_for_selector("#kv-scan")
    assert fits(phone, PHONE["width"])
    for code in ("YH-THERMOS-1000", "YH-THERMOS-1000", "4006381333931", "YH-THERMOS-500", "YH-THERMOS-500"):
        scan(phone, code)
    assert "YH-THERMOS-500: 2 counted" in phone.inner_text("[data-kv-message]")
    assert "short 1" in phone.inner_text("body")
    screenshot(phone, "staff-receive-scanning-phone")
    phone.click("button[name=close]")
    phone.wait_for_selector("text=Received with a discrepancy")
    screenshot(phone, "staff-receive-done-phone")
    delivery = InboundShipment.objects.get(pk=delivery.pk)
    assert delivery.status == InboundStatus.DISCREPANCY
    assert delivery.lines.get(variant__sku="YH-THERMOS-1000").quantity_received == 3

    # Pick and pack the TIR shipment, every unit confirmed by a scan.
    shipment_url = reverse("admin:warehouses_outboundshipment_change", args=[truck.pk])
    phone.goto(shipment_url)
    scan_ready(phone)
    pick = phone.locator("button[data-kv-requires-all]")
    assert pick.is_disabled()
    screenshot(phone, "staff-shipment-pick-phone")
    scan(phone, "YH-THERMOS-1000")
    assert pick.is_disabled()  # 1 of 2
    scan(phone, "YH-THERMOS-1000")
    assert pick.is_enabled()
    pick.click()
    phone.wait_for_selector("#kv-status:has-text('Picked')")
    for _ in range(2):
        scan(phone, "4006381333931")
    phone.fill("#id_weight_kg", "1.9")
    screenshot(phone, "staff-shipment-pack-phone")
    phone.click("button[data-kv-requires-all]")
    phone.wait_for_selector("#kv-status:has-text('Packed')")

    # Dispatch it under a TIR carnet with two customs seals.
    assert phone.is_visible("text=TIR carnet number")
    phone.fill("#id_carrier_ref", "XA 12345678")
    phone.fill("[data-kv-seals] input", "KZ-0042")
    scan_ready(phone)  # the second seal's field is added by the script
    phone.click("[data-kv-add-seal]")
    phone.locator("[data-kv-seals] input").nth(1).fill("KZ-0043")
    screenshot(phone, "staff-shipment-dispatch-tir-phone")
    phone.click(".kv-steps button")
    phone.wait_for_selector("#kv-status:has-text('Dispatched')")
    assert phone.locator(".kv-seals li").all_inner_texts() == ["KZ-0042", "KZ-0043"]
    assert fits(phone, PHONE["width"])
    screenshot(phone, "staff-shipment-dispatched-phone")
    truck = OutboundShipment.objects.get(pk=truck.pk)
    assert (truck.status, truck.carrier_ref, truck.seal_numbers) == (
        OutboundStatus.DISPATCHED,
        "XA 12345678",
        ["KZ-0042", "KZ-0043"],
    )

    # The departure's manifest is one click away, and prints.
    with phone.context.expect_page() as opened:
        phone.click("text=Print manifest")
    manifest = opened.value
    manifest.wait_for_load_state()
    assert "KRV-2026-000101" in manifest.inner_text("body") and "XA 12345678" in manifest.inner_text("body")
    screenshot(manifest, "staff-manifest-phone")

    # A local parcel goes to a courier with a tracking number: no carnet, no seals.
    phone.goto(reverse("admin:warehouses_outboundshipment_change", args=[parcel.pk]))
    assert phone.is_visible("text=Courier tracking number") and not phone.is_visible("text=TIR carnet number")
    phone.fill("#id_carrier_ref", "CD123456789KZ")
    phone.fill("#id_carrier_name", "CDEK")
    screenshot(phone, "staff-shipment-dispatch-parcel-phone")
    phone.click(".kv-steps button")
    phone.wait_for_selector("#kv-status:has-text('Dispatched')")
    assert OutboundShipment.objects.get(pk=parcel.pk).carrier_ref == "CD123456789KZ"

    # The pick list prints in bin order.
    with phone.context.expect_page() as opened:
        phone.click("text=Print pick list")
    pick_list = opened.value
    pick_list.wait_for_load_state()
    screenshot(pick_list, "staff-pick-list-phone")

    # The same pages at a desk (1366 px): the print links are on screen without scrolling sideways.
    desk = new_page(viewport=DESKTOP)
    outbound_list = reverse("admin:warehouses_outboundshipment_changelist")
    log_in(desk, "staff.ala@example.com", outbound_list)
    link = desk.locator("#result_list a:has-text('pick list')").first
    box = link.bounding_box()
    assert box is not None and box["x"] + box["width"] <= DESKTOP["width"]
    screenshot(desk, "staff-outbound-list-desktop")
    phone.goto(outbound_list)
    screenshot(phone, "staff-outbound-list-phone")
    pages = {
        "inbound-list": inbound_list,
        "receive": reverse("admin:warehouses_inbound_receive", args=[delivery.pk]),
        "shipment": shipment_url,
        "stock-list": reverse("admin:warehouses_stock_changelist"),
        "low-stock": reverse("admin:warehouses_stock_low"),
        "pick-list": reverse("admin:warehouses_outbound_pick_list", args=[truck.pk]),
        "manifest": reverse("admin:warehouses_outbound_manifest", args=[truck.departure_unit.departure_id]),
    }
    for name, url in pages.items():
        desk.goto(url)
        screenshot(desk, f"staff-{name}-desktop")
    for name in ("stock-list", "low-stock"):
        phone.goto(pages[name])
        assert fits(phone, PHONE["width"]), name
        screenshot(phone, f"staff-{name}-phone")
    assert "YH-THERMOS-1000" in desk.inner_text("body")
