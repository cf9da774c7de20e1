"""Indexes for the catalog's stock filters (``ship_to``, ``in_stock``; ADR 0014).

``product_status_reach_idx`` gives the active products in id order with their facet columns, so a
filtered count merges them with the stock's ``stock_available_product_idx`` (warehouses 0005)
from the two indexes alone; ``variant_retired_idx`` holds the few retired variants, whose stock
those filters leave out. Plain B-tree indexes (one partial): the same on PostgreSQL and SQLite.
"""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("marketplace", "0010_search_vector_cjk_grams"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="product",
            index=models.Index(
                fields=["status", "id", "category", "origin_country", "seller"], name="product_status_reach_idx"
            ),
        ),
        migrations.AddIndex(
            model_name="productvariant",
            index=models.Index(fields=["id"], condition=models.Q(is_active=False), name="variant_retired_idx"),
        ),
    ]
