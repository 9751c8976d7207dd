"""Settings come from the environment: each case loads them afresh in a child process."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection

BASE_DIR = Path(__file__).resolve().parents[2]
PROBE = (
    "import json, django; from django.conf import settings; django.setup(); "
    "print(json.dumps({'engine': settings.DATABASES['default']['ENGINE'], "
    "'name': str(settings.DATABASES['default']['NAME']), 'eager': settings.CELERY_TASK_ALWAYS_EAGER, "
    "'broker': settings.CELERY_BROKER_URL, 'cache': settings.CACHES['default']['BACKEND'], "
    "'lang': settings.LANGUAGE_CODE, 'tz': settings.TIME_ZONE}))"
)


def load_settings(**env):
    clean = {
        k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL", "DEBUG", "SECRET_KEY"}
    }
    clean.update(env)
    clean["DJANGO_SETTINGS_MODULE"] = "portal.settings"
    return subprocess.run(  # noqa: S603
        [sys.executable, "-c", PROBE], cwd=BASE_DIR, env=clean, capture_output=True, text=True, timeout=60
    )


def test_defaults_are_sqlite_eager_celery_and_local_memory_cache():
    result = load_settings()
    assert result.returncode == 0, result.stderr
    loaded = json.loads(result.stdout.strip().splitlines()[-1])
    assert loaded["engine"] == "django.db.backends.sqlite3"
    assert loaded["name"] == str(BASE_DIR / "db.sqlite3")
    assert loaded["eager"] is True
    assert loaded["cache"] == "django.core.cache.backends.locmem.LocMemCache"
    assert (loaded["lang"], loaded["tz"]) == ("zh-hans", "Asia/Shanghai")


def test_database_and_redis_urls_switch_to_postgresql_and_redis():
    result = load_settings(
        DATABASE_URL="postgres://portal:secret@db.example:5432/portal",
        REDIS_URL="redis://cache.example:6379/1",
    )
    assert result.returncode == 0, result.stderr
    loaded = json.loads(result.stdout.strip().splitlines()[-1])
    assert loaded["engine"] == "django.db.backends.postgresql"
    assert loaded["name"] == "portal"
    assert loaded["eager"] is False
    assert loaded["broker"] == "redis://cache.example:6379/1"
    assert loaded["cache"] == "portal.cache.ResilientRedisCache"  # Django's RedisCache, degrading to no cache


def test_production_without_secret_key_refuses_to_start():
    result = load_settings(DEBUG="false")
    assert result.returncode != 0
    assert (
        "SECRET_KEY" in result.stderr
        and "DEBUG=false 时必须通过环境变量 SECRET_KEY 提供密钥" in result.stderr
    )


def test_production_with_secret_key_starts():
    result = load_settings(DEBUG="false", SECRET_KEY="x" * 60)
    assert result.returncode == 0, result.stderr


@pytest.mark.django_db
def test_suite_runs_on_the_configured_database():
    """CI sets DATABASE_URL: this proves the whole suite ran on PostgreSQL there."""
    expected = "postgresql" if os.environ.get("DATABASE_URL", "").startswith("postgres") else "sqlite"
    assert connection.vendor == expected
