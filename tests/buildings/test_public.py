"""The public 示范楼宇 list: no login, current designations only, no private field, cached and invalidated
by every write."""

from datetime import timedelta

import pytest
from django.utils import timezone

from buildings import services
from buildings.models import Building
from tests.factories import EnterpriseFactory, designate, make_building, make_occupancy

pytestmark = pytest.mark.django_db

PUBLIC_FIELDS = {
    "id",
    "name",
    "region",
    "region_name",
    "park",
    "park_name",
    "address",
    "owner",
    "operator",
    "gross_area",
    "acquired_area",
    "acquired_on",
    "letting_area",
    "used_area",
    "occupancy_rate",
    "enterprise_count",
    "main_industries",
    "turnkey_ready",
    "incubation_area",
    "policies",
    "batch",
    "batch_label",
    "designated_on",
}
PRIVATE = {"contact_name": "保密联系人", "contact_phone": "023-99998888", "notes": "产权纠纷未决，请勿外传"}


@pytest.fixture
def showcases(world):
    """Three current 示范楼宇 (two in 渝中区, batch 1 and 2; one in 江北区, batch 2), one revoked, one never
    designated. Each carries private contacts and notes."""
    first = make_building("500103", name="解放碑软件大厦", **PRIVATE)
    second = make_building("500103", name="化龙桥数字大厦", **PRIVATE)
    third = make_building("500105", name="观音桥数智大楼", **PRIVATE)
    revoked = make_building("500103", name="大坪科技大厦", **PRIVATE)
    make_building("500103", name="上清寺创新中心", **PRIVATE)
    designate(first, batch=1, days_ago=400)
    designate(second, batch=2, days_ago=30)
    designate(third, batch=2, days_ago=30)
    designate(revoked, batch=1, days_ago=400)
    services.revoke_designation(actor=world.city, building=revoked, reason="入驻率过低")
    for industry in ("software", "software", "ai"):
        make_occupancy(first, EnterpriseFactory(industry=industry), area="2000.00")
    return {"first": first, "second": second, "third": third, "revoked": revoked}


def names(response):
    return [row["name"] for row in response.data["results"]]


def test_anonymous_visitors_read_every_current_showcase(api, showcases):
    response = api.as_user(None).get("/api/v1/demonstration-buildings/")
    assert response.status_code == 200
    assert names(response) == ["解放碑软件大厦", "化龙桥数字大厦", "观音桥数智大楼"]
    row = response.data["results"][0]
    assert row["batch"] == 1 and row["batch_label"] == "第一批"
    assert row["region"] == "500103" and row["region_name"] == "渝中区"
    assert (row["used_area"], row["occupancy_rate"], row["enterprise_count"]) == ("6000.00", "50.00", 3)
    assert row["main_industries"] == [
        {"code": "software", "label": "软件开发", "enterprises": 2},
        {"code": "ai", "label": "人工智能", "enterprises": 1},
    ]


def test_public_api_leaks_no_private_field(api, showcases):
    response = api.as_user(None).get("/api/v1/demonstration-buildings/")
    text = response.content.decode()
    for row in response.data["results"]:
        assert set(row) == PUBLIC_FIELDS
    detail = api.get(f"/api/v1/demonstration-buildings/{showcases['first'].pk}/")
    assert set(detail.data) == PUBLIC_FIELDS
    for value in PRIVATE.values():
        assert value not in text and value not in detail.content.decode()
    for field in PRIVATE:
        assert f'"{field}"' not in text


def test_public_pages_leak_no_private_field(client, showcases):
    pages = [
        client.get("/demonstration-buildings/"),
        client.get(f"/demonstration-buildings/{showcases['first'].pk}/"),
    ]
    for response in pages:
        assert response.status_code == 200
        for value in PRIVATE.values():
            assert value not in response.content.decode()


def test_revoked_and_undesignated_buildings_never_appear(api, client, showcases):
    assert "大坪科技大厦" not in names(api.get("/api/v1/demonstration-buildings/"))
    page = client.get("/demonstration-buildings/").content.decode()
    assert "大坪科技大厦" not in page and "上清寺创新中心" not in page
    for building in ("revoked",):
        assert api.get(f"/api/v1/demonstration-buildings/{showcases[building].pk}/").status_code == 404
        assert client.get(f"/demonstration-buildings/{showcases[building].pk}/").status_code == 404
    undesignated = Building.objects.get(name="上清寺创新中心")
    assert client.get(f"/demonstration-buildings/{undesignated.pk}/").status_code == 404


def test_signed_in_officers_see_the_whole_public_list(world, api, showcases):
    """Public data is the same for everyone: a district officer sees other regions' showcases here."""
    response = api.as_user(world.district).get("/api/v1/demonstration-buildings/")
    assert "观音桥数智大楼" in names(response)


def test_filters_by_region_and_batch(api, showcases):
    assert names(api.get("/api/v1/demonstration-buildings/", {"region": "500105"})) == ["观音桥数智大楼"]
    assert names(api.get("/api/v1/demonstration-buildings/", {"batch": 2})) == [
        "化龙桥数字大厦",
        "观音桥数智大楼",
    ]
    assert names(api.get("/api/v1/demonstration-buildings/", {"region": "500103", "batch": 1})) == [
        "解放碑软件大厦"
    ]
    assert names(api.get("/api/v1/demonstration-buildings/", {"batch": 3})) == []


