"""Production settings refuse to boot without their secrets and shared services, and pass Django's deploy checks."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PAYMENT_VARIABLES = {
    "PAYMENT_PROVIDER",
    "OFFLINE_PAYMENT_METHOD",
    "STRIPE_SECRET_KEY",
    "STRIPE_WEBHOOK_SECRET",
    "STRIPE_API_BASE",
}
#: What production reads from the environment; the caller's own values (CI sets some) never leak in.
CONTROLLED = {
    "DJANGO_SECRET_KEY",
    "ALLOWED_HOSTS",
    "DATABASE_URL",
    "CACHE_URL",
    "CELERY_BROKER_URL",
    "CELERY_RESULT_BACKEND",
    # Set by the browser tests' fixture in the test process (Playwright's loop); a deployment never has it.
    "DJANGO_ALLOW_ASYNC_UNSAFE",
    *PAYMENT_VARIABLES,
}
SECRETS = {"DJANGO_SECRET_KEY": "a-long-random-production-secret-" + "q8Z!" * 12, "ALLOWED_HOSTS": "karavan.example"}
# Nothing listens on port 9: booting and `check --deploy` must not need to reach the services.
SERVICES = {
    "DATABASE_URL": "postgres://karavan@127.0.0.1:9/karavan",
    "CACHE_URL": "redis://127.0.0.1:9/1",
    "CELERY_BROKER_URL": "redis://127.0.0.1:9/0",
}


def _run(*args: str, **environment: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in CONTROLLED}
    env["DJANGO_SETTINGS_MODULE"] = "config.settings.production"
    env.update(environment)
    return subprocess.run([sys.executable, *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)


def _boot(**environment: str) -> subprocess.CompletedProcess[str]:
    """Load the production settings as any process (web, worker, beat) does first."""
    return _run("-c", "import config.settings.production", **environment)


def _manage(*args: str, **environment: str) -> subprocess.CompletedProcess[str]:
    """`manage.py` with production's shared services named (so only the payment rules are at stake)."""
    if environment.get("DJANGO_SETTINGS_MODULE", "config.settings.production") == "config.settings.production":
        environment = {**SERVICES, **environment}
    return _run("manage.py", *args, **environment)


@pytest.mark.parametrize(
    ("environment", "missing"),
    [({}, "DJANGO_SECRET_KEY"), ({"DJANGO_SECRET_KEY": "x" * 60}, "ALLOWED_HOSTS")],
)
def test_production_refuses_to_boot_without_secrets(environment: dict[str, str], missing: str) -> None:
    result = _run("manage.py", "check", **environment, **SERVICES)
    assert result.returncode != 0
    assert f"{missing} must be set in production" in result.stderr


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"DATABASE_URL": None}, "DATABASE_URL must name a PostgreSQL database"),
        ({"DATABASE_URL": "sqlite:////tmp/karavan.sqlite3"}, "not django.db.backends.sqlite3"),
        ({"CACHE_URL": None}, "CACHE_URL must name a cache shared by every node"),
        ({"CACHE_URL": "locmemcache://"}, "not django.core.cache.backends.locmem.LocMemCache"),
        ({"CACHE_URL": "dummycache://"}, "not django.core.cache.backends.dummy.DummyCache"),
        ({"CACHE_URL": "filecache:///tmp/karavan-cache"}, "FileBasedCache"),
        ({"CELERY_BROKER_URL": None}, "not nothing (tasks would run eagerly)"),
        ({"CELERY_BROKER_URL": "memory://"}, "CELERY_BROKER_URL must name a broker shared by the workers"),
        ({"CELERY_BROKER_URL": "sqla+sqlite:///var/celery.sqlite3"}, "not sqla+sqlite:///var/celery.sqlite3"),
    ],
)
def test_production_refuses_to_boot_without_its_shared_services(change: dict[str, str | None], message: str) -> None:
    environment = {**SECRETS, **SERVICES, **change}
    result = _boot(**{name: value for name, value in environment.items() if value is not None})
    assert result.returncode != 0
    assert "ImproperlyConfigured: Production needs its shared services" in result.stderr
    assert message in result.stderr


def test_every_missing_service_is_named_at_once() -> None:
    result = _boot(**SECRETS)
    assert result.returncode != 0
    for name in ("DATABASE_URL", "CACHE_URL", "CELERY_BROKER_URL"):
        assert f"- {name} must name" in result.stderr


@pytest.mark.parametrize("broker", ["redis://127.0.0.1:9/0", "amqp://guest:guest@127.0.0.1:9//"])
def test_production_boots_with_its_services_and_passes_the_deploy_checks(broker: str) -> None:
    result = _run(
        "manage.py",
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        OFFLINE_PAYMENT_METHOD="bank_transfer",
        **SECRETS,
        **{**SERVICES, "CELERY_BROKER_URL": broker},
    )
    assert result.returncode == 0, result.stderr


def test_production_refuses_the_offline_provider_unless_a_method_is_declared() -> None:
    # With only the secret and hosts set, production used to boot with buyers marking orders paid.
    refused = _manage("check", **SECRETS)
    assert refused.returncode != 0
    assert "Production refuses the offline payment provider" in refused.stderr
    assert "OFFLINE_PAYMENT_METHOD" in refused.stderr
    unknown = _manage("check", OFFLINE_PAYMENT_METHOD="iou", **SECRETS)
    assert unknown.returncode != 0 and "Production refuses the offline payment provider" in unknown.stderr
    assert _manage("check", OFFLINE_PAYMENT_METHOD="cash_on_delivery", **SECRETS).returncode == 0


@pytest.mark.parametrize("settings_module", ["config.settings.production", "config.settings.local"])
def test_stripe_chosen_without_its_keys_stops_the_boot(settings_module: str) -> None:
    result = _manage("check", PAYMENT_PROVIDER="stripe", DJANGO_SETTINGS_MODULE=settings_module, **SECRETS)
    assert result.returncode != 0
    assert "PAYMENT_PROVIDER=stripe needs STRIPE_SECRET_KEY" in result.stderr
    assert "PAYMENT_PROVIDER=stripe needs STRIPE_WEBHOOK_SECRET" in result.stderr
    keys = {"STRIPE_SECRET_KEY": "sk_test_x", "STRIPE_WEBHOOK_SECRET": "whsec_x"}
    assert _manage("check", PAYMENT_PROVIDER="stripe", **keys, **SECRETS).returncode == 0


def test_an_unknown_provider_stops_the_boot_and_a_stripe_key_alone_chooses_nothing() -> None:
    result = _manage("check", PAYMENT_PROVIDER="paypal", DJANGO_SETTINGS_MODULE="config.settings.local")
    assert result.returncode != 0 and "PAYMENT_PROVIDER must be one of offline, stripe" in result.stderr
    # The provider is an explicit choice: a stray key no longer silently switches to Stripe.
    stray = _manage(
        "shell",
        "-c",
        "from django.conf import settings; print(settings.PAYMENT_PROVIDER)",
        STRIPE_SECRET_KEY="sk_test_x",
        DJANGO_SETTINGS_MODULE="config.settings.local",
    )
    assert stray.returncode == 0, stray.stderr
    assert stray.stdout.strip().splitlines()[-1] == "offline"
