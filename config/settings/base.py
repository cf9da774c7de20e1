"""Settings shared by every environment, read from the environment with safe local defaults."""

from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import environ

BASE_DIR = Path(__file__).resolve().parent.parent.parent

env = environ.Env()
# A developer's .env is optional; the embedded default needs none.
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

# Where the embedded default keeps its files (database, broker, media, emails, logs); a relative
# path is taken from the project root. Tests of `make run`'s processes point it at a temp folder.
VAR_DIR = BASE_DIR / env("KARAVAN_VAR_DIR", default="var")

SECRET_KEY = env("DJANGO_SECRET_KEY", default="insecure-local-only-key-change-me-in-production-0123456789")
DEBUG = env.bool("DJANGO_DEBUG", default=False)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "rest_framework",
    # Hashed, expiring, revocable API tokens (docs/adr/0012-abuse-limits-and-tokens.md).
    "knox",
    # Lockout of the admin and API logins after repeated failures.
    "axes",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "djmoney",
    "django_celery_beat",
    # Karavan, in dependency order (see ARCHITECTURE.md: core → accounts → sellers → marketplace
    # → warehouses → orders).
    "core",
    "accounts",
    "sellers",
    "marketplace",
    "warehouses.transport",
    "warehouses",
    "orders",
    "seller_dashboard",
    "demo",
    # The buyers' pages: the top layer, it may import every app and nothing imports it.
    "storefront",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    # Every JSON body sent to /api/ is bounded (size 413; depth, finite numbers, no NUL, an
    # object: 400) before any view runs, whether or not the view reads it (core/api/parsers.py).
    "core.middleware.ApiInputMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # The admin in the signed-in person's saved language (after LocaleMiddleware and auth).
    "accounts.middleware.PreferredLanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "core.middleware.ApiErrorMiddleware",
    # Last, as django-axes asks: turns a login refused because of a lockout into a 429 with
    # Retry-After (accounts.lockout).
    "axes.middleware.AxesMiddleware",
]

# django-axes checks lockouts before any other backend looks at a password.
AUTHENTICATION_BACKENDS = [
    "accounts.backends.LockoutBackend",
    "django.contrib.auth.backends.ModelBackend",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "storefront.context.storefront",
            ],
        },
    },
]

# --- Database: the embedded default is a SQLite file under var/; DATABASE_URL switches to PostgreSQL.
DATABASES = {
    "default": env.db_url("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'karavan.sqlite3'}"),
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The web server, the Celery worker and beat write the file at once (`make run`). WAL lets
    # readers go on while one writes; the busy timeout makes a writer wait for the lock instead of
    # failing; IMMEDIATE takes the write lock when a transaction begins, because a transaction
    # that read first and then tries to write cannot wait (SQLite answers "database is locked" at
    # once, whatever the timeout, when another writer committed in between).
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"timeout": 20, "init_command": "PRAGMA journal_mode=WAL;", "transaction_mode": "IMMEDIATE"}
    )


def database_pool(database: dict, max_size: int) -> None:
    """Give a PostgreSQL database psycopg's connection pool of ``max_size`` per process (0: none).

    Why a pool rather than persistent connections (CONN_MAX_AGE): under ASGI (`make serve`'s uvicorn
    workers) Django runs each request's view in a thread of its own, and a persistent connection
    belongs to its thread, so each request would open one and leave it behind. The pool lends a
    connection for the request and takes it back; with more requests than connections, a request
    waits up to ``timeout`` seconds for one (back-pressure instead of exhausting PostgreSQL's
    max_connections: workers × max_size stays below it). The pool checks a connection before
    lending it, so a restarted PostgreSQL costs no failed request (what CONN_HEALTH_CHECKS does).
    """
    if max_size and database["ENGINE"] == "django.db.backends.postgresql":
        database["CONN_MAX_AGE"] = 0  # Django refuses persistent connections with a pool
        database["CONN_HEALTH_CHECKS"] = True  # with a pool: check a connection before lending it
        database.setdefault("OPTIONS", {})["pool"] = {
            "min_size": min(2, max_size),
            "max_size": max_size,
            "timeout": env.float("DATABASE_POOL_TIMEOUT", default=30.0),
        }