def test_page_filters_by_region_and_batch(client, showcases):
    page = client.get("/demonstration-buildings/", {"region": "500105"}).content.decode()
    assert "观音桥数智大楼" in page and "解放碑软件大厦" not in page
    page = client.get("/demonstration-buildings/", {"batch": "1"}).content.decode()
    assert "解放碑软件大厦" in page and "化龙桥数字大厦" not in page


def test_page_has_title_description_chart_and_the_phone_viewport(client, showcases):
    page = client.get("/demonstration-buildings/").content.decode()
    assert "<title>“满天星”示范楼宇 · 软件和信息服务业政策跟踪门户</title>" in page
    assert '<meta name="description" content="重庆市软件和信息服务业“满天星”示范楼宇名单：共 3 座' in page
    assert 'name="viewport" content="width=device-width, initial-scale=1"' in page
    assert "vendor/echarts-6.1.0/echarts.min.js" in page
    assert 'id="region-chart-data"' in page and "渝中区" in page
    detail = client.get(f"/demonstration-buildings/{showcases['first'].pk}/").content.decode()
    assert "<title>解放碑软件大厦 · “满天星”示范楼宇 · 软件和信息服务业政策跟踪门户</title>" in detail
    assert "第一批“满天星”示范楼宇" in detail


def test_chart_counts_buildings_and_used_area_by_region(client, showcases):
    from buildings import selectors

    chart = selectors.region_chart(Building.objects.public())
    assert [(row["name"], row["buildings"], row["used_area"]) for row in chart] == [
        ("渝中区", 2, 6000),
        ("江北区", 1, 0),
    ]


# --- the cache -------------------------------------------------------------------------------------------


def test_the_list_is_cached(api, client, showcases, django_assert_num_queries):
    api.get("/api/v1/demonstration-buildings/")
    client.get("/demonstration-buildings/")
    # A change that bypasses the services (no invalidation) is not seen: the answer comes from the cache.
    Building.objects.filter(pk=showcases["first"].pk).update(name="绕过服务的改名")
    with django_assert_num_queries(0):
        assert "解放碑软件大厦" in names(api.get("/api/v1/demonstration-buildings/"))
    with django_assert_num_queries(0):
        assert "解放碑软件大厦" in client.get("/demonstration-buildings/").content.decode()


def test_a_designation_change_shows_at_once(world, api, client, showcases):
    assert "大坪科技大厦" not in names(api.get("/api/v1/demonstration-buildings/"))
    client.get("/demonstration-buildings/")
    services.designate_building(actor=world.city, building=showcases["revoked"], batch=3)
    assert "大坪科技大厦" in names(api.get("/api/v1/demonstration-buildings/"))
    assert "大坪科技大厦" in client.get("/demonstration-buildings/").content.decode()
    services.revoke_designation(actor=world.city, building=showcases["second"], reason="复核不合格")
    assert "化龙桥数字大厦" not in names(api.get("/api/v1/demonstration-buildings/"))
    assert "化龙桥数字大厦" not in client.get("/demonstration-buildings/").content.decode()


def test_an_occupancy_change_shows_at_once(api, showcases):
    first = showcases["first"].pk
    assert api.get(f"/api/v1/demonstration-buildings/{first}/").data["used_area"] == "6000.00"
    assert api.get("/api/v1/demonstration-buildings/").data["results"][0]["used_area"] == "6000.00"
    make_occupancy(showcases["first"], area="1000.00", days_ago=5)
    assert api.get(f"/api/v1/demonstration-buildings/{first}/").data["used_area"] == "7000.00"
    assert api.get("/api/v1/demonstration-buildings/").data["results"][0]["used_area"] == "7000.00"


def test_a_building_change_shows_at_once(world, api, client, showcases):
    client.get(f"/demonstration-buildings/{showcases['first'].pk}/")
    api.get("/api/v1/demonstration-buildings/")
    services.update_building(actor=world.district, building=showcases["first"], address="民族路 188 号")
    assert api.get("/api/v1/demonstration-buildings/").data["results"][0]["address"] == "民族路 188 号"
    assert (
        "民族路 188 号" in client.get(f"/demonstration-buildings/{showcases['first'].pk}/").content.decode()
    )


def test_a_change_through_the_api_invalidates_too(world, api, showcases):
    api.get("/api/v1/demonstration-buildings/")
    response = api.as_user(world.city).post(
        f"/api/v1/buildings/{showcases['first'].pk}/revoke/", {"reason": "撤牌"}, format="json"
    )
    assert response.status_code == 200
    assert "解放碑软件大厦" not in names(api.as_user(None).get("/api/v1/demonstration-buildings/"))


def test_invalidation_also_runs_on_commit(showcases, django_capture_on_commit_callbacks):
    from buildings import selectors

    version = selectors.PUBLIC.version()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        services.update_building(actor=None, building=showcases["first"], operator="新运营团队")
    assert callbacks and selectors.PUBLIC.version() == version + 2


def test_designation_dated_in_the_past_is_listed_with_its_date(api, showcases):
    row = api.get(f"/api/v1/demonstration-buildings/{showcases['first'].pk}/").data
    assert row["designated_on"] == str(timezone.localdate() - timedelta(days=400))
