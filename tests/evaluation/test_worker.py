"""The ranking run executed by a real Celery worker through Redis, against the test database."""

import time

import pytest
from django.db import connection

from evaluation.models import Run
from tests.conftest import require

from .conftest import CODES, DEVELOPMENT

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def test_recompute_runs_in_a_real_worker(celery_worker, year_2025, world, api):
    # The worker thread writes while this thread polls: SQLite's shared in-memory test database locks whole
    # tables across threads, so this needs the real database CI runs on.
    require(connection.vendor == "postgresql", "needs PostgreSQL (DATABASE_URL)")
    client = api.as_user(world.city)
    body = {
        "name": "中心城区发展评价",
        "year": 2025,
        "period": "Y",
        "regions": CODES,
        "indicators": DEVELOPMENT,
        "award_table": ["3000", "2500", "2000"],
    }
    scheme = client.post("/api/v1/evaluation/schemes/", body, format="json").data
    response = client.post(f"/api/v1/evaluation/schemes/{scheme['id']}/recompute/")
    assert response.status_code == 202
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        run = Run.objects.get(pk=response.data["run"])
        if run.status in ("done", "failed"):
            break
        time.sleep(0.2)
    assert run.status == "done", run.error
    results = client.get(f"/api/v1/evaluation/runs/{run.pk}/").data["results"]
    assert [(r["region"], r["rank"], r["total_score"], r["award"]) for r in results] == [
        ("500103", 1, "90.00", "3000.00"),
        ("500105", 2, "45.00", "2500.00"),
        ("500107", 3, "20.00", "2000.00"),
        ("500106", 4, "0.00", "0.00"),
    ]