database_pool(DATABASES["default"], env.int("DATABASE_POOL_MAX_SIZE", default=0))
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache: in-process by default, Redis (django-redis) when CACHE_URL is set.
CACHES = {"default": env.cache_url("CACHE_URL", default="locmemcache://karavan")}
if CACHES["default"]["BACKEND"].startswith("django_redis") or "redis" in CACHES["default"]["BACKEND"]:
    CACHES["default"]["BACKEND"] = "django_redis.cache.RedisCache"

AUTH_USER_MODEL = "accounts.User"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "accounts.validators.NotOnlyWhitespaceValidator"},
]

LANGUAGE_CODE = "en"
LANGUAGES = [("en", "English"), ("ru", "Русский"), ("zh-hans", "中文"), ("kk", "Қазақша"), ("uz", "Oʻzbekcha")]
# Our own translations; Django's and the libraries' come with them.
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "UTC"
LOGIN_URL = "storefront:log-in"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = env.path("STATIC_ROOT", default=str(VAR_DIR / "staticfiles"))
MEDIA_URL = env("MEDIA_URL", default="/media/")
MEDIA_ROOT = env.path("MEDIA_ROOT", default=str(VAR_DIR / "media"))
# Media goes through Django's storage API only: local files by default, any django-storages
# backend (e.g. "storages.backends.s3.S3Storage") when STORAGE_BACKEND is set.
STORAGES = {
    "default": {"BACKEND": env("STORAGE_BACKEND", default="django.core.files.storage.FileSystemStorage")},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
# Private files (sellers' import CSVs): never under MEDIA_URL, served only to their owner through
# the app (core.storage). Locally a folder outside MEDIA_ROOT; with PRIVATE_STORAGE_BACKEND =
# "storages.backends.s3.S3Storage" a private bucket (AWS_PRIVATE_STORAGE_BUCKET_NAME, default the
# media bucket under the "private/" prefix) whose URLs are signed and expire after
# PRIVATE_FILE_URL_SECONDS. They are deleted after IMPORT_FILE_RETENTION_DAYS (a daily task).
PRIVATE_MEDIA_ROOT = env.path("PRIVATE_MEDIA_ROOT", default=str(VAR_DIR / "private"))
PRIVATE_STORAGE_BACKEND = env("PRIVATE_STORAGE_BACKEND", default="core.storage.PrivateFileSystemStorage")
PRIVATE_FILE_URL_SECONDS = env.int("PRIVATE_FILE_URL_SECONDS", default=300)
IMPORT_FILE_RETENTION_DAYS = env.int("IMPORT_FILE_RETENTION_DAYS", default=30)
if PRIVATE_STORAGE_BACKEND.endswith("S3Storage"):
    STORAGES["private"] = {
        "BACKEND": PRIVATE_STORAGE_BACKEND,
        "OPTIONS": {
            "bucket_name": env("AWS_PRIVATE_STORAGE_BUCKET_NAME", default="")
            or env("AWS_STORAGE_BUCKET_NAME", default=""),
            "location": env("AWS_PRIVATE_LOCATION", default="private"),
            "default_acl": "private",
            "querystring_auth": True,
            "querystring_expire": PRIVATE_FILE_URL_SECONDS,
            "file_overwrite": False,
        },
    }
else:
    STORAGES["private"] = {"BACKEND": PRIVATE_STORAGE_BACKEND, "OPTIONS": {"location": str(PRIVATE_MEDIA_ROOT)}}
# Object storage (django-storages' S3 backend, e.g. MinIO or any S3-compatible service): the
# credentials come from the standard AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY variables.
AWS_STORAGE_BUCKET_NAME = env("AWS_STORAGE_BUCKET_NAME", default="")
AWS_S3_ENDPOINT_URL = env("AWS_S3_ENDPOINT_URL", default=None)
AWS_S3_REGION_NAME = env("AWS_S3_REGION_NAME", default=None)
AWS_QUERYSTRING_AUTH = env.bool("AWS_QUERYSTRING_AUTH", default=False)

# --- REST API
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "accounts.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PARSER_CLASSES": [
        "core.api.parsers.JSONParser",
        "rest_framework.parsers.MultiPartParser",
        "rest_framework.parsers.FormParser",
    ],
    "DEFAULT_PAGINATION_CLASS": "core.api.pagination.PageNumberPagination",
    "PAGE_SIZE": 20,
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "core.api.exceptions.api_exception_handler",
    "DEFAULT_THROTTLE_RATES": {
        "login": env("THROTTLE_LOGIN_RATE", default="10/min"),
        "register": env("THROTTLE_REGISTER_RATE", default="20/hour"),
        "fulfilment": env("THROTTLE_FULFILMENT_RATE", default="60/min"),
        # Per signed-in user (core.api.throttling.UserWriteThrottle): placing orders, uploading
        # product images, uploading catalog imports.
        "orders": env("THROTTLE_ORDERS_RATE", default="30/hour"),
        "uploads": env("THROTTLE_UPLOADS_RATE", default="300/hour"),
        "imports": env("THROTTLE_IMPORTS_RATE", default="30/hour"),
    },
    # How many proxies in front of the app append to X-Forwarded-For: throttles (and the login
    # lockout) count the address that many hops from the right. 0 (the default) ignores the header
    # and counts the connection's address, so a client cannot choose its own address.
    "NUM_PROXIES": env.int("NUM_PROXIES", default=0),
    "COERCE_DECIMAL_TO_STRING": True,
}
# JSON bodies: at most DATA_UPLOAD_MAX_MEMORY_SIZE bytes (Django's, 2.5 MB: a 413 beyond) and
# nested at most this deep (a 400 beyond); the contract's bodies nest 4 levels.
API_JSON_MAX_DEPTH = env.int("API_JSON_MAX_DEPTH", default=32)
SPECTACULAR_SETTINGS = {
    "TITLE": "Karavan API",
    "DESCRIPTION": "Cross-border marketplace for trade between SCO countries.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    # Schema generation is checked by a test (core/tests/test_reference_api.py) rather than by
    # `check --deploy`, so a docs-only warning never blocks a deployment.
    "ENABLE_DJANGO_DEPLOY_CHECK": False,
    # Every operation documents the error responses it can give (400/401/403/404/409/429/503...).
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "core.api.schema.error_responses_add",
    ],
}

