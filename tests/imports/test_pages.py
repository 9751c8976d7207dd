"""The 数据导入 pages: upload → dry run report → confirm → written; large files run as a job with progress;
list pages link to their export and to the import."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from enterprises.models import Enterprise
from portal.models import ImportJob

from .conftest import workbook_bytes
from .test_imports import enterprise_row

pytestmark = pytest.mark.django_db


def _upload(client, kind, content):
    return client.post(f"/imports/{kind}/", {"file": SimpleUploadedFile("企业.xlsx", content)})


def test_upload_dry_run_then_confirm(world, client):
    client.force_login(world.district)
    assert "数据导入" in client.get("/imports/").content.decode()
    response = _upload(
        client, "enterprises", workbook_bytes("enterprises", [enterprise_row(i) for i in range(2)])
    )
    assert response.status_code == 302
    job = ImportJob.objects.get()
    assert job.dry_run and job.status == "done" and not job.committed
    page = client.get(response.url).content.decode()
    assert "新增 2" in page and "确认导入" in page
    assert Enterprise.objects.count() == 2
    response = client.post(f"/imports/jobs/{job.pk}/confirm/")
    applied = ImportJob.objects.get(source=job)
    assert response.url == f"/imports/jobs/{applied.pk}/"
    assert applied.committed and Enterprise.objects.count() == 4
    assert "已写入" in client.get(response.url).content.decode()
    # A second click confirms nothing new.
    client.post(f"/imports/jobs/{job.pk}/confirm/")
    assert ImportJob.objects.filter(source=job).count() == 1


def test_errors_are_listed_by_row_and_cell_and_cannot_be_confirmed(world, client):
    client.force_login(world.district)
    rows = [enterprise_row(1), enterprise_row(2, 所属区域="江北区")]
    response = _upload(client, "enterprises", workbook_bytes("enterprises", rows))
    page = client.get(response.url).content.decode()
    assert "第 3 行“所属区域”列（C3）：区县用户只能导入本区域的企业" in page
    assert "确认导入" not in page
    job = ImportJob.objects.get()
    assert client.post(f"/imports/jobs/{job.pk}/confirm/").status_code == 403
    assert Enterprise.objects.count() == 2


def test_a_refused_file_is_shown_on_the_page(world, client):
    client.force_login(world.district)
    response = _upload(client, "enterprises", b"not a spreadsheet")
    assert response.status_code == 400
    assert "不是有效的 Excel 工作簿" in response.content.decode()
    assert not ImportJob.objects.exists()


def test_a_large_file_runs_as_a_job_with_a_progress_bar(
    world, client, settings, django_capture_on_commit_callbacks
):
    settings.IMPORT_BACKGROUND_ROWS = 2
    client.force_login(world.district)
    content = workbook_bytes("enterprises", [enterprise_row(i) for i in range(3)])
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = _upload(client, "enterprises", content)
    job = ImportJob.objects.get()
    assert job.status == "queued"
    page = client.get(response.url).content.decode()
    assert "<progress" in page and 'http-equiv="refresh"' in page
    for callback in callbacks:
        callback()
    page = client.get(response.url).content.decode()
    assert "<progress" not in page and "新增 3" in page


def test_list_pages_link_to_export_and_import(world, client):
    client.force_login(world.city)
    page = client.get("/enterprises/?industry=software").content.decode()
    assert "/api/v1/enterprises/?format=xlsx&amp;industry=software" in page
    assert "/imports/#import-enterprises" in page
    page = client.get("/buildings/").content.decode()
    assert "/api/v1/buildings/?format=xlsx" in page
    page = client.get("/reports/?status=submitted").content.decode()
    assert "/api/v1/monthly-reports/?format=xlsx&amp;status=submitted" in page
