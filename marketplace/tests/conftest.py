"""Callers of the catalog API: sellers A and B, A's staff, a buyer, a platform admin."""

from dataclasses import dataclass
from typing import Any

import pytest

from marketplace.services.categories import category_seed_defaults
from sellers.models import MemberRole
from sellers.tests.factories import SellerFactory, SellerMemberFactory, UserFactory


@dataclass
class Cast:
    seller_a: Any
    seller_b: Any
    owner_a: Any
    staff_a: Any
    owner_b: Any
    buyer: Any
    admin: Any


@pytest.fixture
def categories(db) -> None:  # type: ignore[no-untyped-def]
    category_seed_defaults()


@pytest.fixture
def cast(db, categories) -> Cast:  # type: ignore[no-untyped-def]
    owner_a, owner_b = UserFactory(email="owner-a@example.com"), UserFactory(email="owner-b@example.com")
    seller_a = SellerFactory(display_name="Yiwu Digital", country="CN", currency="CNY", owner=owner_a)
    seller_b = SellerFactory(display_name="Samarkand Orchards", country="UZ", currency="UZS", owner=owner_b)
    staff_a = UserFactory(email="staff-a@example.com")
    SellerMemberFactory(seller=seller_a, user=staff_a, role=MemberRole.STAFF)
    buyer = UserFactory(email="buyer@example.com")
    admin = UserFactory(email="admin@example.com", is_staff=True, is_superuser=True)
    return Cast(seller_a, seller_b, owner_a, staff_a, owner_b, buyer, admin)


def product_payload(**overrides: Any) -> dict[str, Any]:
    """A complete product (ready to be active) as a seller in China would send it."""
    payload: dict[str, Any] = {
        "title": "Electric kettle 1.7 l",
        "description": "Stainless steel, 2200 W",
        "category": "household",
        "hs_code": "851671",
        "origin_country": "CN",
        "status": "active",
        "variants": [
            {
                "sku": "KETTLE-17",
                "name": "standard",
                "price": {"amount": "89.00", "currency": "CNY"},
                "weight_kg": "1.100",
                "length_cm": "24.00",
                "width_cm": "18.00",
                "height_cm": "26.00",
            }
        ],
    }
    payload.update(overrides)
    return payload


# --- the buyers' catalog ----------------------------------------------------------------------


@pytest.fixture
def rates(db) -> None:  # type: ignore[no-untyped-def]
    """The offline exchange rates (1 USD = 7.20 CNY = 505 KZT = 12650 UZS ...)."""
    from core.services import exchange_rates_seed_offline

    exchange_rates_seed_offline()


@dataclass
class Shelf:
    """Four active products of three sellers in three currencies, stocked in three warehouses.

    kettle (CNY, 79/89, household, CN) at LYG · apricots (UZS 68000, food, UZ) at TAS ·
    flour (KZT 4500, food, KZ) at ALA · rice (UZS 30000, food, UZ) out of stock · a draft.
    Delivery estimates: to KZ from ALA 1–3 road, LYG 8–12 rail; to UZ from TAS 1–3 road,
    ALA 4–7 tir, LYG 10–16 rail.
    """

    kettle: Any
    apricots: Any
    flour: Any
    rice: Any
    draft: Any
    sellers: dict[str, Any]
    warehouses: dict[str, Any]


ESTIMATES = [
    ("ALA", "KZ", 1, 3, "road"),
    ("LYG", "KZ", 8, 12, "rail"),
    ("TAS", "UZ", 1, 3, "road"),
    ("ALA", "UZ", 4, 7, "tir"),
    ("LYG", "UZ", 10, 16, "rail"),
]


def money(amount: str, currency: str) -> Any:
    from djmoney.money import Money

    return Money(amount, currency)


@pytest.fixture
def shelf(rates, categories) -> Shelf:  # type: ignore[no-untyped-def]
    from decimal import Decimal

    from django.utils import timezone

    from marketplace.models import Category
    from marketplace.tests.factories import ProductFactory, VariantFactory
    from warehouses.tests.factories import WarehouseFactory, stock_with
    from warehouses.transport.models import DeliveryEstimate

    sellers = {
        "yiwu": SellerFactory(display_name="Yiwu Digital", country="CN", currency="CNY"),
        "samarkand": SellerFactory(display_name="Samarkand Orchards", country="UZ", currency="UZS"),
        "almaty": SellerFactory(display_name="Almaty Mills", country="KZ", currency="KZT"),
    }
    warehouses = {code: WarehouseFactory(code=code) for code in ("ALA", "LYG", "TAS")}
    for hub, country, low, high, mode in ESTIMATES:
        # update_or_create: in a transactional test, creating the hubs has already recomputed estimates.
        DeliveryEstimate.objects.update_or_create(
            origin_hub=warehouses[hub].hub,
            destination_country=country,
            defaults={
                "days_min": low,
                "days_max": high,
                "mode": mode,
                "usd_per_kg": Decimal("1.5000"),
                "computed_at": timezone.now(),
            },
        )
    household, food = Category.objects.get(slug="household"), Category.objects.get(slug="food")
    kettle = ProductFactory(
        seller=sellers["yiwu"],
        title="Electric kettle",
        description="Stainless steel, 2200 W",
        category=household,
        translations={"ru": {"title": "Электрочайник"}, "zh": {"title": "电水壶"}},
    )
    VariantFactory(product=kettle, sku="K-1", price=money("89.00", "CNY"))
    cheap = VariantFactory(product=kettle, sku="K-2", price=money("79.00", "CNY"))
    stock_with(variant=cheap, warehouse=warehouses["LYG"], on_hand=5)
    apricots = ProductFactory(seller=sellers["samarkand"], title="Dried apricots", category=food)
    stock_with(
        variant=VariantFactory(product=apricots, sku="SO-1", price=money("68000.00", "UZS")),
        warehouse=warehouses["TAS"],
        on_hand=7,
    )
    flour = ProductFactory(seller=sellers["almaty"], title="Wheat flour", category=food)
    stock_with(
        variant=VariantFactory(product=flour, sku="FL-1", price=money("4500.00", "KZT")),
        warehouse=warehouses["ALA"],
        on_hand=9,
    )
    rice = ProductFactory(seller=sellers["samarkand"], title="Devzira rice", category=food)
    VariantFactory(product=rice, sku="RI-1", price=money("30000.00", "UZS"))
    draft = ProductFactory(seller=sellers["yiwu"], title="Secret prototype", status="draft", category=household)
    VariantFactory(product=draft, sku="D-1", price=money("1.00", "CNY"))
    return Shelf(kettle, apricots, flour, rice, draft, sellers, warehouses)
