"""Private files (sellers' import CSVs and the like): a storage of their own, never under MEDIA_URL.

``STORAGES["private"]`` is a folder outside MEDIA_ROOT on the embedded default (nothing serves it:
its files have no URL) or a private S3 bucket / prefix (django-storages, with
``querystring_auth``: every URL is signed and expires). The owner gets a file through an app view
that checks who asks, then streams it (local disk) or redirects to a signed URL (S3).
"""

from typing import Any

from django.core.files.storage import FileSystemStorage, Storage, storages
from django.http import FileResponse, HttpResponseBase, HttpResponseRedirect


class PrivateFileSystemStorage(FileSystemStorage):
    """Local private files: no URL at all, so no template or admin page can link to them by mistake."""

    def url(self, name: str | None) -> str:
        raise ValueError("Private files have no public URL; serve them through the app (core.storage).")


def private_storage() -> Storage:
    """The ``private`` storage alias (a callable, so a model field follows the settings of the moment)."""
    return storages["private"]


def private_file_response(*, file: Any, filename: str, content_type: str) -> HttpResponseBase:
    """The file for a caller already checked: streamed from disk, or a redirect to a signed S3 URL."""
    storage = file.storage
    if isinstance(storage, FileSystemStorage):
        response: HttpResponseBase = FileResponse(
            storage.open(file.name, "rb"), as_attachment=True, filename=filename, content_type=content_type
        )
    else:
        response = HttpResponseRedirect(storage.url(file.name))
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response
