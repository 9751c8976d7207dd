"""Target progress from hand-made data, with the expected numbers written out, and the on-track rule at the
start, the middle and the end of a target's period."""

from datetime import date
from decimal import Decimal

import pytest

from programmes import selectors, services
from programmes.models import Programme
from tests.factories import EnterpriseFactory, ReportFactory, make_event, make_project, make_uscc, region

pytestmark = pytest.mark.django_db


@pytest.fixture
def programme():
    """A two-year programme, 2024-01-01 … 2025-12-31 (731 days)."""
    return services.create_programme(
        actor=None,
        code="t-2025",
        title="测试行动计划（2024—2025年）",
        short_name="测试计划",
        issuer="市经济信息委",
        issued_on=date(2024, 1, 10),
        period_start=date(2024, 1, 1),
        period_end=date(2025, 12, 31),
    )


def target(programme, name, metric, unit, value, *, year=2025, comparison="gte", region_code=None):
    return services.create_target(
        actor=None,
        programme=programme,
        name=name,
        metric=metric,
        unit=unit,
        year=year,
        comparison=comparison,
        target_value=value,
        region=region(region_code) if region_code else None,
    )


def by_name(rows):
    return {row.target.name: row for row in rows}


def test_live_progress_from_hand_made_data(programme):
    # Enterprises: two arrivals in 渝中区 during the period (one relocated within the city: not counted), one
    # in 江北区, one before the period.
    yuzhong, jiangbei = region("500103"), region("500105")
    a = EnterpriseFactory(region=yuzhong, arrival_date=date(2024, 3, 1), uscc=make_uscc(5100001))
    b = EnterpriseFactory(region=yuzhong, arrival_date=date(2025, 2, 1), uscc=make_uscc(5100002))
    EnterpriseFactory(
        region=yuzhong,
        arrival_date=date(2024, 5, 1),
        arrival_origin="relocated",
        relocated_from=jiangbei,
        uscc=make_uscc(5100003),
    )
    c = EnterpriseFactory(region=jiangbei, arrival_date=date(2024, 6, 1), uscc=make_uscc(5100004, "500105"))
    EnterpriseFactory(region=yuzhong, arrival_date=date(2023, 6, 1), uscc=make_uscc(5100005))
    # Software revenue (cumulative from January, 万元): 2025's latest accepted report of each enterprise
    # counts — a: June 30000 (May 20000 is superseded), b: March 15000; c: a draft that does not count.
    # 2023's full year (the base of "新增") is 10000 for a.
    parts = {"software_product_revenue": 0, "security_revenue": 0, "embedded_revenue": 0}
    ReportFactory(
        enterprise=a, period=date(2023, 12, 1), status="accepted", it_service_revenue=10000, **parts
    )
    ReportFactory(enterprise=a, period=date(2025, 5, 1), status="accepted", it_service_revenue=20000, **parts)
    ReportFactory(enterprise=a, period=date(2025, 6, 1), status="accepted", it_service_revenue=30000, **parts)
    ReportFactory(enterprise=b, period=date(2025, 3, 1), status="accepted", it_service_revenue=15000, **parts)
    ReportFactory(enterprise=c, period=date(2025, 6, 1), status="draft", it_service_revenue=99999, **parts)
    # Projects: major ones signed in the period count; a landed one too for 落地.
    make_project("500103", name="甲项目", major=True, signed_on=date(2024, 4, 1))
    make_project(
        "500105",
        name="乙项目",
        major=True,
        signed_on=date(2024, 8, 1),
        stage="landed",
        landed_on=date(2025, 1, 5),
    )
    make_project("500103", name="丙项目", major=False, signed_on=date(2024, 9, 1))
    make_project("500103", name="丁项目", major=True, signed_on=date(2023, 9, 1))
    # Events: a city-level major one, a district major one, a non-major one, one outside the period.
    make_event(None, name="市级论坛", major=True, held_on=date(2024, 10, 1))
    make_event("500103", name="区级论坛", major=True, held_on=date(2025, 4, 1))
    make_event("500103", name="宣讲会", kind="training", held_on=date(2025, 4, 2))
    make_event("500103", name="旧论坛", major=True, held_on=date(2023, 4, 2))

    target(programme, "渝中新增企业", "new_enterprises", "家", "4", region_code="500103")
    target(programme, "全市新增企业", "new_enterprises", "家", "3")
    target(programme, "软件业务收入", "software_revenue", "亿元", "10")
    target(programme, "新增业务收入", "software_revenue_added", "亿元", "3", comparison="gt")
    target(programme, "重大项目", "major_projects", "个", "2")
    target(programme, "落地项目", "landed_projects", "个", "4")
    target(programme, "重大活动", "major_events", "场", "2", comparison="gt")

    rows = by_name(
        selectors.progress(programme.targets.select_related("programme", "region"), today=date(2025, 7, 1))
    )

    # as of 2025-07-01: 183 + 366 … elapsed = (366 + 182) ÷ 731 days
    elapsed = Decimal("74.97")
    yz = rows["渝中新增企业"]
    assert (yz.actual, yz.share_reached, yz.share_elapsed, yz.status) == (
        Decimal("2.00"),
        Decimal("50.00"),
        elapsed,
        "behind",
    )
    city = rows["全市新增企业"]
    assert (city.actual, city.share_reached, city.status) == (Decimal("3.00"), Decimal("100.00"), "met")
    revenue = rows["软件业务收入"]  # 30000 + 15000 万元 = 4.5 亿元
    assert (revenue.actual, revenue.share_reached, revenue.status) == (
        Decimal("4.50"),
        Decimal("45.00"),
        "behind",
    )
    added = rows["新增业务收入"]  # 4.5 − 1.0 (2023) = 3.5 亿元 > 3
    assert (added.actual, added.status) == (Decimal("3.50"), "met")
    projects = rows["重大项目"]
    assert (projects.actual, projects.status) == (Decimal("2.00"), "met")
    landed = rows["落地项目"]
    assert (landed.actual, landed.share_reached, landed.status) == (
        Decimal("1.00"),
        Decimal("25.00"),
        "behind",
    )
    events = rows["重大活动"]  # 2 major events, but the target is "> 2"
    assert (events.actual, events.share_reached, events.status) == (
        Decimal("2.00"),
        Decimal("100.00"),
        "on_track",
    )


