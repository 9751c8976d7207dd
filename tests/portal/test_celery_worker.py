"""A real Celery worker, through Redis, against the test database (CI sets REDIS_URL)."""

import pytest

from portal import celery_app
from portal.models import Region
from portal.tasks import region_count

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def test_task_runs_in_a_real_worker_through_redis(celery_worker):
    assert not celery_app.conf.task_always_eager
    result = region_count.delay()
    assert result.get(timeout=20) == Region.objects.count() == 48
    assert result.state == "SUCCESS"


def test_check_worker_command(celery_worker, capsys):
    from django.core.management import call_command

    call_command("check_worker", "--timeout", "20")
    assert "Celery 工作进程正常，读到 48 个区域。" in capsys.readouterr().out
