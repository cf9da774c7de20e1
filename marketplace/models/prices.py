"""Price history of variants: every list price a variant had, from when.

"Live discounts" must be real discounts: a live price has to be below the lowest price the variant
had over the last 30 days, which needs the prices it had, not only the one it has now. A row is
written whenever a variant's price changes, by any path (API, admin, CSV import, seeding).
"""

from django.db import models

from core.fields import money_field
from marketplace.models.catalog import ProductVariant


class VariantPriceChange(models.Model):
    variant = models.ForeignKey(ProductVariant, on_delete=models.CASCADE, related_name="price_history")
    price = money_field()
    effective_at = models.DateTimeField()

    class Meta:
        ordering = ["effective_at", "id"]
        indexes = [models.Index(fields=["variant", "effective_at"], name="variant_price_history_idx")]

    def __str__(self) -> str:
        return f"{self.variant_id}: {self.price} from {self.effective_at:%Y-%m-%d %H:%M}"
