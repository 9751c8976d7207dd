from datetime import timedelta

import pytest
from django.utils import timezone

from enterprises.models import Enterprise, SupportGrant
from enterprises.services import RELOCATED_SUPPORT_REFUSAL
from tests.factories import EnterpriseFactory, make_uscc

pytestmark = pytest.mark.django_db


def register(api, actor, **overrides):
    data = {
        "uscc": make_uscc(5550001),
        "name": "重庆山城软件有限公司",
        "region": "500103",
        "industry": "software",
    }
    data.update(overrides)
    return api.as_user(actor).post("/api/v1/enterprises/", data, format="json")


def test_district_registers_an_enterprise_with_tags_and_origin(world, api):
    response = register(
        api,
        world.district,
        tags=["industrial_software", "open_source"],
        arrival_origin="relocated",
        relocated_from="500105",
        arrival_date=str(timezone.localdate() - timedelta(days=30)),
    )
    assert response.status_code == 201, response.data
    assert response.data["tags"] == ["industrial_software", "open_source"]
    assert response.data["tier"] == {
        "level": None,
        "year": None,
        "headcount": None,
        "operating_revenue": None,
    }
    enterprise = Enterprise.objects.get(uscc=make_uscc(5550001))
    assert enterprise.relocated_from.code == "500105"
    assert enterprise.history.first().history_user == world.district


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"uscc": "91500103MA5U7XXXX1"}, "uscc", "统一社会信用代码“91500103MA5U7XXXX1”无效"),
        ({"uscc": "123"}, "uscc", "统一社会信用代码“123”无效"),
        ({"region": "500105"}, "region", "区县用户只能登记和管理本区域的企业。"),
        ({"arrival_origin": "relocated"}, "relocated_from", "市内迁移的企业必须填写迁出区域。"),
        (
            {"arrival_origin": "relocated", "relocated_from": "500103"},
            "relocated_from",
            "迁出区域不能是企业现在所属的区域。",
        ),
        ({"park": "500109-01"}, "park", "所属园区必须是所属区域下的园区。"),
        ({"arrival_date": "2099-01-01"}, "arrival_date", "入驻日期不能晚于今天。"),
        ({"industry": "mining"}, "industry", "不是合法选项"),
        ({"name": "  "}, "name", "不能为空"),
    ],
)
def test_bad_registrations_are_refused_and_nothing_written(world, api, overrides, field, message):
    before = Enterprise.objects.count()
    response = register(api, world.district, **overrides)
    assert response.status_code == 400
    assert message in " ".join(response.data[field])
    assert Enterprise.objects.count() == before


def test_duplicate_uscc_is_refused(world, api):
    before = Enterprise.objects.count()
    response = register(api, world.city, uscc=world.other_enterprise.uscc)
    assert response.status_code == 400
    assert response.data["uscc"] == [f"统一社会信用代码“{world.other_enterprise.uscc}”已登记，不能重复登记。"]
    assert Enterprise.objects.count() == before


def test_wrong_check_character_names_the_uscc():
    from django.core.exceptions import ValidationError

    from enterprises.validators import validate_uscc

    good = make_uscc(1)
    bad = good[:-1] + ("0" if good[-1] != "0" else "1")
    with pytest.raises(ValidationError, match="统一社会信用代码"):
        validate_uscc(bad)
    assert validate_uscc(good) == good


def test_enterprise_user_edits_only_contact_fields(world, api):
    url = f"/api/v1/enterprises/{world.own_enterprise.pk}/"
    client = api.as_user(world.enterprise)
    assert client.patch(url, {"contact_phone": "023-12345678"}, format="json").status_code == 200
    response = client.patch(url, {"name": "改名公司"}, format="json")
    assert response.status_code == 403
    assert response.data == {"detail": "企业填报员只能修改本企业的联系人信息。"}
    world.own_enterprise.refresh_from_db()
    assert world.own_enterprise.name != "改名公司" and world.own_enterprise.contact_phone == "023-12345678"


def test_district_may_not_move_an_enterprise_to_another_region(world, api):
    response = api.as_user(world.district).patch(
        f"/api/v1/enterprises/{world.own_enterprise.pk}/", {"region": "500105"}, format="json"
    )
    assert response.status_code == 400
    assert response.data == {"region": ["只有市级用户可以将企业划转到其他区域。"]}
    world.own_enterprise.refresh_from_db()
    assert world.own_enterprise.region.code == "500103"


