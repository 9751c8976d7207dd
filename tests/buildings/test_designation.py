"""示范楼宇 designation and revocation: city staff only, numbered batches, revocation with a reason."""

from datetime import timedelta

import pytest
from django.utils import timezone

from buildings.models import Building, Designation
from tests.factories import designate

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate


def test_city_designates_in_a_numbered_batch(world, api, building):
    day = str(TODAY() - timedelta(days=5))
    response = api.as_user(world.city).post(
        f"/api/v1/buildings/{building.pk}/designate/", {"batch": 2, "designated_on": day}, format="json"
    )
    assert response.status_code == 201, response.data
    assert response.data["batch"] == 2 and response.data["batch_label"] == "第二批"
    assert response.data["designated_on"] == day and response.data["revoked_on"] is None
    designation = Designation.objects.get()
    assert designation.designated_by == world.city
    assert designation.history.first().history_user == world.city
    assert api.get(f"/api/v1/buildings/{building.pk}/").data["batch"] == 2


def test_designated_on_defaults_to_today(world, api, building):
    response = api.as_user(world.city).post(
        f"/api/v1/buildings/{building.pk}/designate/", {"batch": 1}, format="json"
    )
    assert response.data["designated_on"] == str(TODAY())


@pytest.mark.parametrize("who", ["district", "other_district", "enterprise"])
@pytest.mark.parametrize("step", ["designate", "revoke"])
def test_only_city_staff_designate_or_revoke(world, api, building, who, step):
    if step == "revoke":
        designate(building)
    before = list(Designation.objects.values_list("pk", "revoked_on"))
    response = api.as_user(world.user(who)).post(
        f"/api/v1/buildings/{building.pk}/{step}/", {"batch": 3, "reason": "测试"}, format="json"
    )
    assert response.status_code == 403
    assert response.data["detail"] == "您的角色无权执行此操作。"
    assert list(Designation.objects.values_list("pk", "revoked_on")) == before


def test_anonymous_may_not_designate(world, api, building):
    assert (
        api.as_user(None).post(f"/api/v1/buildings/{building.pk}/designate/", {"batch": 1}).status_code == 401
    )
    assert not Designation.objects.exists()


def test_designating_a_building_twice_in_one_batch_is_refused(world, api, building):
    designate(building, batch=1)
    api.as_user(world.city).post(
        f"/api/v1/buildings/{building.pk}/revoke/", {"reason": "复核不合格"}, format="json"
    )
    before = list(Designation.objects.values_list("pk", "batch", "revoked_on"))
    response = api.as_user(world.city).post(
        f"/api/v1/buildings/{building.pk}/designate/", {"batch": 1}, format="json"
    )
    assert response.status_code == 400
    assert response.data["batch"] == ["“解放碑软件大厦”已在第一批中授牌，不能在同一批次重复授牌。"]
    assert list(Designation.objects.values_list("pk", "batch", "revoked_on")) == before


def test_designating_a_current_showcase_again_is_a_conflict(world, api, building):
    designate(building, batch=1)
    response = api.as_user(world.city).post(
        f"/api/v1/buildings/{building.pk}/designate/", {"batch": 2}, format="json"
    )
    assert response.status_code == 409
    assert response.data["detail"] == "“解放碑软件大厦”已是第一批示范楼宇，须先撤销才能再次授牌。"
    assert Designation.objects.count() == 1


def test_a_revoked_building_may_be_designated_in_a_later_batch(world, api, building):
    designate(building, batch=1, days_ago=400)
    city = api.as_user(world.city)
    assert (
        city.post(f"/api/v1/buildings/{building.pk}/revoke/", {"reason": "整改"}, format="json").status_code
        == 200
    )
    assert (
        city.post(f"/api/v1/buildings/{building.pk}/designate/", {"batch": 2}, format="json").status_code
        == 201
    )
    assert list(Designation.objects.order_by("batch").values_list("batch", "revoked_on")) == [
        (1, TODAY()),
        (2, None),
    ]


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"batch": 0}, "batch", "请确保该值大于或者等于 1。"),
        ({"batch": 1, "designated_on": "FUTURE"}, "designated_on", "授牌日期不能晚于今天。"),
        ({}, "batch", "该字段是必填项。"),
    ],
)
def test_bad_designation_input_is_refused(world, api, building, data, field, message):
    if data.get("designated_on") == "FUTURE":
        data["designated_on"] = str(TODAY() + timedelta(days=1))
    response = api.as_user(world.city).post(
        f"/api/v1/buildings/{building.pk}/designate/", data, format="json"
    )
    assert response.status_code == 400
    assert response.data[field] == [message]
    assert not Designation.objects.exists()


def test_city_revokes_with_a_reason(world, api, building):
    designate(building, batch=1)
    response = api.as_user(world.city).post(
        f"/api/v1/buildings/{building.pk}/revoke/", {"reason": "入驻率连续两个季度低于 30%"}, format="json"
    )
    assert response.status_code == 200
    assert response.data["revoked_on"] == str(TODAY())
    assert response.data["revoke_reason"] == "入驻率连续两个季度低于 30%"
    designation = Designation.objects.get()
    assert designation.revoked_by == world.city
    assert not Building.objects.public().exists()


def test_revocation_needs_a_reason(world, api, building):
    designate(building)
    response = api.as_user(world.city).post(
        f"/api/v1/buildings/{building.pk}/revoke/", {"reason": " "}, format="json"
    )
    assert response.status_code == 400
    assert Designation.objects.get().revoked_on is None


def test_revoking_a_building_that_is_not_a_showcase_is_a_conflict(world, api, building):
    response = api.as_user(world.city).post(
        f"/api/v1/buildings/{building.pk}/revoke/", {"reason": "x"}, format="json"
    )
    assert response.status_code == 409
    assert response.data["detail"] == "“解放碑软件大厦”当前不是示范楼宇，无法撤销。"


def test_database_allows_one_current_designation_and_one_per_batch(world, building):
    from django.db import IntegrityError, transaction

    designate(building, batch=1)
    with pytest.raises(IntegrityError), transaction.atomic():
        Designation.objects.create(building=building, batch=2, designated_on=TODAY())
    with pytest.raises(IntegrityError), transaction.atomic():
        Designation.objects.filter(building=building).update(revoked_on=TODAY())  # no reason
    assert Designation.objects.count() == 1


def test_designation_pages_for_city_staff(world, client, building):
    client.force_login(world.city)
    response = client.post(
        f"/buildings/{building.pk}/designate/", {"batch": 1, "designated_on": str(TODAY())}
    )
    assert response.status_code == 302
    response = client.post(
        f"/buildings/{building.pk}/designate/", {"batch": 1, "designated_on": str(TODAY())}
    )
    assert response.status_code == 400
    assert "已在第一批中授牌，不能在同一批次重复授牌。" in response.content.decode()
    response = client.post(
        f"/buildings/{building.pk}/designate/", {"batch": 2, "designated_on": str(TODAY())}
    )
    assert response.status_code == 409
    assert "须先撤销才能再次授牌" in response.content.decode()
    assert client.post(f"/buildings/{building.pk}/revoke/", {"reason": "复核不合格"}).status_code == 302
    assert Designation.objects.get().revoke_reason == "复核不合格"
