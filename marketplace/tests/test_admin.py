"""Platform staff find catalog things in the admin by SKU, seller and HS code."""

import pytest
from django.test import Client

from marketplace.tests.factories import ProductFactory, VariantFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client_logged_in(cast) -> Client:  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(cast.admin)
    return client


@pytest.mark.parametrize(
    ("path", "query", "finds"),
    [
        ("/admin/marketplace/product/", "KT-0001", "Kettle"),
        ("/admin/marketplace/product/", "851671", "Kettle"),
        ("/admin/marketplace/product/", "Yiwu", "Kettle"),
        ("/admin/marketplace/productvariant/", "KT-0001", "KT-0001"),
        ("/admin/sellers/seller/", "owner-a@example.com", "Yiwu Digital"),
        ("/admin/marketplace/catalogimport/", "", "0 catalog imports"),
        ("/admin/marketplace/category/", "household", "household"),
        ("/admin/sellers/sellermember/", "staff-a", "staff-a@example.com"),
        ("/admin/sellers/sellerinvitation/", "", "0 seller invitations"),
    ],
)
def test_admin_search(cast, admin_client_logged_in, path, query, finds) -> None:
    VariantFactory(product=ProductFactory(seller=cast.seller_a, title="Kettle", hs_code="851671"), sku="KT-0001")
    VariantFactory(product=ProductFactory(seller=cast.seller_b, title="Apricots", hs_code="081310"), sku="AP-1")
    response = admin_client_logged_in.get(path, {"q": query} if query else {})
    assert response.status_code == 200
    content = response.content.decode()
    assert finds in content
    if "product/" in path:
        assert "Apricots" not in content


def test_admin_product_page_with_inlines(cast, admin_client_logged_in) -> None:
    variant = VariantFactory(product=ProductFactory(seller=cast.seller_a))
    response = admin_client_logged_in.get(f"/admin/marketplace/product/{variant.product_id}/change/")
    assert response.status_code == 200 and variant.sku in response.content.decode()