# --- Abuse limits and tokens (docs/adr/0012-abuse-limits-and-tokens.md).
NUM_PROXIES = REST_FRAMEWORK["NUM_PROXIES"]
# API tokens (django-rest-knox): stored hashed, one per login, expiring after AUTH_TOKEN_TTL_HOURS,
# revoked by POST /auth/logout/ (?all=true: every token of the caller). A login beyond
# AUTH_TOKENS_PER_USER live tokens revokes the oldest.
AUTH_TOKEN_TTL = timedelta(hours=env.int("AUTH_TOKEN_TTL_HOURS", default=24 * 30))
AUTH_TOKENS_PER_USER = env.int("AUTH_TOKENS_PER_USER", default=20)
REST_KNOX = {"TOKEN_TTL": AUTH_TOKEN_TTL, "AUTH_HEADER_PREFIX": "Token", "AUTO_REFRESH": False}
# Login lockout (django-axes) for /admin/login/ and POST /api/v1/auth/token/: after
# LOGIN_FAILURE_LIMIT failed logins within LOGIN_COOLOFF_MINUTES, further logins (even with the
# right password) are refused with a 429 until the cool-off has passed. Counted per client address
# (the same address the throttles use) unless LOGIN_LOCKOUT_BY says otherwise: a list of
# "ip_address", "username" or combinations such as "username+ip_address".
AXES_ENABLED = env.bool("LOGIN_LOCKOUT_ENABLED", default=True)
AXES_FAILURE_LIMIT = env.int("LOGIN_FAILURE_LIMIT", default=10)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("LOGIN_COOLOFF_MINUTES", default=30))
AXES_LOCKOUT_PARAMETERS = [
    item.split("+") if "+" in item else item for item in env.list("LOGIN_LOCKOUT_BY", default=["ip_address"])
]
AXES_CLIENT_IP_CALLABLE = "core.client_ip.client_ip"
AXES_LOCKOUT_CALLABLE = "accounts.lockout.lockout_response"
AXES_USERNAME_FORM_FIELD = "username"
AXES_RESET_ON_SUCCESS = True
# The failed attempts are kept as rows (works on SQLite and PostgreSQL alike); successful logins
# are not logged, so a busy API never writes a row per login.
AXES_HANDLER = "axes.handlers.database.AxesDatabaseHandler"
AXES_DISABLE_ACCESS_LOG = True
AXES_VERBOSE = False

