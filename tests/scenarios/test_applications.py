"""揭榜: enterprise users apply for their own enterprise to a published scenario, before its deadline, once."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from scenarios import services
from scenarios.models import ScenarioApplication, ScenarioSettings
from tests.factories import EnterpriseFactory, make_scenario

from .helpers import snapshot

pytestmark = pytest.mark.django_db

URL = "/api/v1/scenario-applications/"
PROPOSAL = "揭榜方案：基于自研停车平台部署，三个月上线，提供三年运维。"


def apply(api, user, scenario, **extra):
    return api.as_user(user).post(
        URL, {"scenario": scenario.pk, "proposal": PROPOSAL, **extra}, format="json"
    )


def test_an_enterprise_user_applies_for_its_enterprise(world, api, published):
    response = apply(api, world.enterprise, published)
    assert response.status_code == 201, response.data
    assert response.data["enterprise"] == world.own_enterprise.pk
    assert response.data["status"] == "applied"
    assert response.data["amount"] is None
    assert response.data["applied_on"] == timezone.localdate().isoformat()
    application = ScenarioApplication.objects.get()
    assert application.applied_by == world.enterprise
    assert application.history.get().history_user == world.enterprise


def test_an_enterprise_of_any_region_may_apply(world, api, published):
    response = apply(api, world.other_enterprise_user, published)
    assert response.status_code == 201
    assert response.data["enterprise"] == world.other_enterprise.pk


def test_applying_with_an_attachment(world, api, client, published):
    upload = SimpleUploadedFile("方案.pdf", b"%PDF-1.4 proposal", content_type="application/pdf")
    response = api.as_user(world.enterprise).post(
        URL, {"scenario": published.pk, "proposal": PROPOSAL, "attachment": upload}, format="multipart"
    )
    assert response.status_code == 201, response.data
    assert response.data["attachment_name"].endswith(".pdf")
    application = ScenarioApplication.objects.get()
    download = f"/scenarios/applications/{application.pk}/attachment/"
    assert response.data["attachment_url"].endswith(download)
    client.force_login(world.district)
    assert b"".join(client.get(download).streaming_content) == b"%PDF-1.4 proposal"
    client.force_login(world.other_enterprise_user)
    assert client.get(download).status_code == 404
    client.force_login(world.other_district)
    assert client.get(download).status_code == 404


@pytest.mark.parametrize(
    ("name", "size", "message"),
    [
        (
            "方案.exe",
            100,
            "附件格式不支持，请上传 pdf、doc、docx、ppt、pptx、xls、xlsx、zip、rar、jpg、png 文件。",
        ),
        ("方案.pdf", 2 * 1024 * 1024 + 1, "附件不能超过 2 MB。"),
    ],
)
def test_bad_attachments_are_refused(world, api, published, name, size, message):
    ScenarioSettings.objects.update_or_create(
        pk=ScenarioSettings.current().pk, defaults={"attachment_max_mb": 2}
    )
    upload = SimpleUploadedFile(name, b"x" * size)
    before = snapshot()
    response = api.as_user(world.enterprise).post(
        URL, {"scenario": published.pk, "proposal": PROPOSAL, "attachment": upload}, format="multipart"
    )
    assert response.status_code == 400
    assert response.data["attachment"] == [message]
    assert snapshot() == before


def test_a_proposal_is_required(world, api, published):
    before = snapshot()
    response = apply(api, world.enterprise, published, proposal="  ")
    assert response.status_code == 400
    assert response.data["proposal"] == ["请填写揭榜方案。"]
    assert snapshot() == before


# --- bad input that must be refused ---------------------------------------------------------------------------


def test_applying_to_an_unpublished_scenario_is_refused(world, api, collected):
    before = snapshot()
    # Through the API the enterprise cannot even see it: like a missing one, 404.
    response = apply(api, world.enterprise, collected)
    assert response.status_code == 404
    assert response.data["detail"] == f"应用场景（{collected.pk}）不存在或不在您的权限范围内。"
    # The service refuses it too, with its own message.
    with pytest.raises(ValidationError) as refused:
        services.apply_for_scenario(actor=world.enterprise, scenario=collected, proposal=PROPOSAL)
    assert refused.value.message_dict == {"scenario": ["该场景尚未发布，不能揭榜。"]}
    assert snapshot() == before


def test_applying_after_the_deadline_is_refused(world, api):
    today = timezone.localdate()
    closed = make_scenario(
        world.own_region_code,
        status="published",
        published_on=today - timedelta(days=40),
        deadline=today - timedelta(days=1),
    )
    before = snapshot()
    response = apply(api, world.enterprise, closed)
    assert response.status_code == 400
    assert response.data["scenario"] == [f"该场景揭榜已于 {closed.deadline:%Y-%m-%d} 截止，不能再揭榜。"]
    assert snapshot() == before


def test_applying_on_the_deadline_is_allowed(world, api):
    today = timezone.localdate()
    last_day = make_scenario(
        world.own_region_code, status="published", published_on=today - timedelta(days=30), deadline=today
    )
    assert apply(api, world.enterprise, last_day).status_code == 201


@pytest.mark.parametrize(
    ("status", "message"),
    [
        ("awarded", "该场景已定榜，揭榜已结束。"),
        ("delivered", "该场景已定榜，揭榜已结束。"),
        ("withdrawn", "该场景已终止，不能揭榜。"),
    ],
)
def test_applying_to_a_closed_scenario_is_refused(world, api, status, message):
    scenario = make_scenario(world.own_region_code, status=status)
    before = snapshot()
    response = apply(api, world.enterprise, scenario)
    assert response.status_code == 400
    assert response.data["scenario"] == [message]
    assert snapshot() == before


def test_applying_twice_is_refused(world, api, published):
    assert apply(api, world.enterprise, published).status_code == 201
    before = snapshot()
    response = apply(api, world.enterprise, published, proposal="第二份方案")
    assert response.status_code == 400
    assert response.data["scenario"] == [f"{world.own_enterprise.name}已揭榜这个场景，不能重复揭榜。"]
    assert snapshot() == before
    assert ScenarioApplication.objects.get().proposal == PROPOSAL


@pytest.mark.parametrize("who", ["district", "other_district", "city"])
def test_only_enterprise_users_apply(world, api, published, who):
    before = snapshot()
    response = apply(api, world.user(who), published, enterprise=world.own_enterprise.pk)
    assert response.status_code == 403
    assert response.data["detail"] == "您的角色无权执行此操作。"
    with pytest.raises(PermissionDenied) as refused:
        services.apply_for_scenario(
            actor=world.user(who), scenario=published, enterprise=world.own_enterprise, proposal=PROPOSAL
        )
    assert str(refused.value) == "只有企业填报员可以揭榜应用场景。"
    assert snapshot() == before


def test_anonymous_visitors_do_not_apply(world, api, published):
    response = apply(api, None, published)
    assert response.status_code == 401
    assert not ScenarioApplication.objects.exists()


def test_an_enterprise_user_applies_only_for_its_own_enterprise(world, api, published):
    before = snapshot()
    response = apply(api, world.enterprise, published, enterprise=world.other_enterprise.pk)
    assert response.status_code == 404  # another enterprise is out of scope, like a missing one
    with pytest.raises(PermissionDenied) as refused:
        services.apply_for_scenario(
            actor=world.enterprise, scenario=published, enterprise=world.other_enterprise, proposal=PROPOSAL
        )
    assert str(refused.value) == "企业填报员只能为本企业揭榜。"
    assert snapshot() == before


# --- who sees which applications ----------------------------------------------------------------------------


def test_applications_are_seen_by_their_enterprise_the_scenarios_region_and_the_city(world, api, published):
    apply(api, world.enterprise, published)
    apply(api, world.other_enterprise_user, published)
    elsewhere = make_scenario(world.other_region_code, status="published")
    apply(api, world.enterprise, elsewhere)

    def seen(user):
        return sorted(
            (row["scenario"], row["enterprise"]) for row in api.as_user(user).get(URL).data["results"]
        )

    own, other = world.own_enterprise.pk, world.other_enterprise.pk
    assert seen(world.enterprise) == sorted([(published.pk, own), (elsewhere.pk, own)])
    assert seen(world.other_enterprise_user) == [(published.pk, other)]
    assert seen(world.district) == sorted([(published.pk, own), (published.pk, other)])
    assert seen(world.other_district) == [(elsewhere.pk, own)]
    assert len(seen(world.city)) == 3


def test_applications_filter_by_scenario_and_status(world, api, published):
    apply(api, world.enterprise, published)
    for _ in range(2):
        services.apply_for_scenario(
            actor=None, scenario=published, enterprise=EnterpriseFactory(), proposal=PROPOSAL
        )
    client = api.as_user(world.district)
    assert client.get(URL, {"scenario": published.pk}).data["count"] == 3
    assert client.get(URL, {"status": "won"}).data["count"] == 0
    assert client.get(URL, {"region": "500103"}).data["count"] == 3
