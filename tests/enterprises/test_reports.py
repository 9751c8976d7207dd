from decimal import Decimal

import pytest
from django.utils import timezone

from enterprises.models import MonthlyReport, ReportTransition
from portal.periods import add_months, format_period, month_start
from tests.factories import ReportFactory, past_period, report_payload

pytestmark = pytest.mark.django_db


def file(api, user, enterprise, period=None, **overrides):
    body = report_payload(
        enterprise=enterprise.pk, period=format_period(period or past_period(1)), **overrides
    )
    return api.as_user(user).post("/api/v1/monthly-reports/", body, format="json")


def snapshot():
    return sorted(
        MonthlyReport.objects.values_list("pk", "status", "employees", "operating_revenue", "updated_at")
    )


def test_enterprise_files_a_draft_with_computed_software_revenue(world, api):
    response = file(api, world.enterprise, world.own_enterprise)
    assert response.status_code == 201, response.data
    assert response.data["software_revenue"] == "700.00"  # 300 + 350 + 20 + 30
    assert response.data["status"] == "draft"
    assert response.data["profit"] == "-15.50"
    report = MonthlyReport.objects.get()
    assert report.transitions.get().to_status == "draft"


def test_software_revenue_cannot_be_typed(world, api):
    response = file(api, world.enterprise, world.own_enterprise, software_revenue="99999.00")
    assert response.status_code == 201
    assert response.data["software_revenue"] == "700.00"


def test_enterprise_user_defaults_to_own_enterprise(world, api):
    body = report_payload(period=format_period(past_period(1)))
    response = api.as_user(world.enterprise).post("/api/v1/monthly-reports/", body, format="json")
    assert response.status_code == 201
    assert response.data["enterprise"] == world.own_enterprise.pk


def test_enterprise_user_filing_for_another_enterprise_is_404(world, api):
    response = file(api, world.enterprise, world.other_enterprise)
    assert response.status_code == 404
    assert not MonthlyReport.objects.exists()


def test_second_report_for_the_same_month_is_refused(world, api):
    assert file(api, world.enterprise, world.own_enterprise).status_code == 201
    before = snapshot()
    response = file(api, world.enterprise, world.own_enterprise)
    assert response.status_code == 400
    assert response.data["period"] == [
        f"{world.own_enterprise.name} {format_period(past_period(1))} 的月报已存在，每月只能报送一份。"
    ]
    assert snapshot() == before


@pytest.mark.parametrize(
    ("months_ahead", "message"),
    [(1, "是未来月份，不能报送。"), (0, "尚未结束，月报在次月报送。")],
)
def test_future_and_current_periods_are_refused(world, api, months_ahead, message):
    period = add_months(month_start(timezone.localdate()), months_ahead)
    response = file(api, world.enterprise, world.own_enterprise, period=period)
    assert response.status_code == 400
    assert response.data["period"] == [f"报告期 {format_period(period)} {message}"]
    assert not MonthlyReport.objects.exists()


def test_malformed_period_is_refused(world, api):
    response = api.as_user(world.enterprise).post(
        "/api/v1/monthly-reports/", report_payload(period="2026-13"), format="json"
    )
    assert response.status_code == 400
    assert response.data["period"] == ["报告期“2026-13”格式错误，应为 YYYY-MM，例如 2026-10。"]


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("operating_revenue", "-1.00", "主营业务收入不能为负数（只有利润总额可以为负）。"),
        ("employees", -3, "请确保该值大于或者等于 0。"),
        ("export_usd", "-0.01", "软件业务出口（万美元）不能为负数（只有利润总额可以为负）。"),
        ("cloud_revenue", "-5.00", "云服务不能为负数（只有利润总额可以为负）。"),
    ],
)
def test_negative_figures_are_refused(world, api, field, value, message):
    response = file(api, world.enterprise, world.own_enterprise, **{field: value})
    assert response.status_code == 400
    assert message in response.data[field]
    assert not MonthlyReport.objects.exists()


