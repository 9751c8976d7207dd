"""The whole scenario journey in a browser: the district records and publishes a scenario, an enterprise
applies with an attachment, the district chooses the winner, the scenario is implemented and delivered, and
an anonymous visitor on a phone finds it in the public list (where nothing unpublished shows)."""

import re

import pytest
from playwright.sync_api import expect

from scenarios.models import Scenario
from tests.factories import EnterpriseFactory, district_user, enterprise_user, make_scenario, region

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TITLE = "渝中区历史文化街区沉浸式数字体验"


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def test_publish_apply_award_deliver(live_server, page, login, screenshot, tmp_path):
    enterprise = EnterpriseFactory(name="重庆光影数字文化有限公司", region=region("500105"))
    enterprise_user(enterprise, username="filer")
    district_user("500103", username="officer")
    make_scenario("500103", title="渝中区尚在征集的场景")  # never shown to the public
    make_scenario("500106", status="delivered", title="沙坪坝区智慧停车诱导与共享平台")

    # The district officer records a scenario with the three publication requirements and publishes it.
    login(page, "officer")
    page.locator("summary", has_text="场景").click()
    page.get_by_role("link", name="场景管理", exact=True).click()
    expect(page.get_by_role("heading", name="场景管理 · 渝中区")).to_be_visible()
    screenshot(page, "scenario-manage-district")
    page.get_by_role("link", name="登记场景").click()
    page.get_by_label("场景名称").fill(TITLE)
    page.get_by_label("应用领域").select_option(label="数字文创")
    page.get_by_label("业主类型").select_option(label="国有企事业单位")
    page.get_by_label("业主单位").fill("重庆市渝中区文化旅游发展集团有限公司")
    page.get_by_label("建设内容和边界").fill(
        "AR 导览、数字光影秀和游客画像分析。\n边界：业主提供场地和数据接口，揭榜单位负责开发部署和一年运维。"
    )
    page.get_by_label("资金金额（万元）").fill("260")
    page.get_by_label("资金来源").fill("区级财政预算资金")
    screenshot(page, "scenario-form")
    page.get_by_role("button", name="保存").click()
    expect(page.get_by_text("已登记应用场景")).to_be_visible()
    expect(page.locator(".checklist .met")).to_have_count(3)
    screenshot(page, "scenario-detail-collected")
    page.get_by_role("button", name="发布到清单").click()
    expect(page.get_by_text(re.compile(r"已发布，列入渝中区应用场景清单（\d{4}年第1批）"))).to_be_visible()
    scenario = Scenario.objects.get(title=TITLE)
    assert scenario.status == "published"

    # An enterprise of another region finds it in the public list and applies with an attachment.
    login(page, "filer")
    page.locator("summary", has_text="场景").click()
    page.get_by_role("link", name="应用场景", exact=True).click()
    page.get_by_role("link", name=TITLE).click()
    page.get_by_role("link", name="我要揭榜").click()
    page.get_by_label("揭榜方案").fill("基于自研数字光影引擎，三个月完成部署，提供一年运维。")
    attachment = tmp_path / "揭榜方案.pdf"
    attachment.write_bytes(b"%PDF-1.4 demo")
    page.get_by_label("方案附件（可选）").set_input_files(str(attachment))
    screenshot(page, "scenario-apply")
    page.get_by_role("button", name="提交揭榜").click()
    expect(page.get_by_text(f"已揭榜“{TITLE}”，请等待定榜结果。")).to_be_visible()
    expect(page.locator(".scenario-card", has_text=TITLE)).to_contain_text("已揭榜")
    screenshot(page, "scenario-my-applications")

    # The district chooses the winner (定榜), then records 实施 and 落地.
    login(page, "officer")
    page.goto(f"{live_server.url}/scenarios/{scenario.pk}/")
    page.get_by_role("link", name="定榜").click()
    page.get_by_label(enterprise.name, exact=True).check()
    page.get_by_label(f"{enterprise.name} 中榜金额（万元）").fill("240")
    screenshot(page, "scenario-award")
    page.get_by_role("button", name="确认定榜").click()
    expect(page.get_by_text(f"{TITLE}：已定榜。")).to_be_visible()
    expect(page.locator(".winner-list")).to_contain_text(enterprise.name)
    page.get_by_role("button", name="开始实施").click()
    expect(page.get_by_text(f"{TITLE}：已开始实施。")).to_be_visible()
    page.get_by_label("落地证明").fill("项目验收报告（渝中文旅〔2026〕3号）")
    page.get_by_role("button", name="登记落地").click()
    expect(page.get_by_text(f"{TITLE}：已登记落地。")).to_be_visible()
    screenshot(page, "scenario-detail-delivered")

    scenario.refresh_from_db()
    assert scenario.status == "delivered"
    assert list(scenario.transitions.values_list("to_status", "actor__username")) == [
        ("collected", "officer"),
        ("published", "officer"),
        ("awarded", "officer"),
        ("in_progress", "officer"),
        ("delivered", "officer"),
    ]
    assert scenario.applications.get().amount == 240

    # An anonymous visitor on a phone: only published scenarios, the winner announced.
    page.context.clear_cookies()
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{live_server.url}/scenarios/")
    card = page.locator(".scenario-card", has_text=TITLE)
    expect(card).to_contain_text("已落地")
    expect(card).to_contain_text(enterprise.name)
    expect(page.locator(".scenario-card")).to_have_count(2)
    expect(page.get_by_text("渝中区尚在征集的场景")).to_have_count(0)
    assert page.evaluate("document.documentElement.scrollWidth") <= 390  # no sideways scrolling
    screenshot(page, "scenarios-public-mobile")
    page.get_by_role("link", name=TITLE).click()
    expect(page.get_by_role("heading", name=TITLE)).to_be_visible()
    expect(page).to_have_title(f"{TITLE} · 应用场景 · 软件和信息服务业政策跟踪门户")
    screenshot(page, "scenario-detail-mobile")
