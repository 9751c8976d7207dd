import pytest

from enterprises.models import MonthlyReport, PoolDecision
from portal.periods import format_period
from tests.factories import EnterpriseFactory, ReportFactory, make_uscc, past_period, report_payload

pytestmark = pytest.mark.django_db


def grow(n, region_code="500103", status="submitted", period=None):
    from tests.factories import region

    for i in range(n):
        enterprise = EnterpriseFactory(
            region=region(region_code),
            uscc=make_uscc(3000000 + i + 1000 * n, region_code[:6] if region_code.isdigit() else "500000"),
        )
        ReportFactory(enterprise=enterprise, status=status, period=period or past_period(1))
        ReportFactory(enterprise=enterprise, status="accepted", period=past_period(2))


@pytest.mark.parametrize(
    ("who", "url", "budget"),
    [
        ("district", "/enterprises/", 9),
        ("city", "/enterprises/", 9),
        ("district", "/reports/", 9),
        ("enterprise", "/reports/", 9),
        ("district", "/review/", 10),
        ("city", "/completeness/", 10),
    ],
)
def test_page_query_counts_are_fixed(world, client, django_assert_max_num_queries, who, url, budget):
    client.force_login(world.user(who))
    grow(3)
    with django_assert_max_num_queries(budget):
        assert client.get(url).status_code == 200
    grow(25)
    with django_assert_max_num_queries(budget):
        assert client.get(url).status_code == 200


def test_review_queue_shows_comparisons_and_warnings(world, client):
    ReportFactory(
        enterprise=world.own_enterprise,
        period=past_period(2),
        employees=100,
        operating_revenue=400,
        status="accepted",
    )
    ReportFactory(
        enterprise=world.own_enterprise,
        period=past_period(13),
        employees=80,
        operating_revenue=300,
        status="accepted",
    )
    ReportFactory(
        enterprise=world.own_enterprise,
        period=past_period(1),
        employees=200,
        operating_revenue=500,
        status="submitted",
        warnings=[
            {
                "code": "headcount_change",
                "field": "employees",
                "message": "从业人员环比变动 100.0%（上月 100 人，本月 200 人），超过 30% 预警线。",
            }
        ],
    )
    ReportFactory(enterprise=world.other_enterprise, period=past_period(1), status="submitted")
    client.force_login(world.district)
    page = client.get("/review/").content.decode()
    assert world.own_enterprise.name in page and world.other_enterprise.name not in page
    assert "从业人员环比变动 100.0%" in page
    assert "+100.0%" in page  # 环比 of employees
    assert "+25.0%" in page  # 环比 of operating revenue 400 → 500


def test_bulk_approve_only_touches_the_own_regions_submitted_reports(world, client):
    own = [world.report("submitted", period=past_period(m)) for m in (1, 2, 3)]
    draft = world.report("draft", period=past_period(4))
    other = ReportFactory(enterprise=world.other_enterprise, status="submitted")
    client.force_login(world.district)
    response = client.post("/review/", {"selected": [r.pk for r in own] + [draft.pk, other.pk]}, follow=True)
    assert "共处理 3 份月报" in response.content.decode()
    assert set(MonthlyReport.objects.filter(pk__in=[r.pk for r in own]).values_list("status", flat=True)) == {
        "approved"
    }
    assert MonthlyReport.objects.get(pk=draft.pk).status == "draft"
    assert MonthlyReport.objects.get(pk=other.pk).status == "submitted"


def test_city_bulk_accepts(world, client):
    reports = [world.report("approved", period=past_period(m)) for m in (1, 2)]
    client.force_login(world.city)
    client.post("/review/", {"selected": [r.pk for r in reports]})
    assert set(MonthlyReport.objects.values_list("status", flat=True)) == {"accepted"}


def test_return_from_the_page_needs_a_reason(world, client):
    report = world.report("submitted")
    client.force_login(world.district)
    response = client.post(f"/reports/{report.pk}/return/", {"reason": ""}, follow=True)
    assert "请填写原因" in response.content.decode()
    report.refresh_from_db()
    assert report.status == "submitted"


