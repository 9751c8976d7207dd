"""The Content-Security-Policy in a real browser: the charts render and show their tooltips, Swagger UI lists
the API, and nothing is refused (``console_stays_clean`` fails the test on any console error or CSP
violation, so an HTML tooltip's style attributes or an inline script without the nonce would fail here)."""

import pytest
from playwright.sync_api import expect

from tests.browser.test_programmes import _data
from tests.factories import EnterpriseFactory, city_user, designate, make_building, make_occupancy

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def hover_chart(page, selector):
    canvas = page.locator(f"{selector} canvas")
    expect(canvas).to_be_visible()
    box = canvas.bounding_box()
    for share in (0.3, 0.5, 0.7):  # across the bars or points, so a tooltip opens
        page.mouse.move(box["x"] + box["width"] * share, box["y"] + box["height"] / 2)
        page.wait_for_timeout(200)


def test_charts_and_swagger_ui_run_under_the_policy(live_server, page, login, console_stays_clean):
    building = make_building("500103", name="策略测试楼宇")
    make_occupancy(building, EnterpriseFactory(region=building.region), area="900.00")
    designate(building)
    _data()
    city_user(username="csp-staff")

    page.goto(f"{live_server.url}/demonstration-buildings/")
    hover_chart(page, "#region-chart")

    page.goto(f"{live_server.url}/api/v1/docs/")
    expect(page.locator(".swagger-ui .opblock").first).to_be_visible(timeout=20_000)

    login(page, "csp-staff")
    page.goto(f"{live_server.url}/dashboard/")
    hover_chart(page, "#trend-chart")
    expect(page.locator(".target-bar svg").first).to_be_visible()
    page.goto(f"{live_server.url}/programmes/new/")
    page.get_by_role("link", name="返回").click()
    expect(page).to_have_url(f"{live_server.url}/programmes/")
    assert console_stays_clean == []
