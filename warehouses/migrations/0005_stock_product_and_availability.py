"""Each stock row names its variant's product and whether it has available units (ADR 0014).

``product`` is added nullable, filled from the variants in one ``UPDATE`` (SQL that PostgreSQL and
SQLite both run), then made required; a variant never changes product, so the copy stays right.
``is_available`` is a stored generated column (``on_hand > reserved``), computed by the database
for existing rows too. The catalog's partial index on it comes last, built once over the filled
table.
"""

import django.db.models.deletion
import django.db.models.lookups
from django.db import migrations, models

BACKFILL_SQL = (
    "UPDATE warehouses_stock SET product_id = ("
    "SELECT marketplace_productvariant.product_id FROM marketplace_productvariant "
    "WHERE marketplace_productvariant.id = warehouses_stock.variant_id)"
)


def product_backfill(apps, schema_editor):
    schema_editor.execute(BACKFILL_SQL)


class Migration(migrations.Migration):
    dependencies = [
        ("marketplace", "0011_catalog_stock_filter_indexes"),
        ("warehouses", "0004_staff_admin_bins_counts_damage"),
    ]

    operations = [
        migrations.AddField(
            model_name="stock",
            name="product",
            field=models.ForeignKey(
                editable=False,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="stock_levels",
                to="marketplace.product",
                verbose_name="product",
            ),
        ),
        migrations.RunPython(product_backfill, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="stock",
            name="product",
            field=models.ForeignKey(
                editable=False,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="stock_levels",
                to="marketplace.product",
                verbose_name="product",
            ),
        ),
        migrations.AddField(
            model_name="stock",
            name="is_available",
            field=models.GeneratedField(
                db_persist=True,
                expression=django.db.models.lookups.GreaterThan(models.F("on_hand"), models.F("reserved")),
                output_field=models.BooleanField(),
                verbose_name="available",
            ),
        ),
        migrations.AddIndex(
            model_name="stock",
            index=models.Index(
                condition=models.Q(("is_available", True)),
                fields=["product", "warehouse", "variant"],
                name="stock_available_product_idx",
            ),
        ),
    ]