# --- Celery: no broker configured → tasks run eagerly in-process (the embedded default).
CELERY_BROKER_URL = env("CELERY_BROKER_URL", default="")
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_RESULT_BACKEND = env("CELERY_RESULT_BACKEND", default=CELERY_BROKER_URL or None)
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = "UTC"
CELERY_ENABLE_UTC = True
CELERY_TASK_TIME_LIMIT = env.int("CELERY_TASK_TIME_LIMIT", default=15 * 60)
CELERY_TASK_SOFT_TIME_LIMIT = env.int("CELERY_TASK_SOFT_TIME_LIMIT", default=14 * 60)
# Our tasks are idempotent (id in, re-read, conditional update), so a task lost with its worker
# is redelivered rather than dropped.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
# Periodic tasks; apps add their entries here (django-celery-beat syncs them into its tables).
CELERY_BEAT_SCHEDULE: dict[str, dict[str, object]] = {
    "refresh-exchange-rates": {
        "task": "core.tasks.exchange_rates_refresh_task",
        "schedule": timedelta(hours=1),
    },
    # Tasks recorded in the transactional outbox while the broker was down (core/outbox.py).
    "relay-outbox": {
        "task": "core.tasks.outbox_relay_task",
        "schedule": timedelta(minutes=1),
    },
    "expire-unpaid-orders": {
        "task": "orders.tasks.orders_expire_task",
        "schedule": timedelta(minutes=1),
    },
    "consolidate-departures": {
        "task": "warehouses.tasks.departures_consolidate_task",
        "schedule": timedelta(minutes=15),
    },
    # A lost webhook never loses a paid order: ask the provider about orders still unpaid.
    "reconcile-payments": {
        "task": "orders.tasks.payments_reconcile_task",
        "schedule": timedelta(minutes=10),
    },
    # Delivered seller orders past the holding period are paid out (retries failed transfers too).
    "pay-out-sellers": {
        "task": "orders.tasks.payouts_run_task",
        "schedule": timedelta(minutes=30),
    },
    # API tokens past their expiry (logins delete their own user's; this catches the rest).
    "purge-expired-tokens": {
        "task": "accounts.expired_tokens_purge",
        "schedule": timedelta(hours=24),
    },
    # Sellers' import files are deleted after IMPORT_FILE_RETENTION_DAYS.
    "purge-private-files": {
        "task": "marketplace.private_files_purge",
        "schedule": timedelta(hours=24),
    },
    # Seasonal closures and effective dates depend on the day, so estimates are refreshed daily too.
    "recompute-delivery-estimates": {
        "task": "warehouses.transport.tasks.delivery_estimates_recompute_task",
        "schedule": timedelta(hours=24),
    },
}

