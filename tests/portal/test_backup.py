"""Backup and restore as the README documents it: `manage.py backup_database` (pg_dump -Fc) on a database
filled by seed_demo, `manage.py restore_database` (pg_restore) into an empty one, then every table compared.

Both scratch databases get names unique to the run and are dropped afterwards, whatever happens."""

import os
import subprocess
import sys
import uuid
from pathlib import Path
from urllib.parse import quote

import psycopg2
import pytest
from django.conf import settings
from django.db import connection

from portal.cache import ResilientRedisCache
from tests.conftest import require

BASE_DIR = Path(__file__).resolve().parents[2]

# Key tables whose every row must come back byte for byte (a checksum of the rows in key order).
CHECKSUMMED = [
    "portal_user",
    "enterprises_enterprise",
    "enterprises_monthlyreport",
    "buildings_occupancy",
    "scenarios_scenario",
    "evaluation_runresult",
    "portal_historicaluser",  # the audit history comes back too
]


def _connect(name):
    params = connection.settings_dict
    return psycopg2.connect(
        dbname=name,
        user=params["USER"] or None,
        password=params["PASSWORD"] or None,
        host=params["HOST"] or None,
        port=params["PORT"] or None,
    )


def _url(name):
    params = connection.settings_dict
    credentials = quote(params["USER"] or "", safe="")
    if params["PASSWORD"]:
        credentials += ":" + quote(params["PASSWORD"], safe="")
    return f"postgres://{credentials}@{params['HOST'] or 'localhost'}:{params['PORT'] or 5432}/{name}"


def manage(name, *args, **extra_env):
    # No REDIS_URL unless given: seed_demo's tasks run in the process, as in `make run`.
    env = {k: v for k, v in os.environ.items() if k not in {"REDIS_URL", "DEBUG", "SECRET_KEY"}}
    env["DATABASE_URL"] = _url(name)
    env.update(extra_env)
    result = subprocess.run(  # noqa: S603
        [sys.executable, "manage.py", *args],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    return result


@pytest.fixture
def scratch_databases():
    """Two empty databases named for this run; dropped afterwards even if the test fails."""
    run = f"portal_backup_{os.getpid()}_{uuid.uuid4().hex[:8]}"
    names = (f"{run}_source", f"{run}_restored")
    admin = _connect("postgres")
    admin.autocommit = True
    try:
        with admin.cursor() as cursor:
            for name in names:
                cursor.execute(f'CREATE DATABASE "{name}"')
        yield names
    finally:
        with admin.cursor() as cursor:
            for name in names:
                cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()


def _snapshot(name):
    """Every table's row count, every sequence's position, and the key tables' checksums."""
    with _connect(name) as conn, conn.cursor() as cursor:
        cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename")
        tables = [row[0] for row in cursor.fetchall()]
        counts = {}
        for table in tables:
            cursor.execute(f'SELECT count(*) FROM "{table}"')
            counts[table] = cursor.fetchone()[0]
        cursor.execute("SELECT sequencename, last_value FROM pg_sequences WHERE schemaname = 'public'")
        sequences = dict(cursor.fetchall())
        checksums = {}
        for table in CHECKSUMMED:
            cursor.execute(f"SELECT md5(string_agg(t::text, '|' ORDER BY t::text)) FROM \"{table}\" t")
            checksums[table] = cursor.fetchone()[0]
    conn.close()
    return counts, sequences, checksums


@pytest.mark.django_db
def test_backup_and_restore_give_back_every_row(scratch_databases, tmp_path):
    require(connection.vendor == "postgresql", "pg_dump/pg_restore back up PostgreSQL: set DATABASE_URL")
    source, restored = scratch_databases
    for step in (("migrate", "--noinput"), ("seed_demo",)):
        result = manage(source, *step)
        assert result.returncode == 0, result.stderr[-3000:]

    dump = tmp_path / "backups" / "portal.dump"
    result = manage(source, "backup_database", str(dump))
    assert result.returncode == 0, result.stderr
    assert dump.read_bytes()[:5] == b"PGDMP"  # pg_dump's custom format

    # A damaged file is refused with a clear message and leaves the target as it was (one transaction).
    damaged = tmp_path / "damaged.dump"
    damaged.write_bytes(dump.read_bytes()[: len(dump.read_bytes()) // 2])
    result = manage(restored, "restore_database", str(damaged), "--noinput")
    assert result.returncode != 0
    assert "pg_restore 执行失败" in result.stderr
    assert _snapshot_tables(restored) == []

    # The portal's cache (pages and figures of the replaced data) is emptied; other keys in the same Redis
    # database (Celery's queue) stay.
    redis_env, portal_key, other_key = {}, None, f"not-the-portal-{uuid.uuid4().hex}"
    if settings.REDIS_URL:
        prefix = f"restore-{uuid.uuid4().hex[:8]}"
        redis_env = {"REDIS_URL": settings.REDIS_URL, "CACHE_KEY_PREFIX": prefix}
        portal_cache = ResilientRedisCache(settings.REDIS_URL, {"KEY_PREFIX": prefix})
        portal_cache.set("public-page", "replaced data")
        portal_key = portal_cache.make_key("public-page")
        redis = portal_cache._cache.get_client(write=True)
        redis.set(other_key, "queued task")
    result = manage(restored, "restore_database", str(dump), "--noinput", **redis_env)
    assert result.returncode == 0, result.stderr
    if portal_key:
        assert redis.get(portal_key) is None
        assert redis.get(other_key) == b"queued task"
        redis.delete(other_key)

    counts, sequences, checksums = _snapshot(source)
    assert _snapshot(restored) == (counts, sequences, checksums)
    # The demo really filled the tables that matter, so equal counts are not zeros.
    assert all(counts[table] > 0 for table in CHECKSUMMED), {t: counts[t] for t in CHECKSUMMED}
    assert sum(counts.values()) > 10_000
    # Django finds the restored database complete: no migration left to apply.
    result = manage(restored, "migrate", "--check")
    assert result.returncode == 0, result.stdout + result.stderr


def _snapshot_tables(name):
    with _connect(name) as conn, conn.cursor() as cursor:
        cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
        tables = [row[0] for row in cursor.fetchall()]
    conn.close()
    return tables


def test_backup_explains_that_it_needs_postgresql(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in {"REDIS_URL", "DEBUG"}}
    env["DATABASE_URL"] = f"sqlite:///{tmp_path / 'db.sqlite3'}"
    result = subprocess.run(  # noqa: S603
        [sys.executable, "manage.py", "backup_database", str(tmp_path / "x.dump")],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0
    assert "备份和恢复需要 PostgreSQL" in result.stderr
    assert not (tmp_path / "x.dump").exists()
