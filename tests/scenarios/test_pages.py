"""The scenario pages call the same services as the API and show their refusals."""

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from scenarios.models import Scenario, ScenarioApplication
from tests.factories import EnterpriseFactory, make_scenario

from .helpers import snapshot

pytestmark = pytest.mark.django_db


def form_data(world, **overrides):
    data = {
        "title": "渝中区智慧社区养老服务平台",
        "region": world.district.region_id,
        "domain": "other",
        "owner_type": "government",
        "owner_unit": "重庆市渝中区民政局",
        "scope": "居家养老服务需求登记、派单和监管。",
        "funding_amount": "260.00",
        "funding_source": "区级财政预算资金",
        "deadline": "",
    }
    data.update(overrides)
    return data


def messages_of(response):
    return [str(m) for m in response.context["messages"]] if response.context else []


def test_district_records_and_publishes_from_the_pages(world, client):
    client.force_login(world.district)
    response = client.post("/scenarios/new/", form_data(world))
    scenario = Scenario.objects.get()
    assert response.status_code == 302 and response.url == f"/scenarios/{scenario.pk}/"
    detail = client.get(response.url).content.decode()
    assert "✓ <strong>边界清晰</strong>" in detail and "发布到清单" in detail
    response = client.post(f"/scenarios/{scenario.pk}/publish/", {"deadline": ""}, follow=True)
    scenario.refresh_from_db()
    assert scenario.status == "published"
    assert messages_of(response) == [
        f"{scenario.title}：已发布，列入渝中区应用场景清单（{timezone.localdate().year}年第1批）。"
    ]


def test_publishing_from_the_page_shows_each_missing_requirement(world, client):
    client.force_login(world.district)
    scenario = make_scenario(world.own_region_code, owner_unit="", funding_amount=None, funding_source="")
    before = snapshot()
    detail = client.get(f"/scenarios/{scenario.pk}/").content.decode()
    assert "✗ <strong>业主明确</strong>：业主不明确：请填写业主单位。" in detail
    response = client.post(f"/scenarios/{scenario.pk}/publish/", {}, follow=True)
    assert messages_of(response) == [
        f"{scenario.title}：业主不明确：请填写业主单位。",
        f"{scenario.title}：资金未落实：请填写大于 0 的资金金额（万元）。",
        f"{scenario.title}：资金未落实：请填写资金来源。",
    ]
    assert snapshot() == before


def test_the_form_shows_service_errors_and_writes_nothing(world, client, collected):
    client.force_login(world.district)
    before = snapshot()
    response = client.post("/scenarios/new/", form_data(world, title=collected.title))
    assert response.status_code == 400
    assert f"渝中区已有名为“{collected.title}”的应用场景。" in response.content.decode()
    assert snapshot() == before


def test_editing_a_published_scenario_is_refused_on_the_page(world, client, published):
    client.force_login(world.district)
    before = snapshot()
    response = client.post(f"/scenarios/{published.pk}/edit/", form_data(world, title=published.title))
    assert response.status_code == 409
    assert "发布后不能修改场景内容" in response.content.decode()
    assert snapshot() == before


def test_enterprise_applies_with_an_attachment_and_sees_it_in_my_applications(world, client, published):
    client.force_login(world.enterprise)
    detail = client.get(f"/scenarios/{published.pk}/").content.decode()
    assert "我要揭榜" in detail
    upload = SimpleUploadedFile("揭榜方案.pdf", b"%PDF-1.4", content_type="application/pdf")
    response = client.post(
        f"/scenarios/{published.pk}/apply/", {"proposal": "我们的方案", "attachment": upload}, follow=True
    )
    assert response.redirect_chain[-1][0] == "/scenarios/mine/"
    assert messages_of(response) == [f"已揭榜“{published.title}”，请等待定榜结果。"]
    page = response.content.decode()
    assert published.title in page and "已揭榜" in page and "下载方案附件" in page
    application = ScenarioApplication.objects.get()
    assert application.attachment.name.endswith(".pdf")
    detail = client.get(f"/scenarios/{published.pk}/").content.decode()
    assert "本企业的揭榜" in detail and "我要揭榜" not in detail


