"""Redis down, in-process: every place that queues a job either refuses it at once with the Chinese reason
(and leaves nothing waiting for a worker that never comes) or, when the data change has already been
committed, keeps the change and logs the lost job.

The broker is "down" as in tests/hardening/test_faults.py: the task's ``apply_async`` raises what kombu
raises when Redis refuses the connection. Transactional tests, so ``on_commit`` callbacks really run.
"""

import logging
from datetime import date
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from kombu.exceptions import OperationalError

from enterprises.models import MonthlyReport
from enterprises.tasks import recompute_tier
from portal import imports, taskqueue
from portal.models import ImportJob
from tests import factories
from tests.imports.conftest import upload, workbook_bytes
from tests.imports.test_imports import enterprise_row, report_row

REFUSAL = {"detail": taskqueue.UNAVAILABLE}


def down(*args, **kwargs):
    raise OperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")


@pytest.fixture
def broker_down(monkeypatch):
    monkeypatch.setattr(recompute_tier, "apply_async", down)
    monkeypatch.setattr(imports.run_import_job, "apply_async", down)


@pytest.mark.django_db(transaction=True)
def test_a_december_report_is_accepted_and_the_lost_tier_recompute_only_logged(
    world, api, broker_down, caplog
):
    report = world.report(
        "approved", period=date(2025, 12, 1), employees=5000, operating_revenue=Decimal("1.00")
    )
    with caplog.at_level(logging.ERROR):
        response = api.as_user(world.city).post(f"/api/v1/monthly-reports/{report.pk}/accept/")
    assert response.status_code == 200 and response.data["status"] == "accepted"
    report.refresh_from_db()
    assert report.status == "accepted"
    logged = [r for r in caplog.records if r.name == "enterprises.services" and r.levelno == logging.ERROR]
    assert [r.getMessage() for r in logged] == [
        f"Tier recompute of enterprise {world.own_enterprise.pk} not queued: the task queue is down"
    ]


@pytest.mark.django_db(transaction=True)
def test_a_background_api_import_is_refused_with_503_and_its_job_failed(world, api, broker_down):
    content = workbook_bytes(
        "monthly-reports", [report_row(world.own_enterprise.uscc, factories.past_period(2))]
    )
    response = api.as_user(world.district).post(
        "/api/v1/imports/monthly-reports/?background=1", {"file": upload(content)}, format="multipart"
    )
    assert (response.status_code, response.json()) == (503, REFUSAL)
    job = ImportJob.objects.get()
    assert (job.status, job.error, job.committed) == ("failed", taskqueue.UNAVAILABLE, False)
    assert job.finished_at is not None
    assert not MonthlyReport.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_a_large_import_on_the_page_is_refused_with_the_reason_and_its_job_failed(
    world, client, settings, broker_down
):
    settings.IMPORT_BACKGROUND_ROWS = 0  # every file goes to the queue
    client.force_login(world.district)
    period = factories.past_period(2)
    content = workbook_bytes("monthly-reports", [report_row(world.own_enterprise.uscc, period)])
    response = client.post(
        "/imports/monthly-reports/", {"file": SimpleUploadedFile("月报.xlsx", content)}, follow=True
    )
    job = ImportJob.objects.get()
    assert response.status_code == 200
    assert response.redirect_chain[-1][0] == f"/imports/jobs/{job.pk}/"
    page = response.content.decode()
    assert taskqueue.UNAVAILABLE in page and 'http-equiv="refresh"' not in page  # no endless polling
    assert (job.status, job.error, job.committed) == ("failed", taskqueue.UNAVAILABLE, False)
    assert not MonthlyReport.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_a_confirmation_refused_by_the_queue_can_be_confirmed_again(world, client, settings, monkeypatch):
    client.force_login(world.district)
    content = workbook_bytes("enterprises", [enterprise_row(i) for i in range(2)])
    client.post("/imports/enterprises/", {"file": SimpleUploadedFile("企业.xlsx", content)})
    dry_run = ImportJob.objects.get()
    assert dry_run.status == "done" and not dry_run.summary["errors"]

    settings.IMPORT_BACKGROUND_ROWS = 0
    monkeypatch.setattr(imports.run_import_job, "apply_async", down)
    response = client.post(f"/imports/jobs/{dry_run.pk}/confirm/", follow=True)
    assert taskqueue.UNAVAILABLE in response.content.decode()
    refused = ImportJob.objects.get(source=dry_run)
    assert (refused.status, refused.committed) == ("failed", False)
    assert "确认导入" in client.get(f"/imports/jobs/{dry_run.pk}/").content.decode()  # may be tried again

    monkeypatch.undo()
    settings.IMPORT_BACKGROUND_ROWS = 5000  # the queue is back (or the file small): confirmed now
    response = client.post(f"/imports/jobs/{dry_run.pk}/confirm/")
    applied = ImportJob.objects.exclude(pk__in=[dry_run.pk, refused.pk]).get()
    assert response.url == f"/imports/jobs/{applied.pk}/"
    assert applied.committed
