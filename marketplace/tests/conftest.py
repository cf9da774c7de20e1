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
