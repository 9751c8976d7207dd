"""``?format=xlsx`` on every list (issue 8): the same scope and FilterSet as the list, streamed, formula-like
text kept as text, and export → import is a round trip that changes nothing."""

from datetime import date
from decimal import Decimal

import pytest

from buildings.models import Building
from enterprises import services as enterprise_services
from enterprises.models import Enterprise
from tests import factories

from .conftest import read_xlsx

pytestmark = pytest.mark.django_db


def _content(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def _sheet(response):
    workbook = read_xlsx(_content(response))
    return workbook[workbook.sheetnames[0]]


def _export(api, user, path):
    response = api.as_user(user).get(path)
    assert response.status_code == 200, getattr(response, "data", None)
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "attachment" in response["Content-Disposition"]
    return response


def test_enterprise_export_uses_scope_and_filters(world, api):
    factories.EnterpriseFactory(
        region=factories.region("500103"), industry="data", name="重庆数据一号有限公司"
    )
    sheet = _sheet(_export(api, world.district, "/api/v1/enterprises/?format=xlsx"))
    names = [row[1] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert world.other_enterprise.name not in names and world.own_enterprise.name in names
    assert len(names) == 2
    sheet = _sheet(_export(api, world.district, "/api/v1/enterprises/?format=xlsx&industry=data"))
    assert [row[1] for row in sheet.iter_rows(min_row=2, values_only=True)] == ["重庆数据一号有限公司"]
    sheet = _sheet(_export(api, world.city, "/api/v1/enterprises/?format=xlsx&region=500105&page=1"))
    assert [row[1] for row in sheet.iter_rows(min_row=2, values_only=True)] == [world.other_enterprise.name]
    assert [c.value for c in sheet[1]][:3] == ["统一社会信用代码", "企业名称", "所属区域"]


def test_formula_like_text_is_written_as_text(world, api):
    enterprise_services.update_enterprise(
        actor=None,
        enterprise=world.own_enterprise,
        name='=HYPERLINK("http://evil","点我")',
        contact_name="@SUM(A1)",
    )
    sheet = _sheet(_export(api, world.district, "/api/v1/enterprises/?format=xlsx"))
    row = next(r for r in sheet.iter_rows(min_row=2) if r[1].value.startswith("=HYPER"))
    assert row[1].data_type == "s"
    contact = [c for c in row if c.value == "@SUM(A1)"]
    assert contact and contact[0].data_type == "s"


def test_every_list_endpoint_exports(world, api):
    """Lists without export columns of their own get their serializer's fields."""
    world.grant()
    sheet = _sheet(_export(api, world.city, "/api/v1/support-grants/?format=xlsx"))
    assert sheet.max_row == 2
    sheet = _sheet(_export(api, world.city, "/api/v1/regions/?format=xlsx"))
    assert sheet.max_row > 40
    sheet = _sheet(_export(api, world.district, "/api/v1/accounts/?format=xlsx"))
    assert sheet.max_row >= 2


def test_an_export_refused_like_its_list(world, api):
    assert api.as_user(world.enterprise).get("/api/v1/buildings/?format=xlsx").status_code == 403
    assert api.as_user(None).get("/api/v1/enterprises/?format=xlsx").status_code == 401


def _queries(api, user, path) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as context:
        _content(_export(api, user, path))
    return len(context.captured_queries)


@pytest.mark.parametrize("path", ["buildings", "occupancies", "monthly-reports", "enterprises"])
def test_export_query_count_does_not_grow_with_rows(world, api, path):
    factories.make_occupancy(factories.make_building(name="计数楼"), area="100.00")
    world.report()
    _queries(api, world.city, f"/api/v1/{path}/?format=xlsx")  # the token is created on first use
    few = _queries(api, world.city, f"/api/v1/{path}/?format=xlsx")
    for n in range(30):
        factories.make_occupancy(factories.make_building(name=f"多楼{n}"), area="100.00")
        world.report(period=factories.past_period(3 + n))
    assert _queries(api, world.city, f"/api/v1/{path}/?format=xlsx") == few
    assert few <= 5  # token, user, the rows (+ one prefetch of tags for enterprises)


# --- round trip ---------------------------------------------------------------------------------------------


def test_round_trip_export_then_import_changes_nothing(world, api):
    from enterprises.models import MonthlyReport

    building = factories.make_building(
        name="往返大厦",
        park=None,
        turnkey_checklist=["network", "decorated"],
        support_types=["rent"],
        renovation_status="in_progress",
        renovation_on=date(2024, 1, 5),
        policy_text="=1+1 不是公式",
    )
    enterprise_services.update_enterprise(
        actor=None,
        enterprise=world.own_enterprise,
        tags=["open_source"],
        contact_phone="023-1234",
        arrival_date=date(2023, 4, 1),
    )
    factories.make_occupancy(building, world.own_enterprise, area="1234.56")
    period = factories.past_period(2)
    enterprise_services.create_report(
        actor=None,
        enterprise=world.own_enterprise,
        period=period,
        **{k: Decimal(v) if k != "employees" else v for k, v in factories.report_payload().items()},
    )
    before = (
        list(Building.objects.values()),
        list(Enterprise.objects.values()),
        list(MonthlyReport.objects.values()),
    )
    for list_path, kind in (
        ("buildings", "buildings"),
        ("enterprises", "enterprises"),
        ("occupancies", "occupancies"),
        ("monthly-reports", "monthly-reports"),
    ):
        content = _content(_export(api, world.district, f"/api/v1/{list_path}/?format=xlsx"))
        response = api.as_user(world.district).post(
            f"/api/v1/imports/{kind}/", {"file": __import__("io").BytesIO(content)}, format="multipart"
        )
        assert response.status_code == 200, (kind, response.data)
        summary = response.data["summary"]
        assert summary["created"] == summary["updated"] == summary["errors"] == 0, (kind, response.data)
        assert summary["unchanged"] >= 1
    after = (
        list(Building.objects.values()),
        list(Enterprise.objects.values()),
        list(MonthlyReport.objects.values()),
    )
    assert after == before
