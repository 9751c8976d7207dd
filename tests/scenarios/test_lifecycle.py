"""定榜, 实施, 落地 and 终止: each a service with its allowed source states (409 otherwise), recorded with
who, when and why; winners must have applied, their amounts fit the funding, delivery needs a winner."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from scenarios import services
from scenarios.models import Scenario, ScenarioApplication
from tests.factories import EnterpriseFactory, make_scenario

from .helpers import snapshot

pytestmark = pytest.mark.django_db

PROPOSAL = "揭榜方案"


@pytest.fixture
def contest(world, published):
    """The published scenario (funding 300 万元) with three applicants: own, other region's, and one more."""
    third = EnterpriseFactory(region=published.region, name="重庆第三软件有限公司")
    applications = [
        services.apply_for_scenario(actor=None, scenario=published, enterprise=enterprise, proposal=PROPOSAL)
        for enterprise in (world.own_enterprise, world.other_enterprise, third)
    ]
    return published, applications


def award(api, user, scenario, winners, **extra):
    body = {"winners": [{"application": a.pk, "amount": amount} for a, amount in winners], **extra}
    return api.as_user(user).post(f"/api/v1/scenarios/{scenario.pk}/award/", body, format="json")


def test_award_chooses_winners_with_amounts(world, api, contest):
    scenario, (own, other, third) = contest
    response = award(api, world.district, scenario, [(own, "180.00"), (other, "120.00")])
    assert response.status_code == 200, response.data
    assert response.data["status"] == "awarded"
    assert response.data["awarded_on"] == timezone.localdate().isoformat()
    assert response.data["awarded_amount"] == "300.00"
    assert [(w["enterprise"], w["amount"]) for w in response.data["winners"]] == [
        (world.own_enterprise.pk, "180.00"),
        (world.other_enterprise.pk, "120.00"),
    ]
    statuses = dict(ScenarioApplication.objects.values_list("pk", "status"))
    assert statuses == {own.pk: "won", other.pk: "won", third.pk: "lost"}
    transition = scenario.transitions.last()
    assert (transition.to_status, transition.actor) == ("awarded", world.district)
    assert "中榜企业：" in transition.note and "180.00 万元" in transition.note
    # The winners are announced to everyone; the other applicants are not.
    public = api.as_user(None).get(f"/api/v1/scenarios/{scenario.pk}/").data
    assert [w["enterprise_name"] for w in public["winners"]] == [
        world.own_enterprise.name,
        world.other_enterprise.name,
    ]
    assert public["application_count"] == 3


def test_choosing_a_winner_that_did_not_apply_is_refused(world, api, contest):
    scenario, (own, _other, _third) = contest
    elsewhere = make_scenario(world.own_region_code, status="published", applicants=[EnterpriseFactory()])
    stranger = elsewhere.applications.get()
    before = snapshot()
    response = award(api, world.district, scenario, [(own, "100.00"), (stranger, "50.00")])
    assert response.status_code == 400
    assert response.data["winners"] == [f"{stranger.enterprise.name}没有揭榜这个场景，不能定为中榜企业。"]
    assert snapshot() == before


def test_a_winner_that_does_not_exist_is_not_found(world, api, contest):
    scenario, _ = contest
    before = snapshot()
    response = api.as_user(world.district).post(
        f"/api/v1/scenarios/{scenario.pk}/award/",
        {"winners": [{"application": 999999, "amount": "1.00"}]},
        format="json",
    )
    assert response.status_code == 404
    assert snapshot() == before


@pytest.mark.parametrize(
    ("amounts", "message"),
    [
        (["300.01"], "中榜金额合计 300.01 万元，超过场景资金 300.00 万元。"),
        (["200.00", "100.01"], "中榜金额合计 300.01 万元，超过场景资金 300.00 万元。"),
    ],
    ids=["one winner above the funding", "the sum of the winners above the funding"],
)
def test_award_amount_above_the_funding_amount_is_refused(world, api, contest, amounts, message):
    scenario, applications = contest
    before = snapshot()
    response = award(api, world.district, scenario, list(zip(applications, amounts, strict=False)))
    assert response.status_code == 400
    assert response.data["winners"] == [message]
    assert snapshot() == before


def test_award_amount_equal_to_the_funding_is_allowed(world, api, contest):
    scenario, applications = contest
    assert award(api, world.district, scenario, [(applications[0], "300.00")]).status_code == 200


