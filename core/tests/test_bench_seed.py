"""`make bench`'s seed loads into the current schema (it broke once when a column was added).

The seed writes with COPY and names every column, so a new NOT NULL column without a default in
products, variants, stock or images fails here, in `make test`, instead of in the next `make bench`.
"""

import random

import pytest

from bench.bench_catalog import seed
from marketplace.models import Product, ProductImage, ProductStatus, ProductVariant
from warehouses.models import Stock

# VACUUM ANALYZE (the seed's last step) cannot run inside a transaction: a real commit per statement.
pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True), pytest.mark.clock_free]


def test_the_bench_seed_loads_a_catalog_buyers_can_browse(client) -> None:  # type: ignore[no-untyped-def]
    seed(products=40, sellers=4, rng=random.Random(16))
    assert Product.objects.count() == 40
    active = Product.objects.filter(status=ProductStatus.ACTIVE).count()
    assert active >= 30  # a few drafts, as sellers have
    assert ProductVariant.objects.count() >= 40
    assert Stock.objects.count() >= ProductVariant.objects.count()
    assert ProductImage.objects.count() == 40
    page = client.get("/api/v1/products/")
    assert page.status_code == 200, page.content
    assert page.json()["count"] == active  # the seeded rows are what the buyers' catalog lists
