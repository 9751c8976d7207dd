import pytest
from playwright.sync_api import expect

from tests.factories import TEST_PASSWORD, city_user, district_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_city_staff_logs_in_and_sees_the_home_page(live_server, page, screenshot):
    city_user(username="staff1")
    page.goto(f"{live_server.url}/")
    expect(page).to_have_title("软件和信息服务业政策跟踪门户")
    screenshot(page, "home-public")
    page.get_by_role("link", name="工作人员和企业登录").click()
    page.get_by_label("用户名").fill("staff1")
    page.get_by_label("密码").fill(TEST_PASSWORD)
    page.get_by_role("button", name="登录").click()
    expect(page.get_by_role("heading", name="目标看板")).to_be_visible()
    expect(page.get_by_role("link", name="账号管理").first).to_be_visible()
    page.locator("summary", has_text="企业").click()
    expect(page.get_by_role("link", name="月报审核")).to_be_visible()
    screenshot(page, "home-city")


def test_wrong_password_shows_a_chinese_error(live_server, page):
    city_user(username="staff1")
    page.goto(f"{live_server.url}/login/")
    page.get_by_label("用户名").fill("staff1")
    page.get_by_label("密码").fill("wrong-password")
    page.get_by_role("button", name="登录").click()
    expect(page.get_by_role("alert")).to_contain_text("请输入一个正确的")


def test_district_officer_on_a_phone(live_server, browser, screenshot):
    district_user("500109", username="officer-beibei")
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="zh-CN")
    page = context.new_page()
    page.goto(f"{live_server.url}/login/")
    page.get_by_label("用户名").fill("officer-beibei")
    page.get_by_label("密码").fill(TEST_PASSWORD)
    page.get_by_role("button", name="登录").click()
    expect(page.get_by_role("heading", name="北碚区看板")).to_be_visible()
    page.get_by_text("菜单").click()
    expect(page.get_by_role("link", name="账号管理").first).to_be_visible()
    screenshot(page, "home-district-phone")
    context.close()
