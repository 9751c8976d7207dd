"""Occupancy (楼宇入驻): capacity, overlaps, dates, scope."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from buildings import services
from buildings.models import Occupancy
from tests.factories import EnterpriseFactory, make_occupancy

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate


def day(n):
    return str(TODAY() - timedelta(days=n))


def post(api, user, **data):
    return api.as_user(user).post("/api/v1/occupancies/", data, format="json")


def test_officer_records_an_occupancy(world, api, building):
    response = post(
        api,
        world.district,
        building=building.pk,
        enterprise=world.own_enterprise.pk,
        area="2500.00",
        start_date=day(30),
    )
    assert response.status_code == 201, response.data
    assert response.data["area"] == "2500.00" and response.data["end_date"] is None
    assert response.data["enterprise_name"] == world.own_enterprise.name
    occupancy = Occupancy.objects.get(pk=response.data["id"])
    assert occupancy.history.first().history_user == world.district
    figures = api.get(f"/api/v1/buildings/{building.pk}/").data
    assert (figures["used_area"], figures["occupancy_rate"]) == ("2500.00", "20.83")


def test_occupancy_above_the_letting_area_is_refused_with_both_numbers(world, api, building):
    make_occupancy(building, area="11000.00")
    before = Occupancy.objects.count()
    response = post(
        api,
        world.district,
        building=building.pk,
        enterprise=world.own_enterprise.pk,
        area="1500.00",
        start_date=day(10),
    )
    assert response.status_code == 400
    assert response.data["area"] == [
        "登记后楼宇使用面积将达 12500.00㎡，超过可招商面积 12000.00㎡（本次 1500.00㎡）。"
    ]
    assert Occupancy.objects.count() == before


def test_capacity_counts_only_occupancies_running_at_the_same_time(world, api, building):
    make_occupancy(building, area="11000.00", days_ago=300, end_date=TODAY() - timedelta(days=100))
    response = post(
        api,
        world.district,
        building=building.pk,
        enterprise=world.own_enterprise.pk,
        area="5000.00",
        start_date=day(99),
    )
    assert response.status_code == 201, response.data


def test_capacity_looks_ahead_to_occupancies_that_start_later(world, api, building):
    make_occupancy(building, area="10000.00", days_ago=-30)  # signed, starts next month
    response = post(
        api,
        world.district,
        building=building.pk,
        enterprise=world.own_enterprise.pk,
        area="3000.00",
        start_date=day(10),
    )
    assert response.status_code == 400
    assert "登记后楼宇使用面积将达 13000.00㎡，超过可招商面积 12000.00㎡" in response.data["area"][0]


def test_occupancy_filling_the_letting_area_exactly_is_accepted(world, api, building):
    make_occupancy(building, area="11000.00")
    response = post(
        api,
        world.district,
        building=building.pk,
        enterprise=world.own_enterprise.pk,
        area="1000.00",
        start_date=day(10),
    )
    assert response.status_code == 201


def test_patch_that_would_exceed_the_letting_area_is_refused(world, api, building):
    make_occupancy(building, area="6000.00")
    occupancy = make_occupancy(building, world.own_enterprise, area="5000.00")
    response = api.as_user(world.district).patch(
        f"/api/v1/occupancies/{occupancy.pk}/", {"area": "6500.00"}, format="json"
    )
    assert response.status_code == 400
    assert response.data["area"] == [
        "登记后楼宇使用面积将达 12500.00㎡，超过可招商面积 12000.00㎡（本次 6500.00㎡）。"
    ]
    occupancy.refresh_from_db()
    assert occupancy.area == Decimal("5000.00")


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"area": "0"}, "area", "使用面积必须大于 0，收到 0.00㎡。"),
        ({"area": "-20.00"}, "area", "使用面积必须大于 0，收到 -20.00㎡。"),
        ({"end_date": "START-1"}, "end_date", "迁出日期 {end} 不能早于入驻日期 {start}。"),
    ],
)
def test_bad_occupancy_input_is_refused_and_nothing_written(world, api, building, data, field, message):
    start = TODAY() - timedelta(days=30)
    body = {
        "building": building.pk,
        "enterprise": world.own_enterprise.pk,
        "area": "100.00",
        "start_date": str(start),
    }
    if data.get("end_date") == "START-1":
        data = {"end_date": str(start - timedelta(days=1))}
        message = message.format(end=start - timedelta(days=1), start=start)
    body.update(data)
    response = api.as_user(world.district).post("/api/v1/occupancies/", body, format="json")
    assert response.status_code == 400, response.data
    assert response.data[field] == [message]
    assert not Occupancy.objects.exists()


def test_overlapping_occupancies_of_one_enterprise_in_one_building_are_refused(world, api, building):
    make_occupancy(
        building, world.own_enterprise, area="500.00", days_ago=200, end_date=TODAY() - timedelta(days=50)
    )
    response = post(
        api,
        world.district,
        building=building.pk,
        enterprise=world.own_enterprise.pk,
        area="300.00",
        start_date=day(60),
    )
    assert response.status_code == 400
    expected = (
        f"“{world.own_enterprise.name}”在本楼宇已有 {TODAY() - timedelta(days=200)} 至 "
        f"{TODAY() - timedelta(days=50)} 的入驻记录，同一企业在同一楼宇的入驻时间不能重叠。"
    )
    assert response.data["start_date"] == [expected]
    assert Occupancy.objects.count() == 1
    # The day after it ended, the same enterprise may come back; another enterprise any time.
    assert (
        post(
            api,
            world.district,
            building=building.pk,
            enterprise=world.own_enterprise.pk,
            area="300.00",
            start_date=day(49),
        ).status_code
        == 201
    )
    other = EnterpriseFactory(region=building.region)
    assert (
        post(
            api, world.district, building=building.pk, enterprise=other.pk, area="300.00", start_date=day(60)
        ).status_code
        == 201
    )


def test_database_refuses_an_occupancy_ending_before_it_starts(world, building):
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        Occupancy.objects.create(
            building=building,
            enterprise=world.own_enterprise,
            area=10,
            start_date=TODAY(),
            end_date=TODAY() - timedelta(days=1),
        )


def test_recording_the_move_out(world, api, building):
    occupancy = make_occupancy(building, world.own_enterprise, area="4000.00")
    response = api.as_user(world.district).patch(
        f"/api/v1/occupancies/{occupancy.pk}/", {"end_date": day(1)}, format="json"
    )
    assert response.status_code == 200
    assert api.get(f"/api/v1/buildings/{building.pk}/").data["used_area"] == "0.00"


def test_building_and_enterprise_of_an_occupancy_stay(world, api, building):
    occupancy = make_occupancy(building, world.own_enterprise)
    other = EnterpriseFactory(region=building.region)
    response = api.as_user(world.district).patch(
        f"/api/v1/occupancies/{occupancy.pk}/", {"enterprise": other.pk}, format="json"
    )
    assert response.status_code == 400
    assert response.data["enterprise"] == ["入驻记录的企业不能修改；请结束本记录后另行登记。"]


def test_district_officer_may_not_touch_another_regions_occupancies(world, api, other_building):
    occupancy = make_occupancy(other_building, world.other_enterprise)
    officer = api.as_user(world.district)
    assert officer.get(f"/api/v1/occupancies/{occupancy.pk}/").status_code == 404
    assert (
        officer.patch(f"/api/v1/occupancies/{occupancy.pk}/", {"area": "1"}, format="json").status_code == 404
    )
    response = post(
        api,
        world.district,
        building=other_building.pk,
        enterprise=world.own_enterprise.pk,
        area="100.00",
        start_date=day(5),
    )
    assert response.status_code == 404
    assert Occupancy.objects.count() == 1
    occupancy.refresh_from_db()
    assert occupancy.area == Decimal("1000.00")


def test_service_refuses_another_regions_enterprise_for_a_district_officer(world, building):
    with pytest.raises(ValidationError) as exc:
        services.create_occupancy(
            actor=world.district,
            building=building,
            enterprise=world.other_enterprise,
            area=Decimal("10"),
            start_date=TODAY(),
        )
    assert exc.value.message_dict == {"enterprise": ["企业不存在或不在您管辖的区域内。"]}
    assert not Occupancy.objects.exists()


def test_enterprise_user_reads_its_own_occupancies_only(world, api, building, other_building):
    own = make_occupancy(building, world.own_enterprise)
    make_occupancy(other_building, world.other_enterprise)
    make_occupancy(building)
    rows = api.as_user(world.enterprise).get("/api/v1/occupancies/").data["results"]
    assert [row["id"] for row in rows] == [own.pk]


def test_capacity_check_locks_the_building_row(world, building):
    """The capacity check runs under SELECT … FOR UPDATE of the building row, so two concurrent entries
    cannot both pass it (SQLite has no row locks; Django drops the clause there)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        make_occupancy(building, world.own_enterprise)
    locks = [q["sql"] for q in queries.captured_queries if "FOR UPDATE" in q["sql"]]
    if connection.vendor == "postgresql":
        assert locks and '"buildings_building"' in locks[0]
    else:
        assert connection.vendor == "sqlite"
