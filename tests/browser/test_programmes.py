"""The city dashboard in a real browser: the trend chart renders (canvas present), no console errors; the
district dashboard and the public progress page on a phone. Screenshots in test-artifacts/screenshots/."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests.factories import (
    EnterpriseFactory,
    ReportFactory,
    city_user,
    district_user,
    make_event,
    make_project,
    make_uscc,
    make_work_item,
    region,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _data():
    today = timezone.localdate()
    month = today.replace(day=1)
    for i, code in enumerate(["500103", "500105", "500109", "500112"]):
        enterprise = EnterpriseFactory(
            region=region(code), uscc=make_uscc(8800000 + i, code), arrival_date=today - timedelta(days=90)
        )
        for back in range(1, 13):
            period = (month - timedelta(days=back * 28)).replace(day=1)
            ReportFactory(
                enterprise=enterprise,
                period=period,
                status="accepted",
                employees=300 + 20 * i + 5 * (12 - back),
                it_service_revenue=2000 * period.month * (i + 1),
                software_product_revenue=0,
                security_revenue=0,
                embedded_revenue=0,
            )
        make_project(
            code,
            name=f"浏览器项目{i}",
            major=True,
            stage="landed",
            signed_on=today - timedelta(days=200),
            landed_on=today - timedelta(days=30),
        )
        make_event(code, name=f"浏览器活动{i}", major=True)
    make_work_item("500109", number="B-1", title="建成园城双创空间", due_date=today - timedelta(days=20))


def test_city_dashboard_renders_charts_without_console_errors(live_server, page, login, screenshot):
    city_user(username="staff")
    district_user("500109", username="beibei-officer")
    _data()
    errors = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: errors.append(str(error)))
    missing = []
    page.on("response", lambda response: missing.append(response.url) if response.status == 404 else None)

    page.set_viewport_size({"width": 1280, "height": 900})
    login(page, "staff")
    page.goto(f"{live_server.url}/dashboard/")
    expect(page.get_by_role("heading", name="目标看板", exact=True)).to_be_visible()
    expect(page.locator("#trend-chart canvas")).to_have_count(1)
    expect(page.locator(".target-bar").first).to_be_visible()
    expect(page.get_by_text("建成园城双创空间")).to_be_visible()
    screenshot(page, "programmes-city-dashboard")

    page.set_viewport_size({"width": 390, "height": 844})
    page.reload()
    expect(page.locator("#trend-chart canvas")).to_have_count(1)
    screenshot(page, "programmes-city-dashboard-phone")

    login(page, "beibei-officer")
    page.goto(f"{live_server.url}/dashboard/region/")
    expect(page.get_by_role("heading", name="北碚区看板")).to_be_visible()
    expect(page.locator("#trend-chart canvas")).to_have_count(1)
    screenshot(page, "programmes-district-dashboard-phone")

    page.context.clear_cookies()
    page.goto(f"{live_server.url}/progress/")
    expect(page.get_by_role("heading", name="政策目标进展")).to_be_visible()
    screenshot(page, "programmes-public-progress-phone")
    # The browser asks for /favicon.ico on its own; the portal has none. Everything else must load.
    assert [url for url in missing if not url.endswith("/favicon.ico")] == []
    favicon_only = all(url.endswith("/favicon.ico") for url in missing)
    assert [error for error in errors if not (favicon_only and "404" in error)] == []
