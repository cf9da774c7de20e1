"""Bulk CSV imports of products and variants: the uploaded file, progress and per-row errors."""

import uuid
from typing import Any

from django.conf import settings
from django.db import models

from core.storage import private_storage
from sellers.models import Seller


class ImportStatus(models.TextChoices):
    QUEUED = "queued", "Queued"
    RUNNING = "running", "Running"
    DONE = "done", "Done"
    FAILED = "failed", "Failed"


def import_file_name(instance: Any, filename: str) -> str:
    """A name nobody can guess (the private storage has no URL anyway): imports/<seller>/<random>.csv."""
    return f"imports/{instance.seller_id}/{uuid.uuid4().hex}.csv"


class CatalogImport(models.Model):
    seller = models.ForeignKey(Seller, on_delete=models.CASCADE, related_name="catalog_imports")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # Private: served to the seller's members only (GET .../imports/{id}/file/), deleted after
    # IMPORT_FILE_RETENTION_DAYS (the name is then blank).
    file = models.FileField(upload_to=import_file_name, storage=private_storage, blank=True)
    original_filename = models.CharField(max_length=255, blank=True)
    status = models.CharField(max_length=8, choices=ImportStatus.choices, default=ImportStatus.QUEUED)
    total_rows = models.PositiveIntegerField(null=True, blank=True)
    processed_rows = models.PositiveIntegerField(default=0)
    created_count = models.PositiveIntegerField(default=0)
    updated_count = models.PositiveIntegerField(default=0)
    unchanged_count = models.PositiveIntegerField(default=0)
    error_count = models.PositiveIntegerField(default=0)
    # [{"row": 3, "field": "hs_code", "message": "..."}], capped (error_count has the full number).
    errors = models.JSONField(default=list, blank=True)
    failure_reason = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    # The run holding the ``running`` claim: its Celery task id. The broker delivers that task again
    # (same id) only once the run is over, so its redelivery takes the claim over at once
    # (marketplace/services/imports/runner.py, catalog_import_run).
    claimed_by = models.CharField(max_length=255, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"import {self.pk} ({self.status})"
