"""Product images: the cleaned original and its thumbnails, all stored through Django's storage API."""

from django.db import models

from marketplace.models.catalog import Product

THUMBNAIL_SIZES = {"small": 160, "medium": 480, "large": 1200}


class ImageStatus(models.TextChoices):
    PROCESSING = "processing", "Processing"
    READY = "ready", "Ready"
    FAILED = "failed", "Failed"


class ProductImage(models.Model):
    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="images")
    position = models.PositiveSmallIntegerField(default=0)
    # Storage names (not URLs): the original re-encoded without metadata, and per size
    # ``{"small": {"webp": name, "jpeg": name}, ...}`` once the thumbnail task has run.
    original = models.CharField(max_length=255, blank=True)
    # The upload as it came in (private storage, may carry metadata) until the task has decoded
    # it into ``original``; blank afterwards.
    source = models.CharField(max_length=255, blank=True)
    thumbnails = models.JSONField(default=dict, blank=True)
    format = models.CharField(max_length=8, help_text="Decoded format of the upload: JPEG, PNG or WEBP.")
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()
    status = models.CharField(max_length=12, choices=ImageStatus.choices, default=ImageStatus.PROCESSING)
    failure_reason = models.CharField(max_length=255, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return f"image {self.pk} of product {self.product_id}"

    def private_names(self) -> list[str]:
        """Files this image owns in the private storage (the upload not yet processed)."""
        return [self.source] if self.source else []

    def storage_names(self) -> list[str]:
        """Every file this image owns in storage (for deletion)."""
        names = [self.original] if self.original else []
        for formats in (self.thumbnails or {}).values():
            names.extend(name for name in formats.values() if name)
        return names
