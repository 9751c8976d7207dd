"""Pages: the ledger with its totals row, building detail, forms showing service errors, the selection."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from buildings.models import Building, Occupancy
from tests.factories import (
    EnterpriseFactory,
    ReportFactory,
    designate,
    make_building,
    make_occupancy,
    past_period,
)

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate


def test_ledger_has_a_totals_row(world, client, building, other_building):
    second = make_building(
        "500103",
        name="七星岗创新中心",
        gross_area=Decimal("10000.00"),
        acquired_area=Decimal("8000.00"),
        letting_area=Decimal("8000.00"),
    )
    make_occupancy(building, area="6000.00")
    make_occupancy(second, area="4000.00")
    client.force_login(world.district)
    page = client.get("/buildings/").content.decode()
    assert "解放碑软件大厦" in page and "七星岗创新中心" in page and "观音桥数字经济产业园" not in page
    totals = page[page.index('<tr class="totals">') :]
    # gross 30,000; acquired 23,000; letting 20,000; used 10,000; rate 50.0%
    for figure in ("合计（2 座）", "30,000.00", "23,000.00", "20,000.00", "10,000.00", "50.0%"):
        assert figure in totals


def test_ledger_totals_follow_the_filters(world, client, building):
    make_building("500103", name="七星岗创新中心", renovation_status="done")
    client.force_login(world.city)
    page = client.get("/buildings/", {"q": "七星岗"}).content.decode()
    assert "合计（1 座）" in page and "解放碑软件大厦" not in page


def test_building_detail_shows_occupancies_and_history(world, client, building):
    make_occupancy(building, world.own_enterprise, area="1234.50")
    client.force_login(world.district)
    client.post(
        f"/buildings/{building.pk}/edit/",
        {**form_data(building), "acquired_area": "16000.00", "acquired_on": str(TODAY())},
    )
    page = client.get(f"/buildings/{building.pk}/").content.decode()
    assert world.own_enterprise.name in page and "1,234.50" in page
    assert "收储面积变更" in page and "1,000.00" in page  # the dated extension
    assert "修改记录" in page and "officer-yuzhong" in page
    assert "授牌示范楼宇" not in page  # city staff only


def form_data(building, **overrides):
    data = {
        "name": building.name,
        "address": building.address,
        "owner": building.owner,
        "gross_area": str(building.gross_area),
        "acquired_area": str(building.acquired_area),
        "acquired_on": str(building.acquired_on),
        "letting_area": str(building.letting_area),
        "incubation_area": "0",
        "renovation_status": building.renovation_status,
    }
    data.update(overrides)
    return data


def test_building_form_shows_service_errors_and_writes_nothing(world, client, building):
    client.force_login(world.district)
    response = client.post(f"/buildings/{building.pk}/edit/", form_data(building, letting_area="25000"))
    assert response.status_code == 400
    assert "可招商面积 25000.00㎡ 不能大于建筑面积 20000.00㎡。" in response.content.decode()
    assert Building.objects.get(pk=building.pk).letting_area == Decimal("12000.00")
    response = client.post("/buildings/new/", form_data(building, name="新楼", gross_area="-5"))
    assert response.status_code == 400
    assert "建筑面积必须大于 0，收到 -5.00㎡。" in response.content.decode()
    assert Building.objects.count() == 1


def test_district_form_registers_in_its_own_region(world, client):
    client.force_login(world.district)
    data = {
        "name": "大坪数字大厦",
        "address": "大坪正街 1 号",
        "owner": "渝中城投",
        "gross_area": "12000",
        "acquired_area": "10000",
        "acquired_on": str(TODAY()),
        "letting_area": "9000",
        "renovation_status": "in_progress",
        "turnkey_checklist": ["network", "utilities"],
        "support_types": ["rent"],
        "region": "500105",
    }
    assert client.post("/buildings/new/", data).status_code == 302
    building = Building.objects.get(name="大坪数字大厦")
    assert building.region.code == "500103"
    assert building.turnkey_checklist == ["network", "utilities"] and building.support_types == ["rent"]


def test_occupancy_form_refuses_over_capacity_with_both_numbers(world, client, building):
    make_occupancy(building, area="11500.00")
    client.force_login(world.district)
    response = client.post(
        f"/buildings/{building.pk}/occupancies/new/",
        {"enterprise": world.own_enterprise.pk, "area": "600", "start_date": str(TODAY())},
    )
    assert response.status_code == 400
    assert "登记后楼宇使用面积将达 12100.00㎡，超过可招商面积 12000.00㎡" in response.content.decode()
    assert Occupancy.objects.count() == 1


def test_occupancy_form_lists_only_the_officers_enterprises(world, client, building):
    client.force_login(world.district)
    page = client.get(f"/buildings/{building.pk}/occupancies/new/").content.decode()
    assert world.own_enterprise.name in page and world.other_enterprise.name not in page


def test_selection_ranks_candidates_by_occupancy_and_accepted_statistics(world, client):
    busy = make_building("500103", name="高入驻楼宇")
    quiet = make_building("500105", name="低入驻楼宇")
    showcase = make_building("500103", name="已授牌楼宇")
    designate(showcase)
    big = EnterpriseFactory(region=busy.region)
    make_occupancy(busy, big, area="9000.00")
    make_occupancy(quiet, world.other_enterprise, area="1000.00")
    ReportFactory(enterprise=big, status="accepted", employees=420, operating_revenue=Decimal("8800.00"))
    ReportFactory(enterprise=big, status="accepted", employees=300, period=past_period(5))
    ReportFactory(
        enterprise=world.other_enterprise, status="draft", employees=999
    )  # not accepted: not counted
    client.force_login(world.city)
    response = client.get("/buildings/selection/")
    page = response.content.decode()
    rows = response.context["page"].object_list
    assert [row["building"].name for row in rows] == [
        "高入驻楼宇",
        "低入驻楼宇",
    ]  # the showcase is no candidate
    assert (rows[0]["rate"], rows[0]["employees"], rows[0]["operating_revenue"]) == (
        Decimal("75.00"),
        420,
        Decimal("8800.00"),
    )
    assert rows[1]["employees"] == 0 and rows[1]["reporting"] == 0
    assert "8,800.00" in page and "75.0%" in page
    everything = client.get("/buildings/selection/", {"designated": "", "order": "employees"}).context["page"]
    assert [row["building"].name for row in everything][0] == "高入驻楼宇"
    assert len(everything.object_list) == 3


def test_selection_is_for_city_staff_only(world, client):
    client.force_login(world.district)
    assert client.get("/buildings/selection/").status_code == 403


def test_navigation_offers_the_public_list_to_everyone(world, client):
    page = client.get("/").content.decode()
    assert "/demonstration-buildings/" in page and "/buildings/" not in page.replace(
        "/demonstration-buildings/", ""
    )
    client.force_login(world.district)
    page = client.get("/", follow=True).content.decode()
    assert "楼宇台账" in page and "示范楼宇评选" not in page
    client.force_login(world.city)
    assert "示范楼宇评选" in client.get("/", follow=True).content.decode()


def test_enterprise_users_see_no_ledger(world, client):
    client.force_login(world.enterprise)
    assert client.get("/buildings/").status_code == 403
    assert "楼宇台账" not in client.get("/").content.decode()


def test_moving_out_through_the_page(world, client, building):
    occupancy = make_occupancy(building, world.own_enterprise, area="800.00", days_ago=60)
    client.force_login(world.district)
    response = client.post(
        f"/buildings/occupancies/{occupancy.pk}/edit/",
        {
            "area": "800.00",
            "start_date": str(occupancy.start_date),
            "end_date": str(TODAY() - timedelta(days=1)),
        },
    )
    assert response.status_code == 302
    occupancy.refresh_from_db()
    assert occupancy.end_date == TODAY() - timedelta(days=1)


def test_edit_form_dates_an_acquisition_change_today_when_left_blank(world, client, building):
    client.force_login(world.district)
    page = client.get(f"/buildings/{building.pk}/edit/").content.decode()
    assert "收储面积变更日期" in page
    client.post(f"/buildings/{building.pk}/edit/", form_data(building, acquired_on="", operator="新团队"))
    assert building.acquisitions.count() == 1  # nothing but the operator changed
    assert Building.objects.get(pk=building.pk).operator == "新团队"
    client.post(f"/buildings/{building.pk}/edit/", form_data(building, acquired_on="", acquired_area="15500"))
    latest = building.acquisitions.order_by("-changed_on", "-pk").first()
    assert (latest.changed_on, latest.area_added) == (TODAY(), Decimal("500.00"))
