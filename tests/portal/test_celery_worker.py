"""A real Celery worker, through Redis, against the test database (CI sets REDIS_URL)."""

import pytest
from django.conf import settings

from portal import celery_app
from portal.models import Region
from portal.tasks import region_count
from tests.conftest import require

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def celery_worker():
    require(bool(settings.REDIS_URL), "REDIS_URL is not set: no broker for a real worker")
    from celery.contrib.testing.worker import start_worker

    celery_app.loader.import_module("celery.contrib.testing.tasks")
    with start_worker(celery_app, pool="solo", perform_ping_check=True, shutdown_timeout=10) as worker:
        yield worker


def test_task_runs_in_a_real_worker_through_redis(celery_worker):
    assert not celery_app.conf.task_always_eager
    result = region_count.delay()
    assert result.get(timeout=20) == Region.objects.count() == 48
    assert result.state == "SUCCESS"


def test_check_worker_command(celery_worker, capsys):
    from django.core.management import call_command

    call_command("check_worker", "--timeout", "20")
    assert "Celery 工作进程正常，读到 48 个区域。" in capsys.readouterr().out