@pytest.mark.parametrize(
    ("winners", "message"),
    [
        ([], "请至少选择一家中榜企业。"),
        ([(0, "0.00")], "{0}的中榜金额必须大于 0 万元。"),
        ([(0, "-5.00")], "{0}的中榜金额必须大于 0 万元。"),
        ([(0, "10.00"), (0, "20.00")], "{0}重复出现在中榜名单中。"),
    ],
    ids=["no winner", "zero amount", "negative amount", "twice"],
)
def test_award_refuses_bad_winner_lists(world, api, contest, winners, message):
    scenario, applications = contest
    before = snapshot()
    response = award(api, world.district, scenario, [(applications[i], amount) for i, amount in winners])
    assert response.status_code == 400
    assert response.data["winners"] == [message.format(world.own_enterprise.name)]
    assert snapshot() == before


def test_award_from_a_wrong_state_is_a_conflict(world, api, collected):
    before = snapshot()
    response = api.as_user(world.district).post(
        f"/api/v1/scenarios/{collected.pk}/award/", {"winners": []}, format="json"
    )
    assert response.status_code == 409
    assert response.data["detail"] == "场景当前状态为“征集中”，不能定榜（只有“已发布”的场景可以定榜）。"
    assert snapshot() == before


def test_awarding_closes_applications(world, api, contest):
    scenario, applications = contest
    award(api, world.district, scenario, [(applications[0], "100.00")])
    late = EnterpriseFactory()
    with pytest.raises(ValidationError):
        services.apply_for_scenario(actor=None, scenario=scenario, enterprise=late, proposal=PROPOSAL)


# --- 实施 and 落地 ------------------------------------------------------------------------------------------------


def test_start_and_deliver(world, api):
    scenario = make_scenario(world.own_region_code, status="awarded")
    client = api.as_user(world.district)
    response = client.post(f"/api/v1/scenarios/{scenario.pk}/start/", {}, format="json")
    assert response.status_code == 200
    assert response.data["status"] == "in_progress"
    assert response.data["started_on"] == timezone.localdate().isoformat()
    response = client.post(
        f"/api/v1/scenarios/{scenario.pk}/deliver/",
        {"evidence": "验收报告（渝中大数据〔2025〕8号）", "delivered_on": timezone.localdate().isoformat()},
        format="json",
    )
    assert response.status_code == 200, response.data
    assert response.data["status"] == "delivered"
    assert response.data["delivery_evidence"] == "验收报告（渝中大数据〔2025〕8号）"
    steps = list(scenario.transitions.values_list("from_status", "to_status"))
    assert steps == [
        ("", "collected"),
        ("collected", "published"),
        ("published", "awarded"),
        ("awarded", "in_progress"),
        ("in_progress", "delivered"),
    ]
    assert scenario.transitions.last().actor == world.district


@pytest.mark.parametrize("status", ["collected", "published"])
def test_delivering_a_scenario_with_no_winner_is_refused(world, api, status):
    scenario = make_scenario(world.own_region_code, status=status)
    before = snapshot()
    response = api.as_user(world.district).post(
        f"/api/v1/scenarios/{scenario.pk}/deliver/", {"evidence": "验收报告"}, format="json"
    )
    assert response.status_code == 409
    label = {"collected": "征集中", "published": "已发布"}[status]
    assert response.data["detail"] == (
        f"场景当前状态为“{label}”，还没有中榜企业，不能登记落地（须先定榜、实施）。"
    )
    assert snapshot() == before


def test_delivering_needs_the_scenario_under_way(world, api):
    scenario = make_scenario(world.own_region_code, status="awarded")
    response = api.as_user(world.district).post(
        f"/api/v1/scenarios/{scenario.pk}/deliver/", {"evidence": "验收报告"}, format="json"
    )
    assert response.status_code == 409
    assert (
        response.data["detail"] == "场景当前状态为“已定榜”，不能登记落地（只有“实施中”的场景可以登记落地）。"
    )


def test_delivering_needs_evidence(world, api):
    scenario = make_scenario(world.own_region_code, status="in_progress")
    before = snapshot()
    response = api.as_user(world.district).post(
        f"/api/v1/scenarios/{scenario.pk}/deliver/", {}, format="json"
    )
    assert response.status_code == 400
    assert response.data["evidence"] == ["请填写落地证明（验收报告、上线通知等文件的名称、文号或链接）。"]
    assert snapshot() == before


def test_delivery_date_cannot_be_in_the_future(world, api):
    scenario = make_scenario(world.own_region_code, status="in_progress")
    tomorrow = timezone.localdate() + timedelta(days=1)
    response = api.as_user(world.district).post(
        f"/api/v1/scenarios/{scenario.pk}/deliver/",
        {"evidence": "验收报告", "delivered_on": tomorrow.isoformat()},
        format="json",
    )
    assert response.status_code == 400
    assert response.data["delivered_on"] == ["落地日期不能晚于今天。"]


