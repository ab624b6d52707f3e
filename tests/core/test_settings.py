"""Production configuration: loud errors on bad values, `check --deploy` clean."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

PROD_ENV = {
    "KOTAN_DEBUG": "0",
    "KOTAN_SECRET_KEY": "x" * 20 + "-production-secret-for-the-check-only-" + "y" * 20,
    "KOTAN_ALLOWED_HOSTS": "sikotan.example.go.id",
}


def run_manage(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    drop = ("KOTAN_", "DATABASE_URL", "DJANGO_ALLOW_ASYNC_UNSAFE")
    base = {k: v for k, v in os.environ.items() if not k.startswith(drop)}
    return subprocess.run(  # noqa: S603
        [sys.executable, "-m", "kotan.cli", *args],
        env={**base, "DJANGO_SETTINGS_MODULE": "kotan.settings", **env},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_check_deploy_is_clean_with_debug_off() -> None:
    result = run_manage("check", "--deploy", "--fail-level", "WARNING", **PROD_ENV)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_missing_secret_key_is_refused_in_production() -> None:
    env = {k: v for k, v in PROD_ENV.items() if k != "KOTAN_SECRET_KEY"}
    result = run_manage("check", **env)
    assert result.returncode != 0
    assert "KOTAN_SECRET_KEY" in result.stderr


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("KOTAN_DEBUG", "maybe", "KOTAN_DEBUG must be a boolean"),
        ("KOTAN_LOGIN_FAILURE_LIMIT", "lima", "KOTAN_LOGIN_FAILURE_LIMIT must be an integer"),
        ("KOTAN_LOGIN_FAILURE_LIMIT", "0", "at least 1"),
        ("KOTAN_SECRET_KEY", "short", "at least 50 characters"),
    ],
)
def test_bad_values_fail_loudly(name: str, value: str, message: str) -> None:
    result = run_manage("check", **{**PROD_ENV, name: value})
    assert result.returncode != 0
    assert message in result.stderr


def test_secret_key_can_come_from_a_file(tmp_path: object) -> None:
    from pathlib import Path

    secret = Path(str(tmp_path)) / "secret"
    secret.write_text(PROD_ENV["KOTAN_SECRET_KEY"] + "\n")
    env = {k: v for k, v in PROD_ENV.items() if k != "KOTAN_SECRET_KEY"}
    result = run_manage("check", **env, KOTAN_SECRET_KEY_FILE=str(secret))
    assert result.returncode == 0, result.stderr


def test_the_configured_cache_round_trips() -> None:
    """With KOTAN_REDIS_URL (the PostgreSQL run of `make test`) the cache is a real Redis."""
    import uuid

    from django.conf import settings
    from django.core.cache import cache

    backend = settings.CACHES["default"]["BACKEND"]
    expected = "redis.RedisCache" if os.environ.get("KOTAN_REDIS_URL") else "locmem.LocMemCache"
    assert backend.endswith(expected)
    key = f"kotan:test:{uuid.uuid4()}"
    cache.set(key, {"nilai": 1}, 30)
    assert cache.get(key) == {"nilai": 1}
    cache.delete(key)
    assert cache.get(key) is None


def test_links_in_background_messages_have_a_site_address() -> None:
    """Reminders are written by a job, with no request to take the host from."""
    code = "from django.conf import settings; print(settings.KOTAN_SITE_URL)"
    result = run_manage("shell", "-c", code, **PROD_ENV)
    assert result.stdout.strip().splitlines()[-1] == "https://sikotan.example.go.id", result.stderr
    result = run_manage("shell", "-c", code, **PROD_ENV, KOTAN_SITE_URL="https://x.go.id/")
    assert result.stdout.strip().splitlines()[-1] == "https://x.go.id"