def test_on_track_rule_at_start_middle_and_end(programme):
    t = target(programme, "优秀软件产品", "manual", "个", "100")
    services.record_progress(
        actor=None, target=t, reported_on=date(2024, 1, 1), value="1", evidence="第一批名单"
    )
    services.record_progress(
        actor=None, target=t, reported_on=date(2024, 12, 31), value="50", evidence="第二批名单"
    )
    services.record_progress(
        actor=None, target=t, reported_on=date(2025, 12, 31), value="99", evidence="全年名单"
    )
    t.refresh_from_db()

    # Before the period: nothing elapsed, nothing reached yet — on track.
    before = selectors.progress_of(t, today=date(2023, 12, 31))
    assert (before.actual, before.share_elapsed, before.status) == (None, Decimal("0.00"), "on_track")
    # The first day: 1 of 731 days elapsed (0.14%), 1% reached — on track.
    start = selectors.progress_of(t, today=date(2024, 1, 1))
    assert (start.actual, start.share_reached, start.share_elapsed, start.status) == (
        Decimal("1.00"),
        Decimal("1.00"),
        Decimal("0.14"),
        "on_track",
    )
    # The middle (2024-12-31: 366 of 731 days, 50.07%) with 50% reached — just behind.
    middle = selectors.progress_of(t, today=date(2024, 12, 31))
    assert (middle.share_reached, middle.share_elapsed, middle.status) == (
        Decimal("50.00"),
        Decimal("50.07"),
        "behind",
    )
    # A day earlier only the first entry counts (dated on or before the as-of day).
    assert selectors.progress_of(t, today=date(2024, 12, 30)).actual == Decimal("1.00")
    # The end: 100% elapsed, 99 of 100 — behind; after the end it stays behind (the period is over).
    end = selectors.progress_of(t, today=date(2025, 12, 31))
    assert (end.share_reached, end.share_elapsed, end.status) == (
        Decimal("99.00"),
        Decimal("100.00"),
        "behind",
    )
    after = selectors.progress_of(t, today=date(2026, 6, 1))
    assert (after.as_of, after.status) == (date(2025, 12, 31), "behind")


def test_status_rule_comparisons():
    common = {"elapsed": Decimal("0.5"), "ended": False}
    assert (
        selectors.target_status(actual=Decimal(10), target=Decimal(10), comparison="gte", **common) == "met"
    )
    assert (
        selectors.target_status(actual=Decimal(10), target=Decimal(10), comparison="gt", **common)
        == "on_track"
    )
    assert (
        selectors.target_status(actual=Decimal(4), target=Decimal(10), comparison="gte", **common) == "behind"
    )
    assert (
        selectors.target_status(
            actual=Decimal(10), target=Decimal(10), comparison="gt", elapsed=Decimal(1), ended=True
        )
        == "behind"
    )


def test_the_five_programmes_and_every_spec_target_are_loaded():
    assert set(Programme.objects.values_list("code", flat=True)) >= {"000", "001", "002", "003", "004"}
    p004 = Programme.objects.get(code="004")
    assert (p004.doc_number, p004.issuer, p004.issued_on) == (
        "渝府办〔2022〕21号",
        "重庆市人民政府办公厅",
        date(2022, 7, 15),
    )
    counts = {
        p.code: p.targets.count()
        for p in Programme.objects.filter(code__in=["000", "001", "002", "003", "004"])
    }
    assert counts == {"004": 5, "001": 15, "000": 10, "002": 10, "003": 7}
    beibei = Programme.objects.get(code="002")
    assert set(beibei.targets.values_list("region__code", flat=True)) == {"500109"}
    assert p004.work_items.count() == 14 and beibei.work_items.count() == 21
    assert beibei.work_items.get(number="8").responsible_units == "园城公司"
    # every target is either live or manual
    from programmes.metrics import METRICS
    from programmes.models import MANUAL, Target

    assert all(t.metric == MANUAL or t.metric in METRICS for t in Target.objects.all())
