"""Recording scenarios (征集) and publishing them into numbered, dated lists (清单): the three requirements
"边界清晰、业主明确、资金落实", city and district lists, and who may do what."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from scenarios import services
from scenarios.models import Scenario, ScenarioList, ScenarioSettings, ScenarioTransition
from tests.factories import make_scenario, region, scenario_data

from .helpers import snapshot

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate


def body(w, **overrides):
    data = {
        "title": "渝中区区域医学影像云平台",
        "region": w.own_region_code,
        "domain": "health",
        "owner_type": "state_owned",
        "owner_unit": "重庆市渝中区人民医院",
        "scope": "区域内医疗机构影像数据上云、互认共享和 AI 辅助诊断。",
        "funding_amount": "500.00",
        "funding_source": "医院自筹资金",
    }
    data.update(overrides)
    return data


# --- recording ------------------------------------------------------------------------------------------


def test_district_officer_records_a_district_scenario_of_its_region(world, api):
    response = api.as_user(world.district).post("/api/v1/scenarios/", body(world), format="json")
    assert response.status_code == 201, response.data
    assert response.data["level"] == "district"
    assert response.data["status"] == "collected"
    assert response.data["funding_amount"] == "500.00"
    assert response.data["list_no"] is None and response.data["published_on"] is None
    scenario = Scenario.objects.get()
    assert scenario.created_by == world.district
    assert scenario.history.get().history_user == world.district
    transition = scenario.transitions.get()
    assert (transition.from_status, transition.to_status, transition.actor) == (
        "",
        "collected",
        world.district,
    )


def test_city_staff_record_city_level_scenarios(world, api):
    response = api.as_user(world.city).post("/api/v1/scenarios/", body(world), format="json")
    assert response.status_code == 201
    assert response.data["level"] == "city"


def test_a_district_officer_cannot_record_for_another_region(world, api):
    response = api.as_user(world.other_district).post("/api/v1/scenarios/", body(world), format="json")
    assert response.status_code == 400
    assert response.data["region"] == ["区县用户只能登记本区域的应用场景。"]
    assert not Scenario.objects.exists()


@pytest.mark.parametrize(
    ("who", "level", "message"),
    [
        ("district", "city", "区县用户只能登记区县级应用场景，市级场景由市经济信息委登记。"),
        ("city", "district", "区县级应用场景由所在区县经信部门登记，市级用户登记市级场景。"),
    ],
)
def test_each_level_records_its_own_scenarios(world, api, who, level, message):
    response = api.as_user(world.user(who)).post(
        "/api/v1/scenarios/", body(world, level=level), format="json"
    )
    assert response.status_code == 400
    assert response.data["level"] == [message]
    assert not Scenario.objects.exists()


def test_title_is_unique_within_a_region(world, api, collected):
    before = snapshot()
    response = api.as_user(world.district).post(
        "/api/v1/scenarios/", body(world, title=collected.title), format="json"
    )
    assert response.status_code == 400
    assert response.data["title"] == [f"渝中区已有名为“{collected.title}”的应用场景。"]
    assert snapshot() == before


def test_a_collected_scenario_may_be_incomplete_and_edited(world, api):
    response = api.as_user(world.district).post(
        "/api/v1/scenarios/",
        body(world, owner_unit="", scope="", funding_amount=None, funding_source=""),
        format="json",
    )
    assert response.status_code == 201
    response = api.as_user(world.district).patch(
        f"/api/v1/scenarios/{response.data['id']}/", {"owner_unit": "渝中区大数据发展局"}, format="json"
    )
    assert response.status_code == 200
    assert response.data["owner_unit"] == "渝中区大数据发展局"


def test_a_published_scenario_cannot_be_edited(world, api, published):
    before = snapshot()
    response = api.as_user(world.district).patch(
        f"/api/v1/scenarios/{published.pk}/", {"funding_amount": "9999.00"}, format="json"
    )
    assert response.status_code == 409
    assert response.data["detail"] == (
        "场景当前状态为“已发布”，发布后不能修改场景内容（只有“征集中”的场景可以修改）。"
    )
    assert snapshot() == before


# --- publishing -----------------------------------------------------------------------------------------


def test_publishing_puts_the_scenario_in_a_numbered_dated_list(world, api, collected):
    response = api.as_user(world.district).post(
        f"/api/v1/scenarios/{collected.pk}/publish/", {}, format="json"
    )
    assert response.status_code == 200, response.data
    today = TODAY()
    assert response.data["status"] == "published"
    assert response.data["published_on"] == today.isoformat()
    assert response.data["list_no"] == f"500103-{today.year}-01"
    assert response.data["list_title"] == f"渝中区应用场景清单（{today.year}年第1批）"
    # No deadline given or recorded: the default period from the settings.
    days = ScenarioSettings.current().application_days
    assert response.data["deadline"] == (today + timedelta(days=days)).isoformat()
    transition = ScenarioTransition.objects.filter(scenario=collected).last()
    assert (transition.from_status, transition.to_status, transition.actor) == (
        "collected",
        "published",
        world.district,
    )
    assert transition.note == f"列入渝中区应用场景清单（{today.year}年第1批）"
    # From now on anyone may read it.
    assert api.as_user(None).get(f"/api/v1/scenarios/{collected.pk}/").status_code == 200


def test_publishing_takes_a_deadline(world, api, collected):
    deadline = TODAY() + timedelta(days=10)
    response = api.as_user(world.district).post(
        f"/api/v1/scenarios/{collected.pk}/publish/", {"deadline": deadline.isoformat()}, format="json"
    )
    assert response.status_code == 200
    assert response.data["deadline"] == deadline.isoformat()


MISSING = {
    "scope": "边界不清晰：请填写场景的建设内容和边界。",
    "owner_unit": "业主不明确：请填写业主单位。",
    "funding_amount": "资金未落实：请填写大于 0 的资金金额（万元）。",
    "funding_source": "资金未落实：请填写资金来源。",
}


def test_publishing_without_scope_owner_or_funding_names_each_missing_requirement(world, api):
    scenario = make_scenario(
        world.own_region_code, owner_unit="", scope="  ", funding_amount=None, funding_source=""
    )
    before = snapshot()
    response = api.as_user(world.district).post(
        f"/api/v1/scenarios/{scenario.pk}/publish/", {}, format="json"
    )
    assert response.status_code == 400
    assert response.data == {field: [message] for field, message in MISSING.items()}
    assert snapshot() == before
    assert not ScenarioList.objects.exists()


@pytest.mark.parametrize(
    ("missing", "fields"),
    [
        ("scope", {"scope": ""}),
        ("owner_unit", {"owner_unit": ""}),
        ("funding_amount", {"funding_amount": None}),
        ("funding_amount", {"funding_amount": 0}),
        ("funding_source", {"funding_source": ""}),
    ],
)
def test_publishing_refuses_each_missing_requirement_on_its_own(world, api, missing, fields):
    scenario = make_scenario(world.own_region_code, **fields)
    before = snapshot()
    response = api.as_user(world.district).post(
        f"/api/v1/scenarios/{scenario.pk}/publish/", {}, format="json"
    )
    assert response.status_code == 400
    assert response.data == {missing: [MISSING[missing]]}
    assert snapshot() == before


def test_the_service_refuses_the_same_way(world):
    scenario = make_scenario(world.own_region_code, scope="")
    with pytest.raises(ValidationError) as refused:
        services.publish_scenario(actor=world.district, scenario=scenario)
    assert refused.value.message_dict == {"scope": [MISSING["scope"]]}
    scenario.refresh_from_db()
    assert scenario.status == "collected"


def test_the_database_refuses_a_published_scenario_without_its_requirements(world, published):
    with pytest.raises(IntegrityError), transaction.atomic():
        Scenario.objects.filter(pk=published.pk).update(funding_source="")
    with pytest.raises(IntegrityError), transaction.atomic():
        Scenario.objects.filter(pk=published.pk).update(published_list=None)


def test_publishing_twice_is_a_conflict(world, api, published):
    before = snapshot()
    response = api.as_user(world.district).post(
        f"/api/v1/scenarios/{published.pk}/publish/", {}, format="json"
    )
    assert response.status_code == 409
    assert response.data["detail"] == "场景当前状态为“已发布”，不能发布（只有“征集中”的场景可以发布）。"
    assert snapshot() == before


def test_deadline_before_publication_is_refused(world, api, collected):
    before = snapshot()
    yesterday = TODAY() - timedelta(days=1)
    response = api.as_user(world.district).post(
        f"/api/v1/scenarios/{collected.pk}/publish/", {"deadline": yesterday.isoformat()}, format="json"
    )
    assert response.status_code == 400
    assert response.data["deadline"] == [f"揭榜截止日期不能早于发布日期（{TODAY():%Y-%m-%d}）。"]
    assert snapshot() == before


def test_a_future_publication_date_is_refused(world, api, collected):
    tomorrow = TODAY() + timedelta(days=1)
    response = api.as_user(world.district).post(
        f"/api/v1/scenarios/{collected.pk}/publish/", {"published_on": tomorrow.isoformat()}, format="json"
    )
    assert response.status_code == 400
    assert response.data["published_on"] == ["发布日期不能晚于今天。"]


def test_one_list_per_publisher_and_day_numbered_by_year(world):
    day = date(TODAY().year - 2, 6, 1)
    first = make_scenario("500103", status="published", published_on=day)
    same_day = make_scenario("500103", status="published", published_on=day)
    later = make_scenario("500103", status="published", published_on=day + timedelta(days=3))
    other_region = make_scenario("500105", status="published", published_on=day)
    city = make_scenario("500103", status="published", level="city", published_on=day)
    next_year = make_scenario("500103", status="published", published_on=date(day.year + 1, 1, 5))

    assert first.published_list == same_day.published_list
    assert first.list_no == f"500103-{day.year}-01"
    assert later.list_no == f"500103-{day.year}-02"
    assert other_region.list_no == f"500105-{day.year}-01"
    assert city.list_no == f"CITY-{day.year}-01"
    assert city.published_list.title == f"市级应用场景清单（{day.year}年第1批）"
    assert next_year.list_no == f"500103-{day.year + 1}-01"
    assert first.published_list.scenarios.count() == 2


def test_lists_are_numbered_in_date_order(world):
    make_scenario("500103", status="published")
    scenario = make_scenario("500103")
    before = snapshot()
    with pytest.raises(ValidationError) as refused:
        services.publish_scenario(
            actor=world.district, scenario=scenario, published_on=TODAY() - timedelta(days=5)
        )
    assert refused.value.message_dict["published_on"] == [
        f"本级最近一批清单已于 {TODAY():%Y-%m-%d} 发布，清单按日期顺序编号，发布日期不能早于该日期。"
    ]
    assert snapshot() == before


# --- who manages what -------------------------------------------------------------------------------------


def test_city_staff_do_not_publish_a_district_scenario(world, api, collected):
    before = snapshot()
    response = api.as_user(world.city).post(f"/api/v1/scenarios/{collected.pk}/publish/", {}, format="json")
    assert response.status_code == 403
    assert response.data["detail"] == "区县级应用场景由所在区县经信部门管理，市级用户不能代为操作。"
    assert snapshot() == before


def test_a_district_officer_does_not_publish_a_city_scenario_of_its_region(world, api):
    scenario = make_scenario(world.own_region_code, level="city")
    before = snapshot()
    response = api.as_user(world.district).post(
        f"/api/v1/scenarios/{scenario.pk}/publish/", {}, format="json"
    )
    assert response.status_code == 403
    assert response.data["detail"] == "市级应用场景由市经济信息委管理。"
    assert snapshot() == before
    response = api.as_user(world.city).post(f"/api/v1/scenarios/{scenario.pk}/publish/", {}, format="json")
    assert response.status_code == 200
    assert response.data["list_no"] == f"CITY-{TODAY().year}-01"


def test_the_service_refuses_another_regions_officer(world, collected):
    with pytest.raises(PermissionDenied) as refused:
        services.publish_scenario(actor=world.other_district, scenario=collected)
    assert str(refused.value) == "区县用户只能管理本区域的应用场景。"


def test_a_park_is_not_a_scenario_region(world):
    with pytest.raises(ValidationError) as refused:
        services.create_scenario(actor=None, **scenario_data(region=region("500109-01")))
    assert refused.value.message_dict["region"] == [
        "所在区域请选择区县或开发区（园区的场景登记在其所属区县）。"
    ]
