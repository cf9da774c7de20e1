"""The provider boundary: only the Stripe provider module imports stripe-python; the registry picks by name."""

import ast
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from core.payments import payment_provider_get
from core.payments.registry import payment_settings_check

ROOT = Path(__file__).resolve().parents[2]
APPS = ("core", "accounts", "sellers", "marketplace", "warehouses", "orders", "config", "demo", "bench")


def _imports_stripe(path: Path) -> bool:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import) and any(alias.name.split(".")[0] == "stripe" for alias in node.names):
            return True
        if isinstance(node, ast.ImportFrom) and node.level == 0 and (node.module or "").split(".")[0] == "stripe":
            return True
    return False


def test_only_the_stripe_provider_module_imports_stripe() -> None:
    importers = sorted(
        str(path.relative_to(ROOT)) for app in APPS for path in (ROOT / app).rglob("*.py") if _imports_stripe(path)
    )
    assert importers == ["core/payments/stripe_provider.py"]


def test_the_registry_refuses_unknown_providers_and_stripe_without_keys(settings) -> None:  # type: ignore[no-untyped-def]
    assert payment_provider_get("offline").name == "offline"
    with pytest.raises(ImproperlyConfigured):
        payment_provider_get("paypal")
    settings.STRIPE_SECRET_KEY = ""
    with pytest.raises(ImproperlyConfigured):
        payment_provider_get("stripe")
    problems = payment_settings_check(
        provider="stripe", secret_key="sk_test_x", webhook_secret="", production=False, offline_method=""
    )
    assert problems == ["PAYMENT_PROVIDER=stripe needs STRIPE_WEBHOOK_SECRET (whsec_...) to verify webhooks."]
    assert (
        payment_settings_check(
            provider="offline", secret_key="", webhook_secret="", production=True, offline_method="cash_on_delivery"
        )
        == []
    )