@pytest.mark.parametrize(
    ("child", "parent_label"),
    [
        ("basic_software_revenue", "软件产品收入"),
        ("cloud_revenue", "信息技术服务收入"),
        ("ics_security_revenue", "信息安全收入"),
    ],
)
def test_an_of_which_above_its_parent_is_refused(world, api, child, parent_label):
    response = file(api, world.enterprise, world.own_enterprise, **{child: "999.00"})
    assert response.status_code == 400
    assert f"不能超过“{parent_label}”" in response.data[child][0]
    assert not MonthlyReport.objects.exists()


def test_cumulative_figure_below_previous_month_is_refused(world, api):
    ReportFactory(
        enterprise=world.own_enterprise, period=past_period(2), operating_revenue=900, status="accepted"
    )
    before = snapshot()
    response = file(api, world.enterprise, world.own_enterprise, operating_revenue="800.00")
    if past_period(1).year != past_period(2).year:
        pytest.skip("the two months straddle a new year: figures restart from January")
    assert response.status_code == 400
    assert response.data["operating_revenue"] == [
        f"主营业务收入是本年累计数，不能低于 {format_period(past_period(2))} 已报的 900.00 万元。"
    ]
    assert snapshot() == before


def test_cumulative_figures_restart_in_january(world, api):
    december = add_months(month_start(timezone.localdate()), -(timezone.localdate().month))
    ReportFactory(
        enterprise=world.own_enterprise, period=december, operating_revenue=90000, status="accepted"
    )
    response = file(api, world.enterprise, world.own_enterprise, period=add_months(december, 1))
    assert response.status_code == 201


def test_editing_a_draft_then_the_lock(world, api):
    report = world.report("draft")
    url = f"/api/v1/monthly-reports/{report.pk}/"
    client = api.as_user(world.enterprise)
    response = client.patch(
        url, {"operating_revenue": "999.00", "it_service_revenue": "300.00"}, format="json"
    )
    assert response.status_code == 200
    assert response.data["software_revenue"] == "500.00"
    for status in ("submitted", "approved", "accepted"):
        MonthlyReport.objects.filter(pk=report.pk).update(status=status)
        before = snapshot()
        response = client.patch(url, {"employees": 5}, format="json")
        assert response.status_code == 409
        assert "只有草稿或已退回的月报可以修改" in response.data["detail"]
        assert snapshot() == before


def test_the_review_journey_records_every_step(world, api):
    report = world.report("draft")
    base = f"/api/v1/monthly-reports/{report.pk}/"
    assert api.as_user(world.enterprise).post(base + "submit/").data["status"] == "submitted"
    returned = api.as_user(world.district).post(base + "return/", {"reason": "利润总额有误"}, format="json")
    assert (returned.data["status"], returned.data["return_reason"]) == ("returned", "利润总额有误")
    assert api.as_user(world.enterprise).patch(base, {"profit": "12.00"}, format="json").status_code == 200
    assert api.as_user(world.enterprise).post(base + "submit/").data["return_reason"] == ""
    assert api.as_user(world.district).post(base + "approve/").data["status"] == "approved"
    assert (
        api.as_user(world.city)
        .post(base + "return/", {"reason": "请补充研发经费"}, format="json")
        .status_code
        == 200
    )
    api.as_user(world.enterprise).post(base + "submit/")
    api.as_user(world.district).post(base + "approve/")
    assert api.as_user(world.city).post(base + "accept/").data["status"] == "accepted"
    unlocked = api.as_user(world.city).post(base + "unlock/", {"reason": "企业申请更正"}, format="json")
    assert unlocked.data["status"] == "approved"
    steps = list(
        ReportTransition.objects.filter(report=report).values_list(
            "from_status", "to_status", "actor__username", "reason"
        )
    )
    assert steps == [
        ("draft", "submitted", "filer-own", ""),
        ("submitted", "returned", "officer-yuzhong", "利润总额有误"),
        ("returned", "submitted", "filer-own", ""),
        ("submitted", "approved", "officer-yuzhong", ""),
        ("approved", "returned", "city-staff", "请补充研发经费"),
        ("returned", "submitted", "filer-own", ""),
        ("submitted", "approved", "officer-yuzhong", ""),
        ("approved", "accepted", "city-staff", ""),
        ("accepted", "approved", "city-staff", "企业申请更正"),
    ]