def test_district_sees_only_its_region(world, api):
    names = {row["name"] for row in api.as_user(world.district).get("/api/v1/enterprises/").data["results"]}
    assert names == {world.own_enterprise.name}


def test_filters(world, api):
    EnterpriseFactory(name="重庆人工智能研究有限公司", industry="ai", region=world.own_enterprise.region)
    client = api.as_user(world.city)
    assert client.get("/api/v1/enterprises/", {"industry": "ai"}).data["count"] == 1
    assert client.get("/api/v1/enterprises/", {"region": "500105"}).data["count"] == 1
    assert client.get("/api/v1/enterprises/", {"q": "人工智能"}).data["count"] == 1
    assert client.get("/api/v1/enterprises/", {"q": world.other_enterprise.uscc[:10]}).data["count"] == 1
    assert client.get("/api/v1/enterprises/", {"tier": "qiming"}).data["count"] == 0


def test_enterprise_list_query_count_is_fixed(world, api, django_assert_max_num_queries):
    client = api.as_user(world.city)

    def listing():
        with django_assert_max_num_queries(5):  # auth, count, page, tags, honours
            return client.get("/api/v1/enterprises/").data["count"]

    small = listing()
    EnterpriseFactory.create_batch(30)
    assert listing() == small + 30


# --- support grants -------------------------------------------------------------------------------------


def grant(api, actor, enterprise, **overrides):
    data = {
        "enterprise": enterprise.pk,
        "kind": "rent",
        "amount": "20.00",
        "granted_on": str(timezone.localdate() - timedelta(days=1)),
    }
    data.update(overrides)
    return api.as_user(actor).post("/api/v1/support-grants/", data, format="json")


def test_support_grant_recorded(world, api):
    response = grant(api, world.district, world.own_enterprise)
    assert response.status_code == 201
    assert response.data["amount"] == "20.00"


def test_support_grant_refused_for_enterprise_relocated_within_chongqing(world, api):
    relocated = EnterpriseFactory(arrival_origin="relocated", relocated_from=world.other_enterprise.region)
    response = grant(api, world.district, relocated, kind="cloud")
    assert response.status_code == 400
    assert response.data == {"enterprise": [RELOCATED_SUPPORT_REFUSAL]}
    assert "企业市内迁移不得享受新入驻企业支持政策" in RELOCATED_SUPPORT_REFUSAL
    assert not SupportGrant.objects.exists()


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"amount": "0"}, "amount", "金额必须大于 0 万元。"),
        ({"granted_on": "2099-01-01"}, "granted_on", "兑现日期不能晚于今天。"),
        ({"kind": "tax"}, "kind", "不是合法选项"),
    ],
)
def test_bad_support_grants_refused(world, api, overrides, field, message):
    response = grant(api, world.city, world.own_enterprise, **overrides)
    assert response.status_code == 400
    assert message in " ".join(response.data[field])
    assert not SupportGrant.objects.exists()


def test_support_grant_for_another_region_is_404(world, api):
    response = grant(api, world.district, world.other_enterprise)
    assert response.status_code == 404
    assert not SupportGrant.objects.exists()


# --- the building an enterprise is registered in ---------------------------------------------------------


def test_enterprise_building_must_be_in_its_region(world, api):
    from tests.factories import make_building

    own_building, other_building = make_building("500103"), make_building("500105")
    url = f"/api/v1/enterprises/{world.own_enterprise.pk}/"
    response = api.as_user(world.district).patch(url, {"building": own_building.pk}, format="json")
    assert response.status_code == 200 and response.data["building"] == own_building.pk

    response = api.as_user(world.district).patch(url, {"building": other_building.pk}, format="json")
    assert response.status_code == 404  # another region's building is out of the officer's sight

    response = api.as_user(world.city).patch(url, {"building": other_building.pk}, format="json")
    assert response.status_code == 400
    assert response.data == {"building": ["所在楼宇必须是企业所属区域台账中的楼宇。"]}
    world.own_enterprise.refresh_from_db()
    assert world.own_enterprise.building == own_building