# --- Payments: an explicit choice of provider, never inferred from which keys happen to be set.
# `offline` (the embedded default: no money moves, a person confirms payment) or `stripe`.
PAYMENT_PROVIDER = env("PAYMENT_PROVIDER", default="offline")
STRIPE_SECRET_KEY = env("STRIPE_SECRET_KEY", default="")
STRIPE_WEBHOOK_SECRET = env("STRIPE_WEBHOOK_SECRET", default="")
STRIPE_API_BASE = env("STRIPE_API_BASE", default="")
# The storefront's Payment Element (Stripe.js) needs the publishable key; it is not a secret.
STRIPE_PUBLISHABLE_KEY = env("STRIPE_PUBLISHABLE_KEY", default="")
# Seconds before a call to Stripe counts as timed out (stripe-python then retries with the same key).
STRIPE_TIMEOUT_SECONDS = env.float("STRIPE_TIMEOUT_SECONDS", default=20)
# With the offline provider in production, what it stands for (cash_on_delivery / bank_transfer).
OFFLINE_PAYMENT_METHOD = env("OFFLINE_PAYMENT_METHOD", default="")
# True only for the demo and tests (local.py, test.py): the buyer marks an offline order paid and
# offline payout onboarding enables payouts at once. Elsewhere staff confirm offline payments.
OFFLINE_PAYMENTS_SELF_SERVICE = False
# Payout onboarding sends the seller back to return_url / refresh_url: only hosts of ours
# (Django's ALLOWED_HOSTS patterns, e.g. ".karavan.example"), so the link cannot lead elsewhere.
PAYOUT_RETURN_HOSTS = env.list("PAYOUT_RETURN_HOSTS", default=ALLOWED_HOSTS)
# Seller payouts: a delivered seller order's share is transferred after this many days (returns window).
PAYOUT_HOLD_DAYS = env.int("PAYOUT_HOLD_DAYS", default=0)
# Reconciliation looks at payments opened this many hours back (longer than any reservation).
PAYMENT_RECONCILE_HOURS = env.int("PAYMENT_RECONCILE_HOURS", default=48)


def payment_settings_validate(*, production: bool, **values: str) -> None:
    """Stop the boot on a payment misconfiguration (Stripe chosen without keys, an unknown provider,
    offline in production without a declared method) rather than answering 503 at checkout."""
    from django.core.exceptions import ImproperlyConfigured

    from core.payments.registry import payment_settings_check

    problems = payment_settings_check(production=production, **values)
    if problems:
        raise ImproperlyConfigured(" ".join(problems))


payment_settings_validate(
    production=False,
    provider=PAYMENT_PROVIDER,
    secret_key=STRIPE_SECRET_KEY,
    webhook_secret=STRIPE_WEBHOOK_SECRET,
    offline_method=OFFLINE_PAYMENT_METHOD,
)

# --- Exchange rates: a JSON provider {"base": "USD", "rates": {"KZT": "512.3", ...}}.
EXCHANGE_RATE_PROVIDER_URL = env("EXCHANGE_RATE_PROVIDER_URL", default="")
EXCHANGE_RATE_PROVIDER_TIMEOUT = env.float("EXCHANGE_RATE_PROVIDER_TIMEOUT", default=10.0)
# A rate published longer ago than this is reported by /healthz and in quote reasons (prices still
# use it). 72 hours lets a provider that publishes on working days through a weekend.
EXCHANGE_RATE_MAX_AGE_HOURS = env.float("EXCHANGE_RATE_MAX_AGE_HOURS", default=72)

# --- Idempotency keys are kept this long before they may be purged.
IDEMPOTENCY_KEY_TTL = timedelta(hours=env.int("IDEMPOTENCY_KEY_TTL_HOURS", default=24))
# A key claimed by a request that never stored its response (the process died) is taken over by a
# retry after this long; until then a retry answers 409 idempotency_key_in_progress.
IDEMPOTENCY_CLAIM_SECONDS = env.int("IDEMPOTENCY_CLAIM_SECONDS", default=120)

