"""Shipping addresses: served countries only, required fields named, phones checked and normalised."""

from datetime import date

import pytest

from orders.addresses import address_normalize
from orders.exceptions import AddressInvalid
from orders.tests.factories import ALMATY_ADDRESS

TODAY = date(2026, 11, 1)


def test_valid_address_is_normalised() -> None:
    clean = address_normalize({**ALMATY_ADDRESS, "country": "kz"}, on=TODAY)
    assert clean["country"] == "KZ"
    assert clean["phone"] == "+77012345678"
    assert clean["line2"] == ""


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"country": "US"}, "shipping_address.country"),
        ({"country": "DE"}, "shipping_address.country"),
        ({"phone": "12345"}, "shipping_address.phone"),
        ({"phone": "+7 701 234"}, "shipping_address.phone"),
        ({"city": ""}, "shipping_address.city"),
        ({"recipient": None}, "shipping_address.recipient"),
        ({"line1": 42}, "shipping_address.line1"),
        ({"favourite_colour": "blue"}, "shipping_address"),
    ],
)
def test_invalid_address_names_the_field(change: dict, field: str) -> None:
    with pytest.raises(AddressInvalid) as caught:
        address_normalize({**ALMATY_ADDRESS, **change}, on=TODAY)
    assert field in caught.value.errors


def test_laos_is_served_only_since_the_tianjin_summit() -> None:
    address = {**ALMATY_ADDRESS, "country": "LA", "phone": "+856 20 5555 1234"}
    with pytest.raises(AddressInvalid):
        address_normalize(address, on=date(2025, 8, 31))
    assert address_normalize(address, on=date(2025, 9, 1))["country"] == "LA"
