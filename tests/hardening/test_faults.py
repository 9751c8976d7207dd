"""Faults: a Celery worker killed mid-recompute, PostgreSQL restarted under a running portal, Redis down.

The portal's processes run as the real thing — ``celery -A portal worker`` and gunicorn as subprocesses,
PostgreSQL as a private cluster and Redis as a private server that the tests stop and start (the shared
services on 5432 and 6379 are never touched). Time bounds are generous: they catch hangs, they do not
measure speed.
"""

import json
import shutil
import signal
import subprocess
import tempfile
import time
import uuid
from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone
from kombu.exceptions import OperationalError
from rest_framework.authtoken.models import Token

from evaluation import selectors
from evaluation import services as evaluation_services
from evaluation import tasks as evaluation_tasks
from evaluation.models import Run
from portal import cache as resilient_cache
from portal import taskqueue
from tests import factories
from tests.conftest import require

from .conftest import (
    PrivateCluster,
    celery_worker_process,
    database_url,
    free_port,
    gunicorn,
    http,
    lock_waiters,
    portal_env,
    postgres_bindir,
    postgresql,
    private_redis,
    raw_connection,
    stop,
    wait_for,
)

HANG = 10  # seconds: an answer slower than this counts as hanging
EXPECTED = [  # tests/evaluation: the hand-made 2025 data ranked by the development scheme
    ("500103", 1, "90.00", "3000.00"),
    ("500105", 2, "45.00", "2500.00"),
    ("500107", 3, "20.00", "2000.00"),
    ("500106", 4, "0.00", "0.00"),
]


def ranking(run):
    return [(r["region"], r["rank"], r["total_score"], r["award"]) for r in selectors.results_table(run)]


def status_of(run) -> str:
    return Run.objects.values_list("status", flat=True).get(pk=run.pk)


# --- a worker killed in the middle of a recompute ----------------------------------------------------------


def _stale_after(run, settings, monkeypatch):
    """Shrink the task time limit to a second (this process only) so the sweep may judge the run now."""
    settings.EVALUATION_RUN_TIME_LIMIT = 1
    monkeypatch.setattr(evaluation_services, "STALE_MARGIN", timedelta(0))
    assert wait_for(lambda: timezone.now() - run.started_at > timedelta(seconds=1.2), 5)


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_worker_killed_mid_run_leaves_a_failed_run_and_a_new_worker_gives_the_published_numbers(
    world, year_2025, make_scheme, settings, monkeypatch, tmp_path
):
    require(postgresql(), "needs PostgreSQL (DATABASE_URL): the worker process reads the test database")
    require(bool(settings.REDIS_URL), "needs Redis (REDIS_URL): the broker of the worker process")
    import redis

    from portal import celery_app

    celery_app.control.purge()
    env = portal_env(DATABASE_URL=database_url(), REDIS_URL=settings.REDIS_URL)
    scheme = make_scheme()
    first = f"first-{uuid.uuid4().hex[:6]}"
    try:
        _kill_a_worker_mid_run(world, scheme, settings, monkeypatch, tmp_path, env, first)
    finally:
        # The killed worker's message stays unacknowledged in Redis: not the next test's business.
        redis.Redis.from_url(settings.REDIS_URL).delete("unacked", "unacked_index")