# --- Marketplace: image and import limits.
IMAGE_MAX_UPLOAD_BYTES = env.int("IMAGE_MAX_UPLOAD_BYTES", default=10 * 1024 * 1024)
# Checked from the header, before any pixel is decoded. 25 MP takes a 6000×4000 camera image; the
# worker decodes one image at a time (≤ 100 MB as RGBA) and never holds a second full-size copy.
IMAGE_MAX_PIXELS = env.int("IMAGE_MAX_PIXELS", default=25_000_000)
IMPORT_MAX_UPLOAD_BYTES = env.int("IMPORT_MAX_UPLOAD_BYTES", default=200 * 1024 * 1024)
IMPORT_BATCH_SIZE = env.int("IMPORT_BATCH_SIZE", default=1000)
# Work per import bounded before parsing: header columns (the template has 32) and line length.
IMPORT_MAX_COLUMNS = env.int("IMPORT_MAX_COLUMNS", default=64)
IMPORT_MAX_LINE_LENGTH = env.int("IMPORT_MAX_LINE_LENGTH", default=64 * 1024)
# Catalog bounds: variants per product, characters of a description (API and import alike).
PRODUCT_MAX_VARIANTS = env.int("PRODUCT_MAX_VARIANTS", default=100)
PRODUCT_DESCRIPTION_MAX_LENGTH = env.int("PRODUCT_DESCRIPTION_MAX_LENGTH", default=20_000)
DEFAULT_COMMISSION_PERCENT = Decimal(env("DEFAULT_COMMISSION_PERCENT", default="8.00"))
# Public catalog: how long a rendered response stays in the cache (writes a buyer would notice
# make it stale at once; 0 turns the cache off), and the max-age clients and CDNs may keep one
# without asking (0: they revalidate every time, answered by a 304 when nothing changed).
CATALOG_CACHE_SECONDS = env.int("CATALOG_CACHE_SECONDS", default=300)
CATALOG_HTTP_MAX_AGE = env.int("CATALOG_HTTP_MAX_AGE", default=0)

# --- Fulfilment planner parameters (see warehouses/fulfilment): defaults, overridable by env.
FULFILMENT_CARRYING_RATE_PER_YEAR = Decimal(env("FULFILMENT_CARRYING_RATE_PER_YEAR", default="0.25"))
# p90 transit is already the safety margin; a buffer on top would reject the worked Xi'an→Tashkent case.
FULFILMENT_BUFFER_DAYS = env.int("FULFILMENT_BUFFER_DAYS", default=0)
FULFILMENT_REEFER_PREMIUM_CHILLED = Decimal(env("FULFILMENT_REEFER_PREMIUM_CHILLED", default="1.2"))
FULFILMENT_REEFER_PREMIUM_FROZEN = Decimal(env("FULFILMENT_REEFER_PREMIUM_FROZEN", default="1.4"))
FULFILMENT_TIR_GUARANTEE_EUR = Decimal(env("FULFILMENT_TIR_GUARANTEE_EUR", default="100000"))
# The return direction of a two-way lane with no price of its own costs its outbound price × this:
# return trucks and China-bound containers fill less (sources: warehouses/fulfilment/network.py).
FULFILMENT_BACKHAUL_FACTOR = Decimal(env("FULFILMENT_BACKHAUL_FACTOR", default="0.7"))
# Domestic parcel delivery (goods already in the buyer's country, and the last mile of a
# cross-border parcel): base + rate × chargeable kg, days (min, max) by country size.
FULFILMENT_DOMESTIC_BASE_USD = Decimal(env("FULFILMENT_DOMESTIC_BASE_USD", default="3.00"))
FULFILMENT_DOMESTIC_USD_PER_KG = Decimal(env("FULFILMENT_DOMESTIC_USD_PER_KG", default="0.25"))
FULFILMENT_DOMESTIC_DAYS = tuple(env.list("FULFILMENT_DOMESTIC_DAYS", cast=int, default=[1, 3]))
FULFILMENT_DOMESTIC_DAYS_LARGE = tuple(env.list("FULFILMENT_DOMESTIC_DAYS_LARGE", cast=int, default=[2, 7]))
FULFILMENT_DOMESTIC_LARGE_COUNTRIES = env.list(
    "FULFILMENT_DOMESTIC_LARGE_COUNTRIES", default=["RU", "CN", "KZ", "IN", "IR", "MN", "PK", "SA", "TR"]
)

