"""Production settings refuse to boot without their secrets, and pass Django's deploy checks."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _manage(*args: str, **environment: str) -> subprocess.CompletedProcess[str]:
    hidden = {"DJANGO_SECRET_KEY", "ALLOWED_HOSTS", "LIVE_EVENTS_REDIS_URL", "CELERY_BROKER_URL", "CACHE_URL"}
    env = {k: v for k, v in os.environ.items() if k not in hidden}
    env.update(DJANGO_SETTINGS_MODULE="config.settings.production", **environment)
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
        DJANGO_SECRET_KEY="a-long-random-production-secret-" + "q8Z!" * 12,
        ALLOWED_HOSTS="karavan.example",
        LIVE_EVENTS_REDIS_URL="redis://127.0.0.1:6379/0",
    )
    assert result.returncode == 0, result.stderr


def test_production_refuses_in_process_live_events_unless_declared() -> None:
    secrets = {"DJANGO_SECRET_KEY": "a-long-random-production-secret-" + "q8Z!" * 12, "ALLOWED_HOSTS": "k.example"}
    refused = _manage("check", **secrets)
    assert refused.returncode != 0
    assert "LIVE_EVENTS_REDIS_URL must be set in production" in refused.stderr
    assert _manage("check", **secrets, CACHE_URL="redis://127.0.0.1:6379/1").returncode == 0
    assert _manage("check", **secrets, LIVE_EVENTS_IN_PROCESS="True").returncode == 0