def _kill_a_worker_mid_run(world, scheme, settings, monkeypatch, tmp_path, env, first):
    with celery_worker_process(tmp_path, first, env) as worker:
        published = evaluation_services.request_recompute(actor=world.city, scheme=scheme)
        assert wait_for(lambda: status_of(published) in ("done", "failed"), 60, 0.2), (
            "the first run never ended"
        )
        published = evaluation_services.publish_run(actor=world.city, run=Run.objects.get(pk=published.pk))
        assert ranking(published) == EXPECTED

        # The next run stops inside its first indicator: the table it reads is locked by this test.
        lock = raw_connection()
        lock.autocommit = False
        lock.cursor().execute("LOCK TABLE buildings_acquisitionchange IN ACCESS EXCLUSIVE MODE")
        try:
            run = evaluation_services.request_recompute(actor=world.city, scheme=scheme)
            computing = wait_for(lambda: status_of(run) == "running" and lock_waiters() > 0, 60, 0.1)
            assert computing, (tmp_path / f"{first}.log").read_text(errors="replace")[-2000:]
            stop(worker, signal.SIGKILL)  # the worker and its pool child, mid-computation
        finally:
            lock.rollback()
            lock.close()

    run.refresh_from_db()
    assert run.status == "running" and run.started_at is not None  # nobody is left to finish it

    # The beat's sweep (and the scheme's next recompute request) gives such a run up.
    _stale_after(run, settings, monkeypatch)
    assert evaluation_tasks.fail_stale_runs() == 1
    run.refresh_from_db()
    assert (run.status, run.error) == ("failed", evaluation_services.STALE_ERROR)
    assert not run.results.exists()
    # Its message, delivered again (after the broker's visibility timeout), computes nothing.
    assert evaluation_services.compute_run(run_id=run.pk).status == "failed"

    with celery_worker_process(tmp_path, f"second-{uuid.uuid4().hex[:6]}", env):
        again = evaluation_services.request_recompute(actor=world.city, scheme=scheme)
        assert wait_for(lambda: status_of(again) in ("done", "failed"), 60, 0.2), "the new run never ended"
    again.refresh_from_db()
    assert again.status == "done", again.error
    assert ranking(again) == ranking(published) == EXPECTED
    assert selectors.results_table(again) == selectors.results_table(published)  # indicator by indicator
    assert not any(row["changed"] for row in selectors.diff_from_published(again))


def test_runs_whose_worker_died_are_failed_by_the_sweep_and_by_the_next_request(
    world, make_scheme, settings, monkeypatch
):
    monkeypatch.setattr(taskqueue, "send", lambda *args, **kwargs: None)
    scheme = make_scheme()
    lost = evaluation_services.request_recompute(actor=world.city, scheme=scheme)
    long_ago = timezone.now() - timedelta(seconds=settings.EVALUATION_RUN_TIME_LIMIT) - timedelta(minutes=2)
    Run.objects.filter(pk=lost.pk).update(status="running", started_at=long_ago)
    other = make_scheme(codes=["500106", "500107"], table=())
    alive = evaluation_services.request_recompute(actor=world.city, scheme=other)
    Run.objects.filter(pk=alive.pk).update(status="running", started_at=timezone.now())

    # The next request of the scheme: the lost run is failed first, so the request is not refused (409).
    fresh = evaluation_services.request_recompute(actor=world.city, scheme=scheme)
    lost.refresh_from_db()
    assert (lost.status, lost.error) == ("failed", evaluation_services.STALE_ERROR)
    assert fresh.pk != lost.pk and fresh.status == "queued"

    # The beat's sweep leaves a run that is within its time limit alone.
    assert evaluation_tasks.fail_stale_runs() == 0
    assert status_of(alive) == "running"
    Run.objects.filter(pk=alive.pk).update(started_at=long_ago)
    assert evaluation_tasks.fail_stale_runs() == 1
    assert status_of(alive) == "failed"

    # A computation that outlived its sweep writes nothing: its run was given up.
    assert evaluation_services.compute_run(run_id=alive.pk).status == "failed"
    assert not Run.objects.get(pk=alive.pk).results.exists()


def test_a_run_stopped_at_its_time_limit_is_failed_with_the_reason(world, make_scheme, settings, monkeypatch):
    from celery.exceptions import SoftTimeLimitExceeded

    from evaluation.indicators import SOURCES, Source

    def too_slow(*args, **kwargs):
        raise SoftTimeLimitExceeded()  # what Celery raises in the task at the soft limit

    source = SOURCES["new_used_area"]
    monkeypatch.setitem(SOURCES, "new_used_area", Source(source.label, source.unit, too_slow, source.records))
    monkeypatch.setattr(taskqueue, "send", lambda *args, **kwargs: None)
    run = evaluation_services.request_recompute(actor=world.city, scheme=make_scheme())
    with pytest.raises(SoftTimeLimitExceeded):
        evaluation_services.compute_run(run_id=run.pk)
    run.refresh_from_db()
    limit = settings.EVALUATION_RUN_TIME_LIMIT
    assert (run.status, run.error) == ("failed", f"计算超过时限（{limit} 秒），已中止；请重新计算。")
    assert not run.results.exists()


