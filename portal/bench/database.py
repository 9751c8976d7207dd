"""The benchmark's scratch database: a PostgreSQL database on the configured server, dropped and recreated for
each run, never the configured database itself."""

import re
from urllib.parse import quote

from django.core.management.base import CommandError

NAME = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")
MAINTENANCE_DATABASES = {"postgres", "template0", "template1"}


def check_target(settings_dict: dict, name: str) -> None:
    """Refuse anything but a separate database on a PostgreSQL server: the run drops it."""
    engine = settings_dict.get("ENGINE", "")
    if "postgresql" not in engine:
        raise CommandError(
            f"基准测试只能在 PostgreSQL 上运行：当前 DATABASE_URL 使用的是 {engine.rsplit('.', 1)[-1]}。"
            "请设置 DATABASE_URL=postgres://用户@主机:端口/库名 后重试。"
        )
    if not NAME.match(name):
        raise CommandError(
            f"临时数据库名“{name}”无效：只能由小写字母、数字和下划线组成，以字母或下划线开头，最长 63 个字符。"
        )
    if name == settings_dict.get("NAME"):
        raise CommandError(
            f"临时数据库名“{name}”就是当前配置的数据库：基准测试会删除并重建临时数据库，已拒绝。"
            "请用 --database 指定另一个名字。"
        )
    if name in MAINTENANCE_DATABASES:
        raise CommandError(f"“{name}”是 PostgreSQL 的系统数据库，不能用作临时数据库。")


def database_url(settings_dict: dict, name: str) -> str:
    """A DATABASE_URL for ``name`` on the configured server, with the configured credentials."""
    user = quote(settings_dict.get("USER") or "", safe="")
    password = settings_dict.get("PASSWORD") or ""
    auth = f"{user}:{quote(password, safe='')}" if password else user
    host = quote(settings_dict.get("HOST") or "localhost", safe="")  # a socket directory is quoted whole
    port = settings_dict.get("PORT") or 5432
    return f"postgres://{auth}@{host}:{port}/{name}"


def _maintenance(settings_dict: dict):
    import psycopg2

    connection = psycopg2.connect(
        dbname="postgres",
        user=settings_dict.get("USER") or None,
        password=settings_dict.get("PASSWORD") or None,
        host=settings_dict.get("HOST") or None,
        port=settings_dict.get("PORT") or None,
    )
    connection.autocommit = True
    return connection


def recreate(settings_dict: dict, name: str) -> None:
    from psycopg2 import sql

    connection = _maintenance(settings_dict)
    try:
        with connection.cursor() as cursor:
            cursor.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
            cursor.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    finally:
        connection.close()


def drop(settings_dict: dict, name: str) -> None:
    from psycopg2 import sql

    connection = _maintenance(settings_dict)
    try:
        with connection.cursor() as cursor:
            cursor.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
    finally:
        connection.close()


def exists(settings_dict: dict, name: str) -> bool:
    connection = _maintenance(settings_dict)
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
            return cursor.fetchone() is not None
    finally:
        connection.close()


def server_version(settings_dict: dict) -> str:
    connection = _maintenance(settings_dict)
    try:
        with connection.cursor() as cursor:
            cursor.execute("SHOW server_version")
            return cursor.fetchone()[0]
    finally:
        connection.close()
