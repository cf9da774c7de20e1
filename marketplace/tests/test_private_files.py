"""Sellers' import files stay private (issue 17, item 3): out of MEDIA_ROOT, under a name nobody can
guess, served only to the seller's own members through the app, deleted after the retention period."""

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import time_machine
from django.conf import settings
from django.core.files.storage import default_storage, storages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction

from config.celery import app as celery_app
from marketplace.models import CatalogImport
from marketplace.services.imports import catalog_import_files_purge

pytestmark = pytest.mark.django_db

URL = "/api/v1/seller/imports/"
CSV = b"sku,title\r\nPRIVATE-1,Price list we keep to ourselves\r\n"
CLOCK = datetime(2026, 12, 2, 9, 0, tzinfo=UTC)


def _upload(client, capture, data: bytes = CSV) -> CatalogImport:  # type: ignore[no-untyped-def]
    with capture(execute=True):
        response = client.post(URL, {"file": SimpleUploadedFile("prices-2026.csv", data)}, format="multipart")
    assert response.status_code == 202, response.content
    return CatalogImport.objects.get(pk=response.json()["id"])


def test_an_import_file_is_stored_privately_under_a_name_nobody_can_guess(
    cast, client_for, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    catalog_import = _upload(client_for(cast.owner_a), django_capture_on_commit_callbacks)
    name = catalog_import.file.name
    assert catalog_import.file.storage is storages["private"]
    assert name.startswith(f"imports/{cast.seller_a.pk}/") and "catalog" not in name and len(name) > 40
    stored = Path(storages["private"].path(name))
    assert stored.read_bytes() == CSV
    assert not stored.resolve().is_relative_to(Path(settings.MEDIA_ROOT).resolve())
    assert not default_storage.exists(name)
    with pytest.raises(ValueError, match="no public URL"):
        catalog_import.file.url  # noqa: B018 (nothing can link to it)


def test_only_the_sellers_members_download_the_file_through_the_app(
    cast, client_for, api_client, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    catalog_import = _upload(client_for(cast.owner_a), django_capture_on_commit_callbacks)
    file_url = client_for(cast.owner_a).get(f"{URL}{catalog_import.pk}/").json()["file_url"]
    assert file_url == f"{URL}{catalog_import.pk}/file/"

    for member in (cast.owner_a, cast.staff_a):
        response = client_for(member).get(file_url)
        assert response.status_code == 200
        assert b"".join(response.streaming_content) == CSV
        assert response["Content-Type"].startswith("text/csv")
        assert response["Content-Disposition"] == 'attachment; filename="prices-2026.csv"'
        assert response["Cache-Control"] == "private, no-store"

    assert client_for(cast.owner_b).get(file_url).status_code == 404  # another seller
    assert client_for(cast.buyer).get(file_url).status_code == 403
    assert api_client.get(file_url).status_code == 401


def test_import_files_are_deleted_after_the_retention_period(
    cast, client_for, django_capture_on_commit_callbacks, settings
) -> None:  # type: ignore[no-untyped-def]
    settings.IMPORT_FILE_RETENTION_DAYS = 30
    client = client_for(cast.owner_a)
    with time_machine.travel(CLOCK, tick=False) as clock:
        old = _upload(client, django_capture_on_commit_callbacks)
        clock.move_to(CLOCK + timedelta(days=20))
        recent = _upload(client, django_capture_on_commit_callbacks)
        old.refresh_from_db()
        assert old.status == "done" and recent.finished_at is not None
        old_name, recent_name = old.file.name, recent.file.name

        clock.move_to(CLOCK + timedelta(days=30, hours=1))
        with django_capture_on_commit_callbacks(execute=True):
            assert catalog_import_files_purge() == 1
        with django_capture_on_commit_callbacks(execute=True):
            assert catalog_import_files_purge() == 0  # a second run finds nothing

    private = storages["private"]
    assert not private.exists(old_name) and private.exists(recent_name)
    old.refresh_from_db()
    assert old.file.name == "" and old.processed_rows == 1  # the import's record stays
    gone = client.get(f"{URL}{old.pk}/file/")
    assert gone.status_code == 404 and gone.json()["code"] == "file_deleted"
    assert client.get(f"{URL}{old.pk}/").json()["file_url"] is None


def test_the_purge_also_removes_files_left_in_public_media_by_earlier_versions(
    cast, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    legacy = default_storage.save("imports/2026/10/catalog.csv", SimpleUploadedFile("catalog.csv", CSV))
    with transaction.atomic():
        CatalogImport.objects.create(
            seller=cast.seller_a, file=legacy, status="done", finished_at=CLOCK - timedelta(days=60)
        )
    with time_machine.travel(CLOCK, tick=False), django_capture_on_commit_callbacks(execute=True):
        assert catalog_import_files_purge() == 1
    assert not default_storage.exists(legacy)


def test_the_purge_runs_daily_on_every_beat() -> None:
    entry = settings.CELERY_BEAT_SCHEDULE["purge-private-files"]
    assert entry["schedule"] == timedelta(hours=24)
    celery_app.loader.import_default_modules()
    assert entry["task"] in celery_app.tasks
