import pytest
from playwright.sync_api import expect

from enterprises.models import MonthlyReport
from portal.periods import format_period
from tests.factories import (
    EnterpriseFactory,
    ReportFactory,
    city_user,
    district_user,
    enterprise_user,
    past_period,
    region,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_enterprise_files_district_approves_city_accepts(live_server, page, login, screenshot):
    enterprise = EnterpriseFactory(name="重庆浏览器测试软件有限公司", region=region("500109"))
    ReportFactory(
        enterprise=enterprise, period=past_period(2), employees=100, operating_revenue=300, status="accepted"
    )
    enterprise_user(enterprise, username="filer")
    district_user("500109", username="officer")
    city_user(username="staff")
    period = format_period(past_period(1))

    # The enterprise files last month's report and submits it.
    login(page, "filer")
    page.get_by_role("link", name="企业月报").first.click()
    page.get_by_role("link", name="填报月报").click()
    page.get_by_label("报告期（YYYY-MM）").fill(period)
    figures = {
        "从业人员（人）": "180",
        "主营业务收入": "900",
        "软件产品收入": "400",
        "信息技术服务收入": "300",
    }
    for label, value in figures.items():
        page.get_by_label(label, exact=True).fill(value)
    screenshot(page, "report-form")
    page.get_by_role("button", name="保存草稿").click()
    expect(page.get_by_text("月报已保存为草稿")).to_be_visible()
    page.get_by_role("button", name="报送").click()
    expect(page.get_by_text("月报已报送")).to_be_visible()

    # The district officer sees it in the queue, with 环比 and the headcount warning, and approves it.
    login(page, "officer")
    page.locator("summary", has_text="企业").click()
    page.get_by_role("link", name="月报审核").click()
    item = page.locator("article.review-item", has_text=enterprise.name)
    expect(item).to_contain_text("从业人员环比变动 80.0%")
    expect(item).to_contain_text("+200.0%")  # operating revenue 300 → 900
    screenshot(page, "review-queue-district")
    item.get_by_role("button", name="审核通过").click()
    expect(page.get_by_text("月报已审核通过")).to_be_visible()

    # City staff accept it from their queue.
    login(page, "staff")
    page.locator("summary", has_text="企业").click()
    page.get_by_role("link", name="月报审核").click()
    page.locator("article.review-item", has_text=enterprise.name).get_by_role("button", name="验收").click()
    expect(page.get_by_text("月报已验收")).to_be_visible()
    screenshot(page, "review-queue-city")

    report = MonthlyReport.objects.get(enterprise=enterprise, period=past_period(1))
    assert report.status == "accepted"
    assert list(report.transitions.values_list("to_status", "actor__username")) == [
        ("draft", "filer"),
        ("submitted", "filer"),
        ("approved", "officer"),
        ("accepted", "staff"),
    ]
