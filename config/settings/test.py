"""Settings for pytest: fast hashing, throwaway media, tasks eager unless a test starts a worker, a movable clock."""

import os
import tempfile
import time
import uuid
from datetime import UTC, datetime

from .base import *  # noqa: F403
from .base import ALLOWED_HOSTS, CACHES, REST_FRAMEWORK, env

DEBUG = False
# WhiteNoise warns when STATIC_ROOT is missing; tests never serve collected static files.
WHITENOISE_AUTOREFRESH = True
STATIC_ROOT = tempfile.mkdtemp(prefix="karavan-test-static-")
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# A Celery worker a test starts shares the test's media and private files through
# KARAVAN_TEST_MEDIA_ROOT and KARAVAN_TEST_PRIVATE_ROOT (each process otherwise gets fresh directories).
MEDIA_ROOT = env("KARAVAN_TEST_MEDIA_ROOT", default="") or tempfile.mkdtemp(prefix="karavan-test-media-")
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
# Tests run tasks in-process; the Celery integration test switches eager mode off and starts a
# real worker against CELERY_BROKER_URL.
CELERY_TASK_ALWAYS_EAGER = True
CELERY_TASK_EAGER_PROPAGATES = True
# A worker a test starts is told its private queue (KARAVAN_TEST_WORKER_QUEUE) and is not eager:
# what its tasks send (a retry, a follow-up task) goes through the broker to that queue, as in
# production, instead of running inline in the sending task's process (where a retry's countdown
# is ignored and its outcome recorded nowhere).
if TEST_WORKER_QUEUE := env("KARAVAN_TEST_WORKER_QUEUE", default=""):
    CELERY_TASK_ALWAYS_EAGER = False
    CELERY_TASK_DEFAULT_QUEUE = TEST_WORKER_QUEUE
# Each test process gets its own cache so throttling counters never leak between xdist workers.
CACHES = {**CACHES, "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# The catalog's cached responses go stale when a write commits, which the default test transaction
# never does; the tests of that cache turn it on (marketplace/tests/test_catalog_cache.py).
CATALOG_CACHE_SECONDS = 0
REST_FRAMEWORK = {
    **REST_FRAMEWORK,
    "DEFAULT_THROTTLE_RATES": {
        "login": "5/min",
        "register": "1000/min",
        "fulfilment": "10000/min",
        # The tests of these limits lower them (monkeypatch ScopedRateThrottle.THROTTLE_RATES).
        "orders": "10000/min",
        "uploads": "10000/min",
        "imports": "10000/min",
    },
}
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    "private": {
        "BACKEND": "core.storage.PrivateFileSystemStorage",
        "OPTIONS": {
            "location": env("KARAVAN_TEST_PRIVATE_ROOT", default="") or tempfile.mkdtemp(prefix="karavan-test-private-")
        },
    },
}

# The storefront's host in the payout tests (return_url must be one of ours).
PAYOUT_RETURN_HOSTS = [*ALLOWED_HOSTS, "karavan.example"]

# Tests of the offline flow pay as the demo buyer does; production-like tests switch this off.
OFFLINE_PAYMENTS_SELF_SERVICE = True

# Redis pub/sub channels are shared by every database of a Redis server: each test process gets
# its own prefix so parallel runs (and other checkouts on this machine) never hear each other.
LIVE_EVENTS_CHANNEL_PREFIX = env("LIVE_EVENTS_CHANNEL_PREFIX", default=f"karavan-test-{uuid.uuid4().hex[:12]}")

# `make test CLOCK=2027-01-15T10:00:00Z` (and .ci/run's runs on other dates) set KARAVAN_TEST_CLOCK:
# every Python process on these settings (pytest, its xdist workers, a Celery worker a test starts)
# then reads a clock that started at that instant when the run started, and runs on at normal
# speed (time-machine, tick=True). The first process records the real start, which processes it
# starts inherit, so all agree to the second. Tests that pin their own clock travel from there.
# docs/DEVELOPMENT.md says why this and not libfaketime.
if TEST_CLOCK := os.environ.get("KARAVAN_TEST_CLOCK", ""):
    import time_machine

    _target = datetime.fromisoformat(TEST_CLOCK)
    _target = _target if _target.tzinfo else _target.replace(tzinfo=UTC)
    _real_start = float(os.environ.setdefault("KARAVAN_TEST_CLOCK_REAL_START", repr(time.time())))
    time_machine.travel(_target.timestamp() + (time.time() - _real_start), tick=True).start()