@pytest.mark.parametrize(
    ("status", "who", "step", "code", "message"),
    [
        ("draft", "district", "approve/", 409, "月报当前状态为“草稿”，不能审核通过"),
        ("submitted", "city", "accept/", 409, "月报当前状态为“已报送”，不能验收"),
        ("accepted", "enterprise", "submit/", 409, "月报当前状态为“市级已验收”，不能报送"),
        ("approved", "district", "return/", 409, "不能退回（只有“已报送”状态可以退回）"),
        ("draft", "city", "unlock/", 409, "不能解锁"),
        ("approved", "district", "accept/", 403, "您的角色无权执行此操作。"),
        ("submitted", "enterprise", "approve/", 403, "您的角色无权执行此操作。"),
    ],
)
def test_refused_transitions_change_nothing(world, api, status, who, step, code, message):
    report = world.report(status)
    before = snapshot()
    response = api.as_user(world.user(who)).post(
        f"/api/v1/monthly-reports/{report.pk}/{step}", {"reason": "原因"}, format="json"
    )
    assert response.status_code == code
    assert message in response.data["detail"]
    assert snapshot() == before
    assert not ReportTransition.objects.exists()


def test_approve_by_another_region_is_404(world, api):
    report = world.report("submitted")
    response = api.as_user(world.other_district).post(f"/api/v1/monthly-reports/{report.pk}/approve/")
    assert response.status_code == 404
    report.refresh_from_db()
    assert report.status == "submitted"


@pytest.mark.parametrize("step", ["return/", "unlock/"])
def test_return_and_unlock_need_a_reason(world, api, step):
    report = world.report("submitted" if step == "return/" else "accepted")
    actor = world.district if step == "return/" else world.city
    response = api.as_user(actor).post(
        f"/api/v1/monthly-reports/{report.pk}/{step}", {"reason": " "}, format="json"
    )
    assert response.status_code == 400
    assert response.data == {"reason": ["该字段不能为空。"]}
    report.refresh_from_db()
    assert report.status in ("submitted", "accepted")


def test_warnings_are_stored_at_submission(world, api):
    ReportFactory(
        enterprise=world.own_enterprise,
        period=past_period(2),
        employees=100,
        operating_revenue=100,
        software_product_revenue=10,
        it_service_revenue=10,
        status="accepted",
    )
    report = world.report(
        "draft",
        period=past_period(1),
        employees=150,
        operating_revenue=200,
        software_product_revenue=150,
        it_service_revenue=100,
    )
    if past_period(1).year != past_period(2).year:
        pytest.skip("the two months straddle a new year")
    response = api.as_user(world.enterprise).post(f"/api/v1/monthly-reports/{report.pk}/submit/")
    codes = {w["code"]: w["message"] for w in response.data["warnings"]}
    assert (
        codes["headcount_change"] == "从业人员环比变动 50.0%（上月 100 人，本月 150 人），超过 30% 预警线。"
    )
    assert (
        codes["software_above_operating"] == "软件业务收入 250.00 万元高于主营业务收入 200.00 万元，请核实。"
    )


def test_headcount_threshold_is_a_setting(world, api):
    from enterprises.models import StatisticsSettings

    StatisticsSettings.objects.create(headcount_change_pct=60)
    ReportFactory(enterprise=world.own_enterprise, period=past_period(2), employees=100, status="accepted")
    report = world.report("draft", period=past_period(1), employees=150)
    response = api.as_user(world.enterprise).post(f"/api/v1/monthly-reports/{report.pk}/submit/")
    assert "headcount_change" not in {w["code"] for w in response.data["warnings"]}


