"""Helpers of the hardening suite: real concurrent connections, lock waits, and the portal's processes
(Celery worker, gunicorn, a private PostgreSQL cluster, a private Redis) run as subprocesses.

Races are made deterministic, not left to luck: ``HoldFirst`` keeps the first writer inside its
transaction (holding its row locks) until PostgreSQL reports another connection waiting for a lock, and
only then lets it commit. Code that forgets its lock lets the second writer through instead; the hold
then times out and the test sees two writes.
"""

import glob
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from contextlib import contextmanager, suppress
from pathlib import Path

import psycopg2
import pytest
from django.db import connection, connections

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent


def postgresql() -> bool:
    return connection.vendor == "postgresql"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for(predicate: Callable[[], bool], timeout: float, interval: float = 0.05) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(interval)
    return predicate()


# --- the test database, from other connections and processes ---------------------------------------------


def database_url() -> str:
    """The test database (pytest-django's ``test_<name>``) as a URL for a subprocess."""
    s = connection.settings_dict
    auth = s["USER"] + (f":{s['PASSWORD']}" if s["PASSWORD"] else "")
    return f"postgres://{auth}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"


def raw_connection():
    """A psycopg2 connection of its own (autocommit) to the test database."""
    s = connection.settings_dict
    conn = psycopg2.connect(
        dbname=s["NAME"],
        user=s["USER"],
        password=s["PASSWORD"] or None,
        host=s["HOST"] or None,
        port=s["PORT"] or None,
    )
    conn.autocommit = True
    return conn


def lock_waiters() -> int:
    """Connections to the test database that wait for a lock now."""
    conn = raw_connection()
    try:
        with conn.cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity"
                " WHERE datname = current_database() AND wait_event_type = 'Lock'"
            )
            return cursor.fetchone()[0]
    finally:
        conn.close()


class HoldFirst:
    """A signal receiver: the first call (inside a writer's transaction) waits until another connection
    waits for a lock, then returns so the writer commits. ``saw_waiter`` tells whether one did."""

    def __init__(self, timeout: float = 10):
        self.timeout = timeout
        self.saw_waiter = None
        self._taken = False
        self._guard = threading.Lock()

    def __call__(self, sender=None, **kwargs):
        with self._guard:
            if self._taken:
                return
            self._taken = True
        self.saw_waiter = wait_for(lambda: lock_waiters() > 0, self.timeout)


@contextmanager
def holding(signal_, sender, hold: HoldFirst):
    signal_.connect(hold, sender=sender, weak=False, dispatch_uid="hardening-hold")
    try:
        yield hold
    finally:
        signal_.disconnect(sender=sender, dispatch_uid="hardening-hold")


def race(*calls: Callable[[], object], timeout: float = 60) -> list:
    """Run each call in a thread of its own (so on a Django connection of its own), all released together
    by a barrier. Returns their results in order (an exception raised is returned as the result)."""
    barrier = threading.Barrier(len(calls))
    results: list = [None] * len(calls)

    def run(index, call):
        try:
            barrier.wait(timeout)
            results[index] = call()
        except BaseException as exc:  # noqa: BLE001 - handed to the test
            results[index] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, call), daemon=True) for i, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout)
    assert not any(thread.is_alive() for thread in threads), "a racing thread hung"
    return results


def token_client(user):
    """An API client of its own, authenticated with the user's token (one per racing thread)."""
    from rest_framework.authtoken.models import Token
    from rest_framework.test import APIClient

    client = APIClient()
    token, _ = Token.objects.get_or_create(user=user)
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return client


# --- processes ---------------------------------------------------------------------------------------------


def _log(tmp_dir: Path, name: str):
    return open(tmp_dir / f"{name}.log", "wb")  # noqa: SIM115 - closed with the process


def stop(process: subprocess.Popen, sig=signal.SIGTERM, timeout: float = 10) -> None:
    """Signal a process started with ``start_new_session`` and all its children (a Celery worker's pool,
    gunicorn's workers)."""
    if process.poll() is None:
        with suppress(ProcessLookupError):
            os.killpg(process.pid, sig)
        try:
            process.wait(timeout)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout)


