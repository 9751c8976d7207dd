"""Published scenarios are public, page and API, without login; scenarios being collected never leak."""

import pytest

from tests.factories import make_scenario

pytestmark = pytest.mark.django_db


@pytest.fixture
def mixed(world):
    """One scenario in every state in the own region, one being collected elsewhere, one withdrawn before
    publication."""
    scenarios = {
        status: make_scenario(world.own_region_code, status=status, title=f"可见性-{status}")
        for status in ("collected", "published", "awarded", "in_progress", "delivered", "withdrawn")
    }
    scenarios["elsewhere"] = make_scenario(world.other_region_code, title="可见性-江北区征集中")
    hidden = make_scenario(world.own_region_code, title="可见性-征集时终止")
    from scenarios import services

    services.withdraw_scenario(actor=None, scenario=hidden, reason="需求撤回")
    scenarios["withdrawn_unpublished"] = hidden
    return scenarios


PUBLIC = {"published", "awarded", "in_progress", "delivered", "withdrawn"}


def test_the_public_list_shows_only_published_ones_to_an_anonymous_visitor(world, client, mixed):
    page = client.get("/scenarios/")
    assert page.status_code == 200
    text = page.content.decode()
    for key, scenario in mixed.items():
        assert (scenario.title in text) == (key in PUBLIC), key
    assert "<title>应用场景清单 · 软件和信息服务业政策跟踪门户</title>" in text
    assert '<meta name="description" content="重庆市软件和信息服务业应用场景清单' in text


def test_the_public_api_shows_only_published_ones_to_an_anonymous_caller(world, api, mixed):
    response = api.as_user(None).get("/api/v1/scenarios/")
    assert response.status_code == 200
    assert {row["title"] for row in response.data["results"]} == {mixed[key].title for key in PUBLIC}
    for key, scenario in mixed.items():
        status = api.get(f"/api/v1/scenarios/{scenario.pk}/").status_code
        assert status == (200 if key in PUBLIC else 404), key


def test_the_public_detail_page_needs_no_login_and_hides_collected_ones(world, client, mixed):
    for key, scenario in mixed.items():
        response = client.get(f"/scenarios/{scenario.pk}/")
        assert response.status_code == (200 if key in PUBLIC else 404), key
    page = client.get(f"/scenarios/{mixed['delivered'].pk}/").content.decode()
    assert "验收报告（测试〔2025〕1号）" in page
    assert "揭榜方案" not in page  # proposals are for the officers, not the public


def test_the_public_list_stays_public_for_signed_in_users(world, client, mixed):
    client.force_login(world.district)
    text = client.get("/scenarios/").content.decode()
    assert mixed["collected"].title not in text  # its own draft is on the management list, not here
    management = client.get("/scenarios/manage/").content.decode()
    assert mixed["collected"].title in management
    assert mixed["elsewhere"].title not in management


def test_enterprise_users_read_what_is_public(world, api, mixed):
    titles = {row["title"] for row in api.as_user(world.enterprise).get("/api/v1/scenarios/").data["results"]}
    assert titles == {mixed[key].title for key in PUBLIC}


def test_district_officers_read_their_region_and_what_is_public(world, api, mixed):
    def titles(user):
        return {row["title"] for row in api.as_user(user).get("/api/v1/scenarios/").data["results"]}

    public = {mixed[key].title for key in PUBLIC}
    assert titles(world.district) == public | {mixed["collected"].title, mixed["withdrawn_unpublished"].title}
    assert titles(world.other_district) == public | {mixed["elsewhere"].title}
    assert len(titles(world.city)) == len(mixed)


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"status": "delivered"}, ["可见性-delivered"]),
        ({"region": "500103", "status": "awarded"}, ["可见性-awarded"]),
        ({"region": "500105"}, []),
        ({"domain": "health"}, []),
        ({"domain": "government", "status": "withdrawn"}, ["可见性-withdrawn"]),
    ],
)
def test_filters_are_shared_by_the_page_and_the_api(world, api, client, mixed, query, expected):
    rows = api.as_user(None).get("/api/v1/scenarios/", query).data["results"]
    assert sorted(row["title"] for row in rows) == expected
    text = client.get("/scenarios/", query).content.decode()
    for key in PUBLIC:
        assert (mixed[key].title in text) == (mixed[key].title in expected)


def test_filter_by_list_number(world, api, client):
    from datetime import timedelta

    from django.utils import timezone

    earlier = make_scenario(
        world.own_region_code,
        status="published",
        title="第一批场景",
        published_on=timezone.localdate() - timedelta(days=3),
    )
    later = make_scenario(world.own_region_code, status="published", title="第二批场景")
    assert earlier.list_no != later.list_no
    rows = api.as_user(None).get("/api/v1/scenarios/", {"list_no": earlier.list_no}).data["results"]
    assert [row["title"] for row in rows] == ["第一批场景"]
    text = client.get("/scenarios/", {"list_no": later.list_no}).content.decode()
    assert "第二批场景" in text and "第一批场景</a>" not in text
    lists = api.get("/api/v1/scenario-lists/").data["results"]
    assert [(row["list_no"], row["scenario_count"]) for row in lists] == [
        (later.list_no, 1),
        (earlier.list_no, 1),
    ]
    assert lists[0]["title"] == later.published_list.title


def test_proposals_and_history_stay_with_the_scenarios_region_and_the_city(world, client):
    scenario = make_scenario(world.own_region_code, status="awarded", applicants=[world.other_enterprise])
    application = scenario.applications.get()
    application.proposal = "保密的揭榜方案"
    application.save()
    for who, sees in [("district", True), ("city", True), ("other_district", False), ("enterprise", False)]:
        client.force_login(world.user(who))
        text = client.get(f"/scenarios/{scenario.pk}/").content.decode()
        assert ("保密的揭榜方案" in text) == sees, who
        assert ("流转记录" in text) == sees, who
        assert world.other_enterprise.name in text  # the winner is announced to everyone
