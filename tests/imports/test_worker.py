"""A background import executed by a real Celery worker through Redis, against the test database."""

import time

import pytest
from django.db import connection

from enterprises.models import Enterprise
from portal.models import ImportJob
from tests.conftest import require

from .conftest import workbook_bytes
from .test_imports import enterprise_row

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def test_a_background_import_runs_in_a_real_worker(celery_worker, world, post_import):
    require(connection.vendor == "postgresql", "needs PostgreSQL (DATABASE_URL)")
    content = workbook_bytes("enterprises", [enterprise_row(i) for i in range(5)])
    response = post_import(world.district, "enterprises", content, background=1)
    assert response.status_code == 202
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        job = ImportJob.objects.get(pk=response.data["id"])
        if job.status in ("done", "failed"):
            break
        time.sleep(0.2)
    assert job.status == "done", job.error
    assert job.committed and job.summary["created"] == 5
    assert Enterprise.objects.filter(name__startswith="重庆导入软件").count() == 5
