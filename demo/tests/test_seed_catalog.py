"""The catalog demo step: 12 sellers, every product with an image, and a second run changes nothing."""

import pytest

from accounts.models import User
from demo import seed_catalog
from marketplace.models import CatalogImport, Product, ProductImage, ProductVariant
from sellers.models import Seller


@pytest.mark.django_db
def test_seed_catalog_is_complete_and_idempotent(django_capture_on_commit_callbacks) -> None:
    lines: list[str] = []
    with django_capture_on_commit_callbacks(execute=True):
        seed_catalog.run(log=lines.append)
    assert Seller.objects.count() == 12
    assert set(Seller.objects.values_list("country", flat=True)) == {"CN", "UZ", "KG", "KZ", "RU"}
    assert set(Seller.objects.values_list("payout_status", flat=True)) == {"enabled"}
    assert (Product.objects.count(), ProductVariant.objects.count()) == (38, 45)
    assert Product.objects.filter(status="active").count() == 38
    assert ProductImage.objects.filter(status="ready").count() == 38
    cherries = Product.objects.get(variants__sku="SO-CHERRY-5")
    assert (cherries.perishable, cherries.temperature_min_c, cherries.temperature_max_c) == (True, 0, 4)
    assert cherries.translations["ru"]["title"].startswith("Черешня")
    assert User.objects.get(email="yiwu-digital@sellers.karavan.local").check_password("karavan-seller")
    assert any("yiwu-digital@sellers.karavan.local / karavan-seller" in line for line in lines)

    snapshot = list(ProductVariant.objects.order_by("pk").values_list("pk", "updated_at"))
    with django_capture_on_commit_callbacks(execute=True):
        seed_catalog.run(log=lines.append)
    assert list(ProductVariant.objects.order_by("pk").values_list("pk", "updated_at")) == snapshot
    assert ProductImage.objects.count() == 38 and Seller.objects.count() == 12
    assert set(CatalogImport.objects.values_list("status", flat=True)) == {"done"}
