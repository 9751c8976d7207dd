import time
from datetime import date

import pytest
from django.db import connection
from playwright.sync_api import expect

from evaluation import indicators, services
from evaluation.models import Run
from tests.conftest import require
from tests.factories import EnterpriseFactory, ReportFactory, city_user, make_uscc, region

pytestmark = [pytest.mark.browser, pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def test_recompute_progress_ranking_publish(celery_worker, live_server, page, login, screenshot, monkeypatch):
    # A worker thread writing while the live server reads needs a real database: SQLite's shared in-memory
    # test database locks whole tables across threads.
    require(connection.vendor == "postgresql", "needs PostgreSQL (DATABASE_URL)")
    city_user(username="staff")
    for n, (code, before, after) in enumerate(
        [("500103", 100, 180), ("500105", 100, 130), ("500106", 100, 90)]
    ):
        enterprise = EnterpriseFactory(region=region(code), uscc=make_uscc(7700000 + n, code))
        ReportFactory(enterprise=enterprise, period=date(2024, 12, 1), employees=before, status="accepted")
        ReportFactory(enterprise=enterprise, period=date(2025, 12, 1), employees=after, status="accepted")
    scheme = services.create_scheme(
        actor=None,
        name="中心城区发展评价（浏览器测试）",
        year=2025,
        period="Y",
        regions=[region(c) for c in ("500103", "500105", "500106")],
        indicators=[
            {"code": "employees", "name": "新增从业人员", "weight": "100", "source": "new_employees"}
        ],
        award_table=["3000", "2500"],
    )
    # Slow the metric down in the worker thread so the progress bar is on screen for a moment.
    slow = indicators.SOURCES["new_employees"]

    def slow_compute(*args, **kwargs):
        time.sleep(2)
        return slow.compute(*args, **kwargs)

    monkeypatch.setitem(
        indicators.SOURCES,
        "new_employees",
        indicators.Source(slow.label, slow.unit, slow_compute, slow.records),
    )

    login(page, "staff")
    page.goto(f"{live_server.url}/evaluation/schemes/{scheme.pk}/")
    page.get_by_role("button", name="重新计算排名").click()
    expect(page.get_by_role("heading", name="正在计算…")).to_be_visible()
    expect(page.locator("#run-progress")).to_be_visible()
    screenshot(page, "evaluation-progress")

    expect(page.locator("#ranking")).to_be_visible(timeout=30_000)
    rows = page.locator("#ranking tbody tr")
    expect(rows.nth(0)).to_contain_text("渝中区")
    expect(rows.nth(0)).to_contain_text("3000.00")
    expect(rows.nth(1)).to_contain_text("江北区")
    screenshot(page, "evaluation-ranking")

    page.get_by_role("button", name="发布结果").click()
    expect(page.get_by_text("评价结果已发布，此后不再改变。")).to_be_visible()
    assert Run.objects.get(scheme=scheme).status == "published"