# --- Orders
ORDER_RESERVATION_MINUTES = env.int("ORDER_RESERVATION_MINUTES", default=30)
ORDER_LIVESTREAM_RESERVATION_MINUTES = env.int("ORDER_LIVESTREAM_RESERVATION_MINUTES", default=10)
CART_MAX_QUANTITY_PER_LINE = env.int("CART_MAX_QUANTITY_PER_LINE", default=100)
CART_MAX_QUANTITY_PER_PRODUCT = env.int("CART_MAX_QUANTITY_PER_PRODUCT", default=200)
# Hoarding: how much one buyer may hold reserved without paying. Placing an order beyond either
# limit is a 409 (unpaid_orders_limit / reserved_units_limit) naming the limit.
ORDER_MAX_UNPAID_PER_BUYER = env.int("ORDER_MAX_UNPAID_PER_BUYER", default=5)
ORDER_MAX_RESERVED_UNITS_PER_BUYER = env.int("ORDER_MAX_RESERVED_UNITS_PER_BUYER", default=500)

# --- Livestreams: live offers stay valid this long after a stream ends; followers are notified
# in batches of this many per task; live events (server-sent events) go through Redis pub/sub when
# LIVE_EVENTS_REDIS_URL is set (default: the Redis broker or cache, if any), else through an
# in-process bus that only works with one server process (the embedded default).
LIVE_OFFER_GRACE_MINUTES = env.int("LIVE_OFFER_GRACE_MINUTES", default=15)
LIVE_OFFER_PRICE_LOOKBACK_DAYS = env.int("LIVE_OFFER_PRICE_LOOKBACK_DAYS", default=30)
LIVESTREAM_NOTIFY_BATCH_SIZE = env.int("LIVESTREAM_NOTIFY_BATCH_SIZE", default=1000)


def _redis_url_for_live_events() -> str:
    for candidate in (CELERY_BROKER_URL, env("CACHE_URL", default="")):
        if candidate.startswith(("redis://", "rediss://")):
            return candidate
    return ""


LIVE_EVENTS_REDIS_URL = env("LIVE_EVENTS_REDIS_URL", default=_redis_url_for_live_events())
# Without Redis, live events cross processes through this SQLite file when set (`make run`'s
# default, local.py); empty: an in-process bus (one server process only, the tests' default).
LIVE_EVENTS_FILE = env("LIVE_EVENTS_FILE", default="")
# Pub/sub channels are shared by every Redis database of a server: the prefix keeps deployments
# (and test runs) apart.
LIVE_EVENTS_CHANNEL_PREFIX = env("LIVE_EVENTS_CHANNEL_PREFIX", default="karavan")
# How many recent events of a stream are kept for clients that reconnect with Last-Event-ID.
LIVE_EVENTS_REPLAY = env.int("LIVE_EVENTS_REPLAY", default=500)
# Open event streams one server process serves at most; more get a 503 with Retry-After.
LIVE_EVENTS_MAX_STREAMS_PER_PROCESS = env.int("LIVE_EVENTS_MAX_STREAMS_PER_PROCESS", default=2000)
# A comment line every this many seconds keeps proxies from closing a quiet stream.
LIVE_EVENTS_HEARTBEAT_SECONDS = env.float("LIVE_EVENTS_HEARTBEAT_SECONDS", default=15.0)

EMAIL_BACKEND = env("EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="Karavan <orders@karavan.local>")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
}