# --- PostgreSQL restarted under the running portal -----------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_requests_recover_after_postgresql_restarts_under_the_running_portal(tmp_path):
    """What the portal promises: while the database is down /health/ answers 503 and other requests fail
    at once (500, nothing half-done); once it is back the very next request succeeds — the persistent
    connection is checked before use (CONN_HEALTH_CHECKS) — and nobody restarts the portal."""
    require(postgresql(), "needs PostgreSQL (DATABASE_URL): its schema is copied into the private cluster")
    bindir = postgres_bindir()
    require(bindir is not None and (bindir / "initdb").exists(), "needs the PostgreSQL server binaries")
    require(shutil.which("runuser") is not None, "needs runuser to start PostgreSQL as postgres")
    began = time.monotonic()
    root = Path(tempfile.mkdtemp(prefix="portal-pg-"))  # not under pytest's 0700 tmp: postgres must enter
    cluster = PrivateCluster(bindir, root)
    try:
        cluster.init()
        cluster.start()
        _copy_test_database(bindir, cluster.url("portal"))
        with gunicorn(tmp_path, portal_env(DATABASE_URL=cluster.url("portal"))) as base:

            def get(path):
                status, _, body, took = http("GET", base + path, timeout=30)
                assert took < HANG, f"{path} took {took:.1f}s"
                return status, body

            status, body = get("/api/v1/regions/")
            assert status == 200 and json.loads(body)["count"] > 40
            assert get("/health/")[0] == 200

            # Restarted between two requests: the next one reconnects.
            cluster.stop()
            cluster.start()
            status, body = get("/api/v1/regions/")
            assert status == 200 and json.loads(body)["count"] > 40

            # Down for a while: the health check says so, requests fail at once instead of hanging.
            cluster.stop()
            status, body = get("/health/")
            assert status == 503 and json.loads(body)["database"] == "error"
            assert get("/api/v1/regions/")[0] == 500
            cluster.start()
            assert get("/api/v1/regions/")[0] == 200
            assert get("/health/")[0] == 200
    finally:
        subprocess.run(
            cluster._server("pg_ctl", "-D", str(cluster.data), "-m", "immediate", "stop"), check=False
        )
        shutil.rmtree(root, ignore_errors=True)
    assert time.monotonic() - began < 60


def _copy_test_database(bindir: Path, target: str) -> None:
    """The migrated test database (schema, regions, programmes) into the private cluster, with pg_dump —
    what ``migrate`` would build there, in seconds instead of half a minute."""
    base, name = target.rsplit("/", 1)
    subprocess.run(
        [str(bindir / "createdb"), f"--maintenance-db={base}/postgres", name], check=True, timeout=60
    )
    dump = subprocess.Popen(
        [str(bindir / "pg_dump"), "-Fc", "--no-owner", "--no-privileges", "-d", database_url()],
        stdout=subprocess.PIPE,
    )
    restore = subprocess.run(
        [str(bindir / "pg_restore"), "--no-owner", "--no-privileges", "-d", target],
        stdin=dump.stdout,
        capture_output=True,
        timeout=120,
    )
    dump.stdout.close()
    assert dump.wait(60) == 0 and restore.returncode == 0, restore.stderr.decode()


