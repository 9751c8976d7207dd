"""The public 示范楼宇 list as an anonymous visitor on a phone (390×844), in Debian's Chromium."""

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import console_stays_clean  # noqa: F401 - fails the test on console errors
from tests.factories import EnterpriseFactory, designate, make_building, make_occupancy

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def showcases():
    from decimal import Decimal

    plan = [
        ("500103", "解放碑数字经济产业园", 1, "28000.00"),
        ("500103", "化龙桥软件大厦", 2, "16000.00"),
        ("500105", "观音桥智慧广场", 1, "42000.00"),
        ("GXQ", "西永微电园科创中心", 2, "35000.00"),
        ("500109", "缙云软件园", 2, "12000.00"),
    ]
    for n, (code, name, batch, letting) in enumerate(plan):
        building = make_building(
            code,
            name=name,
            gross_area=Decimal("60000.00"),
            acquired_area=Decimal("50000.00"),
            letting_area=Decimal(letting),
            address=f"{name[:3]}大道 {n + 1} 号",
            contact_phone="023-99998888",
        )
        for industry in ("software", "ai", "software", "data")[: n + 1]:
            make_occupancy(
                building, EnterpriseFactory(region=building.region, industry=industry), area="2600.00"
            )
        designate(building, batch=batch, days_ago=400 if batch == 1 else 60)


def test_anonymous_visitor_reads_the_list_on_a_phone(live_server, browser, screenshot):
    showcases()
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="zh-CN", is_mobile=True)
    page = context.new_page()
    page.goto(f"{live_server.url}/demonstration-buildings/")
    expect(page).to_have_title("“满天星”示范楼宇 · 软件和信息服务业政策跟踪门户")
    expect(page.get_by_role("heading", name="“满天星”示范楼宇", exact=True)).to_be_visible()
    expect(page.locator(".building-card")).to_have_count(5)
    expect(page.locator("#region-chart canvas")).to_be_visible()
    description = page.locator('meta[name="description"]').get_attribute("content")
    assert description.startswith("重庆市软件和信息服务业“满天星”示范楼宇名单：共 5 座")
    # Readable on a phone: nothing wider than the screen, text at a readable size.
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert (
        page.evaluate("parseFloat(getComputedStyle(document.querySelector('.building-card h2')).fontSize)")
        >= 16
    )
    assert "023-99998888" not in page.content()
    screenshot(page, "demonstration-buildings-phone")

    page.get_by_label("批次").select_option(label="第一批")
    page.get_by_role("button", name="筛选").click()
    expect(page.locator(".building-card")).to_have_count(2)

    page.get_by_role("link", name="观音桥智慧广场").click()
    expect(page).to_have_title("观音桥智慧广场 · “满天星”示范楼宇 · 软件和信息服务业政策跟踪门户")
    expect(page.get_by_text("第一批示范楼宇")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot(page, "demonstration-building-detail-phone")
    context.close()


def test_the_list_on_a_desktop(live_server, page, screenshot):
    showcases()
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(f"{live_server.url}/demonstration-buildings/")
    expect(page.locator("#region-chart canvas")).to_be_visible()
    screenshot(page, "demonstration-buildings-desktop")


def test_district_officer_keeps_the_ledger(live_server, browser, screenshot):
    from tests.factories import TEST_PASSWORD, district_user

    showcases()
    district_user("500103", username="officer-yuzhong")
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    page = context.new_page()
    page.goto(f"{live_server.url}/login/")
    page.get_by_label("用户名").fill("officer-yuzhong")
    page.get_by_label("密码").fill(TEST_PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.goto(f"{live_server.url}/buildings/")
    expect(page.get_by_role("heading", name="存量楼宇台账")).to_be_visible()
    expect(page.locator("tr.totals")).to_contain_text("合计（2 座）")
    screenshot(page, "buildings-ledger")
    page.get_by_role("link", name="解放碑数字经济产业园").click()
    expect(page.get_by_role("heading", name="入驻企业")).to_be_visible()
    screenshot(page, "building-detail")
    context.close()
