"""Production settings refuse to boot without their secrets, and pass Django's deploy checks."""

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
SECRETS = {"DJANGO_SECRET_KEY": "a-long-random-production-secret-" + "q8Z!" * 12, "ALLOWED_HOSTS": "karavan.example"}


def _manage(*args: str, **environment: str) -> subprocess.CompletedProcess[str]:
    hidden = {"DJANGO_SECRET_KEY", "ALLOWED_HOSTS", *PAYMENT_VARIABLES}
    env = {k: v for k, v in os.environ.items() if k not in hidden}
    env["DJANGO_SETTINGS_MODULE"] = "config.settings.production"
    env.update(environment)
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )


@pytest.mark.parametrize(
    ("environment", "missing"),
    [({}, "DJANGO_SECRET_KEY"), ({"DJANGO_SECRET_KEY": "x" * 60}, "ALLOWED_HOSTS")],
)
def test_production_refuses_to_boot_without_secrets(environment: dict[str, str], missing: str) -> None:
    result = _manage("check", **environment)
    assert result.returncode != 0
    assert f"{missing} must be set in production" in result.stderr


def test_production_passes_the_deploy_checks() -> None:
    result = _manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        OFFLINE_PAYMENT_METHOD="bank_transfer",
        **SECRETS,
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