# --- Redis down -------------------------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_with_redis_down_pages_answer_and_jobs_are_refused_at_once(world, make_scheme, tmp_path):
    require(postgresql(), "needs PostgreSQL (DATABASE_URL): the served portal reads the test database")
    building = factories.make_building("500103", name="解放碑数字大厦")
    factories.designate(building)
    scheme = make_scheme()
    token, _ = Token.objects.get_or_create(user=world.city)
    auth = {"Authorization": f"Token {token.key}"}

    with (
        private_redis(tmp_path) as (redis_server, redis_url),
        gunicorn(tmp_path, portal_env(DATABASE_URL=database_url(), REDIS_URL=redis_url)) as base,
    ):

        def call(method, path, **kwargs):
            status, _, body, took = http(method, base + path, timeout=30, **kwargs)
            assert took < HANG, f"{method} {path} took {took:.1f}s: it hangs"
            return status, body

        assert call("GET", "/health/")[0] == 200
        status, body = call("GET", "/demonstration-buildings/")
        assert status == 200 and "解放碑数字大厦" in body.decode()  # now cached in Redis
        export = call("GET", "/api/v1/buildings/?format=xlsx", headers=auth)
        assert export[0] == 200

        stop(redis_server, signal.SIGKILL)

        # Pages and reads: computed without the cache.
        for path in ("/demonstration-buildings/", "/api/v1/demonstration-buildings/"):
            status, body = call("GET", path)
            assert status == 200 and "解放碑数字大厦" in body.decode(), path
        status, body = call("GET", "/api/v1/enterprises/", headers=auth)
        assert status == 200 and json.loads(body)["count"] == 2
        status, body = call("GET", "/health/")
        assert status == 503 and json.loads(body)["cache"] == "error"

        # Jobs: refused with the reason, and nothing is left waiting for a worker that never comes.
        refusal = {"detail": taskqueue.UNAVAILABLE}
        for _ in range(2):  # the failed run does not block the next request either
            status, body = call("POST", f"/api/v1/evaluation/schemes/{scheme.pk}/recompute/", headers=auth)
            assert (status, json.loads(body)) == (503, refusal)
        runs = Run.objects.filter(scheme=scheme)
        assert [(r.status, r.error) for r in runs] == [("failed", evaluation_services.QUEUE_DOWN_ERROR)] * 2

        boundary = uuid.uuid4().hex
        upload = (
            (
                f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="buildings.xlsx"\r\n'
                "Content-Type: application/octet-stream\r\n\r\n"
            ).encode()
            + export[1]
            + f"\r\n--{boundary}--\r\n".encode()
        )
        status, body = call(
            "POST",
            "/api/v1/imports/buildings/?background=1",
            headers={**auth, "Content-Type": f"multipart/form-data; boundary={boundary}"},
            body=upload,
        )
        assert (status, json.loads(body)) == (503, refusal)


@pytest.mark.django_db(transaction=True)
def test_a_queue_refusal_fails_the_run_and_the_page_says_why(world, make_scheme, client, monkeypatch):
    """The same refusal in-process (any database): the send fails as kombu fails when Redis is down."""
    from evaluation.tasks import compute_run, recompute_scheme, schedule_recompute

    def down(*args, **kwargs):
        raise OperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    monkeypatch.setattr(compute_run, "apply_async", down)
    monkeypatch.setattr(recompute_scheme, "apply_async", down)
    scheme = make_scheme()
    client.force_login(world.city)
    response = client.post(f"/evaluation/schemes/{scheme.pk}/recompute/", follow=True)
    assert response.redirect_chain[-1][0] == f"/evaluation/schemes/{scheme.pk}/"
    assert taskqueue.UNAVAILABLE in response.content.decode()
    assert [(r.status, r.error) for r in Run.objects.all()] == [
        ("failed", evaluation_services.QUEUE_DOWN_ERROR)
    ]

    # Accepted data changing while the queue is down: the change stands, the recompute is only logged.
    assert schedule_recompute(scheme.pk) is False
    from django.core.cache import cache

    assert cache.get(evaluation_tasks.pending_key(scheme.pk)) is None  # the next change tries again


def test_the_cache_treats_a_dead_redis_as_a_miss():
    dead = resilient_cache.ResilientRedisCache(f"redis://127.0.0.1:{free_port()}/0", {})
    resilient_cache._down_until.clear()
    began = time.monotonic()
    assert dead.get("key", "default") == "default"
    dead.set("key", "value")
    assert dead.add("key", "value") is False
    assert dead.get_many(["key"]) == {}
    assert dead.set_many({"a": 1, "b": 2}) == ["a", "b"]
    assert dead.delete("key") is False
    with pytest.raises(ValueError):
        dead.incr("key")
    assert dead.get_or_set("key", "computed") == "computed"
    assert time.monotonic() - began < 2
    assert resilient_cache._down_until  # and it is left alone for a few seconds
    resilient_cache._down_until.clear()