def test_start_from_a_wrong_state_is_a_conflict(world, api, published):
    before = snapshot()
    response = api.as_user(world.district).post(f"/api/v1/scenarios/{published.pk}/start/", {}, format="json")
    assert response.status_code == 409
    assert (
        response.data["detail"] == "场景当前状态为“已发布”，不能开始实施（只有“已定榜”的场景可以开始实施）。"
    )
    assert snapshot() == before


# --- 终止 -----------------------------------------------------------------------------------------------------


def test_withdrawing_needs_a_reason(world, api, published):
    before = snapshot()
    response = api.as_user(world.district).post(
        f"/api/v1/scenarios/{published.pk}/withdraw/", {}, format="json"
    )
    assert response.status_code == 400
    assert response.data["reason"] == ["终止场景必须填写原因。"]
    assert snapshot() == before


def test_withdrawing_a_published_scenario(world, api, contest):
    scenario, applications = contest
    response = api.as_user(world.district).post(
        f"/api/v1/scenarios/{scenario.pk}/withdraw/", {"reason": "业主调整建设计划"}, format="json"
    )
    assert response.status_code == 200
    assert response.data["status"] == "withdrawn"
    assert response.data["withdraw_reason"] == "业主调整建设计划"
    transition = scenario.transitions.last()
    assert (transition.from_status, transition.to_status, transition.reason) == (
        "published",
        "withdrawn",
        "业主调整建设计划",
    )
    # The applicants waiting are not chosen; the scenario stays on the public record as 已终止.
    assert set(ScenarioApplication.objects.values_list("status", flat=True)) == {"lost"}
    assert api.as_user(None).get(f"/api/v1/scenarios/{scenario.pk}/").data["status"] == "withdrawn"


def test_a_scenario_withdrawn_while_collected_never_becomes_public(world, api, collected):
    services.withdraw_scenario(actor=world.district, scenario=collected, reason="需求撤回")
    assert api.as_user(None).get(f"/api/v1/scenarios/{collected.pk}/").status_code == 404


def test_a_delivered_scenario_cannot_be_withdrawn(world, api):
    scenario = make_scenario(world.own_region_code, status="delivered")
    before = snapshot()
    response = api.as_user(world.district).post(
        f"/api/v1/scenarios/{scenario.pk}/withdraw/", {"reason": "误操作"}, format="json"
    )
    assert response.status_code == 409
    assert response.data["detail"] == (
        "场景当前状态为“已落地”，不能终止（只有“征集中、已发布、已定榜、实施中”的场景可以终止）。"
    )
    assert snapshot() == before


# --- a district officer touching another region's scenario ------------------------------------------------------


@pytest.mark.parametrize(
    ("status", "step", "data"),
    [
        ("collected", "", {"owner_unit": "江北区大数据发展局"}),
        ("collected", "publish/", {}),
        ("published", "award/", None),
        ("awarded", "start/", {}),
        ("in_progress", "deliver/", {"evidence": "验收报告"}),
        ("published", "withdraw/", {"reason": "越权终止"}),
    ],
)
def test_a_district_officer_touching_another_regions_scenario_gets_404(world, api, status, step, data):
    scenario = make_scenario(world.own_region_code, status=status)
    if data is None:
        application = services.apply_for_scenario(
            actor=None, scenario=scenario, enterprise=world.other_enterprise, proposal=PROPOSAL
        )
        data = {"winners": [{"application": application.pk, "amount": "10.00"}]}
    before = snapshot()
    client = api.as_user(world.other_district)
    url = f"/api/v1/scenarios/{scenario.pk}/{step}"
    response = client.patch(url, data, format="json") if not step else client.post(url, data, format="json")
    assert response.status_code == 404
    assert snapshot() == before


def test_another_regions_officer_reads_a_published_scenario_but_not_a_collected_one(
    world, api, published, collected
):
    client = api.as_user(world.other_district)
    assert client.get(f"/api/v1/scenarios/{published.pk}/").status_code == 200
    assert client.get(f"/api/v1/scenarios/{collected.pk}/").status_code == 404


def test_database_keeps_amounts_on_winners_only(world):
    scenario = make_scenario(world.own_region_code, status="awarded")
    winner = scenario.applications.get()
    with pytest.raises(IntegrityError), transaction.atomic():
        ScenarioApplication.objects.filter(pk=winner.pk).update(amount=None)
    with pytest.raises(IntegrityError), transaction.atomic():
        ScenarioApplication.objects.filter(pk=winner.pk).update(status="lost")
    with pytest.raises(IntegrityError), transaction.atomic():
        Scenario.objects.filter(pk=scenario.pk).update(status="delivered")  # no date, no evidence
    assert winner.amount == Decimal("100.00")
