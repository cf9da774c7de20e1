"""The factories other apps rely on build consistent sellers, products and variants."""

import pytest

from marketplace.tests.factories import VariantFactory
from sellers.selectors import seller_for_user
from sellers.tests.factories import SellerFactory, UserFactory


@pytest.mark.django_db
def test_factories_build_a_buyable_variant_and_an_owned_seller() -> None:
    variant = VariantFactory()
    assert variant.seller == variant.product.seller
    assert variant.price.currency.code == variant.seller.currency
    assert variant.volume_m3 is not None and variant.volume_m3 > 0
    user = UserFactory()
    seller = SellerFactory(owner=user)
    assert seller_for_user(user=user) == seller
    assert seller_for_user(user=UserFactory()) is None
