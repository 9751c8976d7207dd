"""The ledger (存量楼宇台账) through the API: fields, derived figures, dated changes, bad input refused."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from buildings.models import AcquisitionChange, Building, RenovationChange
from tests.factories import make_occupancy

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate


def payload(**overrides):
    data = {
        "name": "化龙桥数字大厦",
        "region": "500103",
        "address": "渝中区化龙桥街道 88 号",
        "owner": "重庆渝中城市建设投资有限公司",
        "operator": "重庆化龙桥楼宇运营有限公司",
        "gross_area": "30000.00",
        "acquired_area": "20000.00",
        "acquired_on": str(TODAY() - timedelta(days=200)),
        "letting_area": "18000.50",
        "incubation_area": "1500.00",
        "renovation_status": "done",
        "turnkey_checklist": ["decorated", "network"],
        "policies": {"text": "入驻企业前三年租金减半。", "support_types": ["rent", "network"]},
        "contact_name": "王经理",
        "contact_phone": "023-63000000",
        "notes": "产权方拟出售 5 层。",
    }
    data.update(overrides)
    return data


def snapshot():
    return (Building.objects.count(), AcquisitionChange.objects.count(), RenovationChange.objects.count())


def test_district_officer_registers_a_building_of_its_region(world, api):
    response = api.as_user(world.district).post("/api/v1/buildings/", payload(), format="json")
    assert response.status_code == 201, response.data
    data = response.data
    assert data["region"] == "500103" and data["park"] is None
    assert data["gross_area"] == "30000.00" and data["letting_area"] == "18000.50"
    assert data["used_area"] == "0.00" and data["occupancy_rate"] == "0.00" and data["enterprise_count"] == 0
    assert data["turnkey_ready"] is False and data["turnkey_checklist"] == ["decorated", "network"]
    assert data["policies"] == {"text": "入驻企业前三年租金减半。", "support_types": ["rent", "network"]}
    assert data["batch"] is None
    building = Building.objects.get(pk=data["id"])
    assert building.history.first().history_user == world.district
    change = building.acquisitions.get()
    assert (change.changed_on, change.area_added, change.acquired_area) == (
        TODAY() - timedelta(days=200),
        Decimal("20000.00"),
        Decimal("20000.00"),
    )


def test_used_area_and_occupancy_rate_are_derived_never_typed(world, api, building):
    make_occupancy(building, world.own_enterprise, area="3000.00")
    make_occupancy(building, area="1500.50")
    make_occupancy(building, area="999.00", days_ago=400, end_date=TODAY() - timedelta(days=10))  # moved out
    response = api.as_user(world.district).patch(
        f"/api/v1/buildings/{building.pk}/",
        {"used_area": "11000.00", "occupancy_rate": "99.00", "turnkey_ready": True},
        format="json",
    )
    assert response.status_code == 200
    assert response.data["used_area"] == "4500.50"
    assert response.data["occupancy_rate"] == "37.50"  # 4500.50 ÷ 12000.00
    assert response.data["enterprise_count"] == 2
    assert response.data["turnkey_ready"] is False


def test_turnkey_ready_when_every_checklist_item_is_met(world, api, building):
    from buildings.choices import TurnkeyItem

    response = api.as_user(world.district).patch(
        f"/api/v1/buildings/{building.pk}/", {"turnkey_checklist": TurnkeyItem.values}, format="json"
    )
    assert response.data["turnkey_ready"] is True


def test_acquired_area_change_is_a_dated_record(world, api, building):
    day = TODAY() - timedelta(days=20)
    response = api.as_user(world.district).patch(
        f"/api/v1/buildings/{building.pk}/",
        {"acquired_area": "18000.00", "acquired_on": str(day)},
        format="json",
    )
    assert response.status_code == 200, response.data
    assert response.data["acquired_area"] == "18000.00" and response.data["acquired_on"] == str(day)
    changes = list(building.acquisitions.order_by("changed_on").values_list("changed_on", "area_added"))
    assert changes == [(TODAY() - timedelta(days=400), Decimal("15000.00")), (day, Decimal("3000.00"))]


def test_acquired_area_change_without_a_date_is_dated_today(world, api, building):
    api.as_user(world.city).patch(
        f"/api/v1/buildings/{building.pk}/", {"acquired_area": "14000.00"}, format="json"
    )
    latest = building.acquisitions.order_by("-changed_on").first()
    assert (latest.changed_on, latest.area_added) == (TODAY(), Decimal("-1000.00"))


def test_acquisition_date_alone_corrects_the_latest_change(world, api, building):
    day = TODAY() - timedelta(days=500)
    response = api.as_user(world.district).patch(
        f"/api/v1/buildings/{building.pk}/", {"acquired_on": str(day)}, format="json"
    )
    assert response.status_code == 200
    assert list(building.acquisitions.values_list("changed_on", flat=True)) == [day]


def test_renovation_status_change_is_a_dated_record(world, api, building):
    day = TODAY() - timedelta(days=3)
    response = api.as_user(world.district).patch(
        f"/api/v1/buildings/{building.pk}/",
        {"renovation_status": "in_progress", "renovation_on": str(day)},
        format="json",
    )
    assert response.status_code == 200
    assert list(building.renovations.order_by("changed_on").values_list("status", flat=True)) == [
        "not_started",
        "in_progress",
    ]
    assert building.renovations.order_by("changed_on").last().changed_on == day


def test_a_building_in_a_park_of_its_region(world, api):
    response = api.as_user(world.city).post(
        "/api/v1/buildings/", payload(region="500109", park="500109-01", name="缙云软件园"), format="json"
    )
    assert response.status_code == 201
    assert response.data["park"] == "500109-01"


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"gross_area": "-100.00"}, "gross_area", "建筑面积必须大于 0，收到 -100.00㎡。"),
        ({"gross_area": "0"}, "gross_area", "建筑面积必须大于 0，收到 0.00㎡。"),
        ({"acquired_area": "0.00"}, "acquired_area", "收储面积必须大于 0，收到 0.00㎡。"),
        ({"acquired_area": "-5.00"}, "acquired_area", "收储面积必须大于 0，收到 -5.00㎡。"),
        ({"letting_area": "0.00"}, "letting_area", "可招商面积必须大于 0，收到 0.00㎡。"),
        ({"incubation_area": "-1.00"}, "incubation_area", "双创空间面积不能为负数，收到 -1.00㎡。"),
        (
            {"acquired_area": "30000.01"},
            "acquired_area",
            "收储面积 30000.01㎡ 不能大于建筑面积 30000.00㎡。",
        ),
        (
            {"letting_area": "31000.00"},
            "letting_area",
            "可招商面积 31000.00㎡ 不能大于建筑面积 30000.00㎡。",
        ),
        (
            {"incubation_area": "30500.00"},
            "incubation_area",
            "双创空间面积 30500.00㎡ 不能大于建筑面积 30000.00㎡。",
        ),
        ({"acquired_on": str(TODAY() + timedelta(days=1))}, "acquired_on", "收储日期不能晚于今天。"),
        ({"park": "500109-01"}, "park", "“缙云人文科技城”不是渝中区下属的园区。"),
        ({"name": "  "}, "name", "该字段不能为空。"),
        ({"region": "500109-01"}, "region", "对象不存在"),
    ],
)
def test_bad_building_input_is_refused_and_nothing_written(world, api, overrides, field, message):
    before = snapshot()
    response = api.as_user(world.city).post("/api/v1/buildings/", payload(**overrides), format="json")
    assert response.status_code == 400, response.data
    assert message in " ".join(str(m) for m in response.data[field])
    assert snapshot() == before


def test_duplicate_name_in_a_region_is_refused(world, api, building):
    before = snapshot()
    response = api.as_user(world.city).post("/api/v1/buildings/", payload(name=building.name), format="json")
    assert response.status_code == 400
    assert response.data["name"] == ["渝中区已有名为“解放碑软件大厦”的楼宇。"]
    assert snapshot() == before


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"gross_area": "10000.00"}, "acquired_area", "收储面积 15000.00㎡ 不能大于建筑面积 10000.00㎡。"),
        ({"letting_area": "25000.00"}, "letting_area", "可招商面积 25000.00㎡ 不能大于建筑面积 20000.00㎡。"),
        ({"letting_area": "-1"}, "letting_area", "可招商面积必须大于 0，收到 -1.00㎡。"),
        ({"acquired_area": "0"}, "acquired_area", "收储面积必须大于 0，收到 0.00㎡。"),
    ],
)
def test_bad_building_change_is_refused_and_nothing_written(world, api, building, change, field, message):
    before = snapshot()
    response = api.as_user(world.district).patch(f"/api/v1/buildings/{building.pk}/", change, format="json")
    assert response.status_code == 400, response.data
    assert response.data[field] == [message]
    assert snapshot() == before
    fresh = Building.objects.get(pk=building.pk)
    assert (fresh.gross_area, fresh.acquired_area, fresh.letting_area) == (
        Decimal("20000.00"),
        Decimal("15000.00"),
        Decimal("12000.00"),
    )


def test_acquired_area_change_dated_before_the_previous_one_is_refused(world, api, building):
    before = snapshot()
    response = api.as_user(world.district).patch(
        f"/api/v1/buildings/{building.pk}/",
        {"acquired_area": "16000.00", "acquired_on": str(TODAY() - timedelta(days=401))},
        format="json",
    )
    assert response.status_code == 400
    expected = f"收储面积变更日期不能早于上一次变更（{TODAY() - timedelta(days=400):%Y-%m-%d}）。"
    assert response.data["acquired_on"] == [expected]
    assert snapshot() == before


def test_letting_area_below_the_occupied_area_is_refused(world, api, building):
    make_occupancy(building, area="8000.00")
    response = api.as_user(world.district).patch(
        f"/api/v1/buildings/{building.pk}/", {"letting_area": "7000.00"}, format="json"
    )
    assert response.status_code == 400
    assert response.data["letting_area"] == [
        "可招商面积 7000.00㎡ 小于楼宇已登记的使用面积 8000.00㎡，请先调整入驻记录。"
    ]
    assert Building.objects.get(pk=building.pk).letting_area == Decimal("12000.00")


def test_district_officer_may_not_touch_another_regions_building(world, api, other_building):
    officer = api.as_user(world.district)
    assert officer.get(f"/api/v1/buildings/{other_building.pk}/").status_code == 404
    response = officer.patch(f"/api/v1/buildings/{other_building.pk}/", {"name": "改名"}, format="json")
    assert response.status_code == 404
    assert Building.objects.get(pk=other_building.pk).name == "观音桥数字经济产业园"
    ids = {row["id"] for row in officer.get("/api/v1/buildings/").data["results"]}
    assert other_building.pk not in ids


def test_district_officer_may_not_register_in_another_region(world, api):
    before = snapshot()
    response = api.as_user(world.other_district).post("/api/v1/buildings/", payload(), format="json")
    assert response.status_code == 400
    assert response.data["region"] == ["区县用户只能维护本区域的楼宇台账。"]
    assert snapshot() == before


def test_district_officer_may_not_move_a_building_to_another_region(world, api, building):
    response = api.as_user(world.district).patch(
        f"/api/v1/buildings/{building.pk}/", {"region": "500105"}, format="json"
    )
    assert response.status_code == 400
    assert response.data["region"] == ["区县用户只能维护本区域的楼宇台账。"]
    assert Building.objects.get(pk=building.pk).region.code == "500103"


def test_database_refuses_areas_the_service_refuses(world, building):
    from django.db import IntegrityError, transaction

    for field, value in (("gross_area", 0), ("letting_area", Decimal("30000")), ("acquired_area", -1)):
        with pytest.raises(IntegrityError), transaction.atomic():
            Building.objects.filter(pk=building.pk).update(**{field: value})


def test_ledger_filters(world, api, building):
    from tests.factories import designate, make_building

    showcase = make_building("500103", name="七星岗创新中心", renovation_status="done")
    designate(showcase, batch=2)
    city = api.as_user(world.city)
    assert [r["id"] for r in city.get("/api/v1/buildings/", {"q": "七星岗"}).data["results"]] == [showcase.pk]
    assert [r["id"] for r in city.get("/api/v1/buildings/", {"designated": "true"}).data["results"]] == [
        showcase.pk
    ]
    assert [r["id"] for r in city.get("/api/v1/buildings/", {"batch": 2}).data["results"]] == [showcase.pk]
    assert [
        r["id"] for r in city.get("/api/v1/buildings/", {"renovation_status": "not_started"}).data["results"]
    ] == [building.pk]
    assert city.get("/api/v1/buildings/", {"region": "500105"}).data["count"] == 0
