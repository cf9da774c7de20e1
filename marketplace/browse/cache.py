"""The catalog's read cache: rendered responses keyed by what was asked, dropped by buyer-visible writes.

Invalidation is one *version token* for the whole catalog, stored in the cache next to the entries.
Every entry records the version it was built under; a read fetches the entry and the current
version in one round trip and uses the entry only if they match. A write that changes what a buyer
sees (a price, stock crossing zero, a status, an image, new exchange rates, delivery estimates)
calls ``catalog_cache_bump`` once its transaction commits (``on_commit_once``), which replaces the
token with a new random one, so every older entry is dead at once and a token is never reused even
if the cache evicted it.

Why this is right under concurrency: a reader takes the version *before* it reads the database. If
a write commits in between, the entry is stored under the old version and is dead as soon as the
write's bump lands (after its commit). A reader can never store data older than the version it
records.

Why one version and not per product: a list page mixes many products and its facets count all of
them; writes that change what buyers see are rare next to reads (stock crossing zero, not every
sale). ``CATALOG_CACHE_SECONDS`` bounds how long an entry lives in any case (0 turns the cache off).
"""

import hashlib
import logging
import uuid
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.cache import cache

logger = logging.getLogger(__name__)

VERSION_KEY = "catalog:version"
KEY_PREFIX = "catalog:entry:"


@dataclass(frozen=True)
class CachedResponse:
    """A rendered JSON body with its entity tag."""

    body: bytes
    etag: str


def catalog_cache_seconds() -> int:
    return int(getattr(settings, "CATALOG_CACHE_SECONDS", 300))


def catalog_cache_bump() -> None:
    """Make every cached catalog response stale (call through ``on_commit_once``).

    A cache that cannot be reached must not fail the write that already committed (an order, a
    price change): the failure is logged and entries expire after ``CATALOG_CACHE_SECONDS``.
    """
    try:
        cache.set(VERSION_KEY, uuid.uuid4().hex, None)
    except Exception:
        logger.exception("could not make the catalog cache stale; entries expire on their own")


def etag_for(body: bytes) -> str:
    return '"' + hashlib.blake2b(body, digest_size=16).hexdigest() + '"'


def cache_key(parts: tuple[Any, ...]) -> str:
    """A short key for any tuple of request facts (queries can be long; keys must not)."""
    return KEY_PREFIX + hashlib.blake2b(repr(parts).encode(), digest_size=20).hexdigest()


def cached_read(key: str) -> tuple[str | None, Any]:
    """``(current version, value stored under key for that version or None)`` in one round trip.

    Without a reachable cache: ``(None, None)``, and the caller builds the answer itself.
    """
    try:
        found = cache.get_many([key, VERSION_KEY])
        version = found.get(VERSION_KEY)
        if version is None:
            cache.add(VERSION_KEY, uuid.uuid4().hex, None)
            version = cache.get(VERSION_KEY)
    except Exception:
        logger.warning("catalog cache unreachable; answering without it", exc_info=True)
        return None, None
    entry = found.get(key)
    if isinstance(entry, tuple) and len(entry) == 2 and entry[0] == version:
        return version, entry[1]
    return version, None


def cached_store(key: str, version: str | None, value: Any) -> None:
    if version is None:
        return
    try:
        cache.set(key, (version, value), catalog_cache_seconds())
    except Exception:
        logger.warning("catalog cache unreachable; response not stored", exc_info=True)
