"""The public 示范楼宇 page served whole from the cache (tests/buildings/test_public_cache.py) in a real browser:
a cached visit runs its scripts under the Content-Security-Policy (the response's nonce put into the cached
page), and a signed-in visit between anonymous ones shows the user's menu while the anonymous ones never do
(``console_stays_clean`` fails the test on any refused script: the chart's, or the menu's in base.html)."""

import pytest
from playwright.sync_api import expect

from tests.factories import EnterpriseFactory, city_user, designate, make_building, make_occupancy

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_cached_visit_draws_the_chart_under_the_policy(live_server, page, login, console_stays_clean):
    building = make_building("500103", name="缓存测试楼宇")
    make_occupancy(building, EnterpriseFactory(region=building.region), area="900.00")
    designate(building)
    city_user(username="cache-staff")
    for _ in range(3):  # rendered, then twice from the cache
        response = page.goto(f"{live_server.url}/demonstration-buildings/")
        assert "unsafe-inline" not in response.headers["content-security-policy"]
        expect(page.locator("#region-chart canvas")).to_be_visible()
        expect(page.get_by_role("link", name="登录")).to_be_visible()

    login(page, "cache-staff")
    page.goto(f"{live_server.url}/demonstration-buildings/")
    expect(page.get_by_text("cache-staff")).to_be_visible()
    expect(page.locator("#region-chart canvas")).to_be_visible()
    page.get_by_role("button", name="退出").click()
    page.goto(f"{live_server.url}/demonstration-buildings/")
    expect(page.get_by_role("link", name="登录")).to_be_visible()
    expect(page.get_by_text("cache-staff")).to_have_count(0)
    assert console_stays_clean == []