def test_enterprise_files_through_the_form_and_sees_service_errors(world, client):
    client.force_login(world.enterprise)
    payload = report_payload(period=format_period(past_period(1)), basic_software_revenue="999.00")
    payload.pop("enterprise", None)
    response = client.post("/reports/new/", payload)
    assert response.status_code == 400
    assert "不能超过“软件产品收入”" in response.content.decode()
    assert not MonthlyReport.objects.exists()
    payload["basic_software_revenue"] = "10.00"
    response = client.post("/reports/new/", payload)
    assert response.status_code == 302
    report = MonthlyReport.objects.get()
    assert report.software_revenue == 700


def test_enterprise_detail_shows_tier_and_trend(world, client):
    world.own_enterprise.tier, world.own_enterprise.tier_year = "qiming", 2025
    world.own_enterprise.tier_headcount, world.own_enterprise.tier_revenue = 1200, 100000
    world.own_enterprise.save()
    ReportFactory(enterprise=world.own_enterprise, period=past_period(1), status="accepted")
    client.force_login(world.enterprise)
    page = client.get(f"/enterprises/{world.own_enterprise.pk}/").content.decode()
    assert "启明星" in page and "依据 2025 年已验收的 12 月数据" in page
    assert 'id="trend-data"' in page and "echarts" in page


def test_completeness_page_lists_the_missing(world, client):
    client.force_login(world.district)
    page = client.get("/completeness/", {"period": format_period(past_period(1))}).content.decode()
    assert world.own_enterprise.name in page  # it has not filed
    assert world.other_enterprise.name not in page
    bad = client.get("/completeness/", {"period": "2026-99"}, follow=True).content.decode()
    assert "格式错误" in bad


def test_pool_page_admit_and_decide(world, client):
    client.force_login(world.city)
    client.post(
        "/pool/",
        {"enterprise": world.own_enterprise.pk, "level": "beidou", "reason": "营收高速增长", "year": 2025},
    )
    page = client.get("/pool/", {"year": 2025}).content.decode()
    assert world.own_enterprise.name in page and "需复核" in page
    membership = world.own_enterprise.pool
    client.post(
        "/pool/",
        {
            "membership": membership.pk,
            "decision": "downgrade",
            "level": "qiming",
            "reason": "未达北斗星",
            "year": 2025,
        },
    )
    assert list(PoolDecision.objects.values_list("decision", "review_year")) == [
        ("downgrade", 2025),
        ("admit", None),
    ]
    response = client.post(
        "/pool/",
        {"membership": membership.pk, "decision": "promote", "level": "qiming", "reason": "x"},
        follow=True,
    )
    assert "升级后的层级必须高于当前层级。" in response.content.decode()


def test_enterprise_registration_page(world, client):
    client.force_login(world.district)
    response = client.post(
        "/enterprises/new/",
        {
            "uscc": "123",
            "name": "x",
            "region": world.district.region_id,
            "industry": "software",
            "arrival_origin": "new",
        },
    )
    assert response.status_code == 400
    assert "统一社会信用代码“123”无效" in response.content.decode()


def test_open_redirect_is_refused(world, client):
    report = world.report("submitted")
    client.force_login(world.district)
    response = client.post(f"/reports/{report.pk}/approve/", {"next": "https://evil.example/"})
    assert response.url == f"/reports/{report.pk}/"


def test_thresholds_are_edited_in_the_admin(world, client):
    world.city.is_staff = world.city.is_superuser = True
    world.city.save()
    client.force_login(world.city)
    from enterprises.models import StatisticsSettings

    settings_row = StatisticsSettings.current()
    page = client.get(f"/admin/enterprises/statisticssettings/{settings_row.pk}/change/")
    assert page.status_code == 200 and "从业人员环比变动预警阈值" in page.content.decode()
    client.post(
        f"/admin/enterprises/statisticssettings/{settings_row.pk}/change/",
        {
            "headcount_change_pct": 45,
            "revenue_per_head_factor": "2.5",
            "revenue_per_head_min_peers": 5,
            "january_jump_pct": 100,
            "deadline_day": 15,
        },
    )
    settings_row.refresh_from_db()
    assert (settings_row.headcount_change_pct, settings_row.deadline_day) == (45, 15)
