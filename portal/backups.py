"""Backup and restore of the portal's PostgreSQL database with pg_dump's custom format (README "Backup and
restore"). The connection comes from DATABASE_URL through Django's settings; the password travels in the
child process's environment (PGPASSWORD), never on a command line that `ps` shows."""

import os
import shutil
import subprocess
from pathlib import Path

from django.conf import settings
from django.core.management.base import CommandError

from portal.cache import clear_portal_keys


def _environment(alias: str = "default") -> dict:
    database = settings.DATABASES[alias]
    if database["ENGINE"] != "django.db.backends.postgresql":
        raise CommandError(
            "备份和恢复需要 PostgreSQL（DATABASE_URL=postgres://…）；SQLite 数据库请在停机后直接复制数据库文件。"
        )
    values = {
        "PGDATABASE": database["NAME"],
        "PGUSER": database.get("USER"),
        "PGPASSWORD": database.get("PASSWORD"),
        "PGHOST": database.get("HOST"),
        "PGPORT": str(database.get("PORT") or ""),
    }
    return {**os.environ, **{key: value for key, value in values.items() if value}}


def _run(program: str, arguments: list[str], env: dict) -> None:
    executable = shutil.which(program)
    if executable is None:
        raise CommandError(
            f"找不到 {program}：请安装与数据库服务器同版本或更新版本的 PostgreSQL 客户端（postgresql-client）。"
        )
    result = subprocess.run([executable, *arguments], env=env, capture_output=True, text=True)  # noqa: S603
    if result.returncode != 0:
        raise CommandError(f"{program} 执行失败（退出码 {result.returncode}）：{result.stderr.strip()}")


def dump(path: Path, alias: str = "default") -> None:
    """The whole database (schema, data, sequences) in pg_dump's compressed custom format."""
    env = _environment(alias)
    path.parent.mkdir(parents=True, exist_ok=True)
    # Owners and grants are the source server's; the restoring role owns what it restores.
    _run("pg_dump", ["--format=custom", "--no-owner", "--no-privileges", f"--file={path}"], env)


def restore(path: Path, alias: str = "default") -> None:
    """Replace the database's contents with a dump, all or nothing: one transaction, stopped at the first
    error, so a damaged file leaves the database as it was."""
    if not path.is_file():
        raise CommandError(f"备份文件“{path}”不存在。")
    env = _environment(alias)
    _run(
        "pg_restore",
        [
            "--clean",
            "--if-exists",
            "--no-owner",
            "--no-privileges",
            "--single-transaction",
            "--exit-on-error",
            f"--dbname={env['PGDATABASE']}",
            str(path),
        ],
        env,
    )
    clear_portal_keys()  # cached pages and figures were of the replaced data