def test_applying_twice_from_the_page_is_refused(world, client, published):
    client.force_login(world.enterprise)
    client.post(f"/scenarios/{published.pk}/apply/", {"proposal": "第一份"})
    before = snapshot()
    response = client.post(f"/scenarios/{published.pk}/apply/", {"proposal": "第二份"})
    assert response.status_code == 400
    assert f"{world.own_enterprise.name}已揭榜这个场景，不能重复揭榜。" in response.content.decode()
    assert snapshot() == before


def test_applying_after_the_deadline_from_the_page_is_refused(world, client):
    today = timezone.localdate()
    closed = make_scenario(
        world.own_region_code,
        status="published",
        published_on=today - timedelta(days=30),
        deadline=today - timedelta(days=2),
    )
    client.force_login(world.enterprise)
    assert "我要揭榜" not in client.get(f"/scenarios/{closed.pk}/").content.decode()
    before = snapshot()
    response = client.post(f"/scenarios/{closed.pk}/apply/", {"proposal": "方案"})
    assert response.status_code == 400
    assert f"该场景揭榜已于 {closed.deadline:%Y-%m-%d} 截止，不能再揭榜。" in response.content.decode()
    assert snapshot() == before


def test_award_page_refuses_amounts_above_the_funding_and_then_awards(world, client, published):
    applicants = [EnterpriseFactory(name=f"重庆揭榜企业{i}有限公司") for i in range(2)]
    from scenarios import services

    applications = [
        services.apply_for_scenario(actor=None, scenario=published, enterprise=e, proposal="方案")
        for e in applicants
    ]
    client.force_login(world.district)
    page = client.get(f"/scenarios/{published.pk}/award/").content.decode()
    assert "重庆揭榜企业0有限公司" in page and "重庆揭榜企业1有限公司" in page
    before = snapshot()
    too_much = {
        f"win_{applications[0].pk}": "on",
        f"amount_{applications[0].pk}": "200",
        f"win_{applications[1].pk}": "on",
        f"amount_{applications[1].pk}": "150",
    }
    response = client.post(f"/scenarios/{published.pk}/award/", too_much)
    assert response.status_code == 400
    assert "中榜金额合计 350.00 万元，超过场景资金 300.00 万元。" in response.content.decode()
    assert snapshot() == before
    response = client.post(
        f"/scenarios/{published.pk}/award/", {**too_much, f"amount_{applications[1].pk}": "100"}
    )
    assert response.status_code == 302
    published.refresh_from_db()
    assert published.status == "awarded"
    assert sorted(published.applications.values_list("amount", flat=True)) == [100, 200]


def test_withdrawing_from_the_page_needs_a_reason(world, client, published):
    client.force_login(world.district)
    before = snapshot()
    response = client.post(f"/scenarios/{published.pk}/withdraw/", {"reason": ""}, follow=True)
    assert messages_of(response) == [f"{published.title}：终止场景必须填写原因。"]
    assert snapshot() == before
    response = client.post(
        f"/scenarios/{published.pk}/withdraw/", {"reason": "业主调整建设计划"}, follow=True
    )
    assert messages_of(response) == [f"{published.title}：已终止。"]


def test_delivering_without_a_winner_from_the_page_is_refused(world, client, published):
    client.force_login(world.district)
    before = snapshot()
    response = client.post(f"/scenarios/{published.pk}/deliver/", {"evidence": "验收报告"}, follow=True)
    assert messages_of(response) == [
        f"{published.title}：场景当前状态为“已发布”，还没有中榜企业，不能登记落地（须先定榜、实施）。"
    ]
    assert snapshot() == before


def test_an_unknown_step_is_404(world, client, published):
    client.force_login(world.district)
    assert client.post(f"/scenarios/{published.pk}/launch/").status_code == 404


def test_the_detail_page_has_a_title_and_description(world, client):
    scenario = make_scenario(world.own_region_code, status="delivered", title="渝中区城市生命线安全监测")
    text = client.get(f"/scenarios/{scenario.pk}/").content.decode()
    assert "<title>渝中区城市生命线安全监测 · 应用场景 · 软件和信息服务业政策跟踪门户</title>" in text
    assert '<meta name="description" content="渝中区城市生命线安全监测：渝中区智慧政务应用场景' in text
    assert "已落地" in text


def test_the_lists_page_links_each_list_to_its_scenarios(world, client, published):
    text = client.get("/scenarios/lists/").content.decode()
    assert published.published_list.title in text
    assert f"/scenarios/?list_no={published.list_no}" in text