@contextmanager
def celery_worker_process(tmp_dir: Path, name: str, env: dict):
    """``celery -A portal worker`` (prefork, one child) on the test database; yields the Popen once ready."""
    log_path = tmp_dir / f"{name}.log"
    with _log(tmp_dir, name) as log:
        process = subprocess.Popen(
            [
                str(BIN / "celery"),
                "-A",
                "portal",
                "worker",
                "--pool=prefork",
                "--concurrency=1",
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
                "--hostname",
                f"{name}@hardening",
                "--loglevel=INFO",
            ],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        try:
            ready = wait_for(lambda: b" ready." in log_path.read_bytes() or process.poll() is not None, 60)
            assert ready and process.poll() is None, log_path.read_text(errors="replace")[-3000:]
            yield process
        finally:
            stop(process, signal.SIGKILL)


def http(method: str, url: str, *, headers=None, body: bytes | None = None, timeout: float = 20):
    """One request with the standard library: (status, headers, body bytes, seconds taken)."""
    request = urllib.request.Request(url, data=body, method=method, headers=headers or {})
    started = time.monotonic()
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310 - loopback
            return response.status, response.headers, response.read(), time.monotonic() - started
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read(), time.monotonic() - started


@contextmanager
def gunicorn(tmp_dir: Path, env: dict):
    """The portal served by gunicorn (one sync worker) on a free port; yields its base URL once it answers."""
    port = free_port()
    with _log(tmp_dir, "gunicorn") as log:
        process = subprocess.Popen(
            [
                str(BIN / "gunicorn"),
                "portal.wsgi:application",
                "--bind",
                f"127.0.0.1:{port}",
                "--workers",
                "1",
                "--timeout",
                "30",
                "--graceful-timeout",
                "2",
            ],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        base = f"http://127.0.0.1:{port}"

        def answers():
            try:
                return http("GET", f"{base}/health/", timeout=5)[0] in (200, 503)
            except OSError:
                return process.poll() is not None

        try:
            assert wait_for(answers, 60, 0.2) and process.poll() is None, (
                tmp_dir / "gunicorn.log"
            ).read_text()
            yield base
        finally:
            stop(process)


def portal_env(**overrides) -> dict:
    """The environment of a portal subprocess: this one's, minus what the test sets itself."""
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL", "PYTHONPATH")}
    env["PYTHONPATH"] = str(ROOT)
    env.update({k: v for k, v in overrides.items() if v is not None})
    return env


@contextmanager
def private_redis(tmp_dir: Path):
    """A redis-server of our own on a free port (never the shared one); yields (Popen, url)."""
    server = shutil.which("redis-server")
    if server is None:
        pytest.skip("redis-server is not installed")
    port = free_port()
    with _log(tmp_dir, "redis") as log:
        process = subprocess.Popen(
            [server, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
            cwd=tmp_dir,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        try:

            def up():
                try:
                    with socket.create_connection(("127.0.0.1", port), timeout=1) as sock:
                        sock.sendall(b"PING\r\n")
                        return sock.recv(16).startswith(b"+PONG")
                except OSError:
                    return False

            assert wait_for(up, 20, 0.1), (tmp_dir / "redis.log").read_text()
            yield process, f"redis://127.0.0.1:{port}/0"
        finally:
            stop(process, signal.SIGKILL)


def postgres_bindir() -> Path | None:
    """The PostgreSQL server binaries (initdb, pg_ctl), of the newest version installed."""
    if os.environ.get("PG_BINDIR"):
        return Path(os.environ["PG_BINDIR"])
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(Path(p).parts[-3]))
    if found:
        return Path(found[-1]).parent
    initdb = shutil.which("initdb")
    return Path(initdb).parent if initdb else None


class PrivateCluster:
    """A PostgreSQL cluster of our own in a temporary folder, on a free port, with its socket there too:
    stopping and starting it touches nobody else's database. As root, the server runs as ``postgres``."""

    def __init__(self, bindir: Path, root: Path):
        self.bindir, self.root = bindir, root
        self.data, self.port = root / "data", free_port()

    def _server(self, *args) -> list[str]:
        command = [str(self.bindir / args[0]), *args[1:]]
        return ["runuser", "-u", "postgres", "--", *command] if os.geteuid() == 0 else command

    def run(self, *args):
        result = subprocess.run(self._server(*args), capture_output=True, text=True, timeout=120)
        assert result.returncode == 0, result.stdout + result.stderr
        return result

    def init(self):
        if os.geteuid() == 0:
            import pwd

            entry = pwd.getpwnam("postgres")
            os.chown(self.root, entry.pw_uid, entry.pw_gid)
        self.run("initdb", "-D", str(self.data), "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-sync")

    def start(self):
        options = (
            f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1 -c fsync=off"
            " -c full_page_writes=off -c shared_buffers=16MB"
        )
        self.run(
            "pg_ctl", "-D", str(self.data), "-o", options, "-l", str(self.root / "server.log"), "-w", "start"
        )

    def stop(self, mode: str = "fast"):
        self.run("pg_ctl", "-D", str(self.data), "-m", mode, "-w", "stop")

    def url(self, name: str) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{name}"


# The evaluation suite's hand-made 2025 data and scheme maker, for the recompute races and faults.
from tests.evaluation.conftest import make_scheme, year_2025  # noqa: E402, F401