def test_january_jump_and_revenue_per_head_warnings(world, api):
    from datetime import date

    from enterprises.validation import compute_warnings
    from tests.factories import EnterpriseFactory, make_uscc

    year = timezone.localdate().year - 1
    ReportFactory(
        enterprise=world.own_enterprise,
        period=date(year - 1, 12, 1),
        operating_revenue=1000,
        software_product_revenue=100,
        it_service_revenue=100,
        status="accepted",
    )
    january = ReportFactory(
        enterprise=world.own_enterprise,
        period=date(year, 1, 1),
        employees=10,
        operating_revenue=2500,
        software_product_revenue=100,
        it_service_revenue=100,
    )
    for n in range(5):
        peer = EnterpriseFactory(region=world.own_enterprise.region, uscc=make_uscc(8100000 + n))
        ReportFactory(
            enterprise=peer,
            period=date(year, 1, 1),
            employees=100,
            operating_revenue=Decimal(50),
            software_product_revenue=10,
            it_service_revenue=10,
            status="accepted",
        )
    january.refresh_from_db()
    codes = {w["code"]: w["message"] for w in compute_warnings(january)}
    assert (
        codes["january_jump"] == "1月主营业务收入 2500.00 万元超过上年全年 1000.00 万元的 100% 以上，请核实。"
    )
    assert (
        codes["revenue_per_head"]
        == "人均营业收入（年化）3000.0 万元，偏离本区域同期中位数 6.0 万元的 3 倍以上。"
    )


def test_report_list_query_count_is_fixed(world, api, django_assert_max_num_queries):
    client = api.as_user(world.city)

    def listing():
        with django_assert_max_num_queries(3):
            return client.get("/api/v1/monthly-reports/").data["count"]

    small = listing()
    for months_ago in range(1, 13):
        ReportFactory(period=past_period(months_ago))
    assert listing() == small + 12


def test_report_filters(world, api):
    world.report("submitted")
    ReportFactory(enterprise=world.other_enterprise, status="accepted")
    client = api.as_user(world.city)
    assert client.get("/api/v1/monthly-reports/", {"region": "500105"}).data["count"] == 1
    assert client.get("/api/v1/monthly-reports/", {"status": "submitted"}).data["count"] == 1
    assert (
        client.get("/api/v1/monthly-reports/", {"period": format_period(past_period(2))}).data["count"] == 2
    )
    assert client.get("/api/v1/monthly-reports/", {"period": "bad"}).status_code == 400


def test_the_revenue_per_head_factor_reads_the_same_from_the_database(world):
    """The factor is a decimal setting, read back from the database as 2.50: the warning says "2.5 倍" (it
    said "2.50 倍", and "3 倍" only when the default row had just been created in the same call)."""
    from datetime import date

    from enterprises.models import StatisticsSettings
    from enterprises.validation import compute_warnings
    from tests.factories import EnterpriseFactory, make_uscc

    StatisticsSettings.objects.create(revenue_per_head_factor=Decimal("2.50"))
    period = date(timezone.localdate().year - 1, 3, 1)
    for n in range(5):
        peer = EnterpriseFactory(region=world.own_enterprise.region, uscc=make_uscc(8200000 + n))
        ReportFactory(enterprise=peer, period=period, employees=100, operating_revenue=150, status="accepted")
    report = world.report("draft", period=period, employees=1, operating_revenue=150)
    [warning] = [w for w in compute_warnings(report) if w["code"] == "revenue_per_head"]
    assert (
        warning["message"] == "人均营业收入（年化）600.0 万元，偏离本区域同期中位数 6.0 万元的 2.5 倍以上。"
    )
