"""Each enterprise's latest accepted report: on PostgreSQL one LATERAL index probe per enterprise, elsewhere
(and as the definition) the ORM's correlated subqueries. Both must give the same numbers, here on a small
world with the edge cases: no accepted report in the year, a report accepted then unlocked, drafts and returned
reports after the latest accepted one, an arrival in the period, no earlier figure, reports only after the
period, a 园城, several enterprises sharing their latest period. (One enterprise cannot tie with itself: a
month has one report per enterprise.)"""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.utils import timezone

from buildings import selectors as building_selectors
from buildings.models import Building
from enterprises import metrics
from enterprises import services as enterprise_services
from enterprises.models import MonthlyReport
from programmes import metrics as programme_metrics
from tests.conftest import require
from tests.factories import EnterpriseFactory, ReportFactory, make_building, make_occupancy, make_uscc, region

pytestmark = pytest.mark.django_db


def report(enterprise, year, month, status="accepted", employees=100, revenue=400, operating=500):
    return ReportFactory(
        enterprise=enterprise,
        period=date(year, month, 1),
        status=status,
        employees=employees,
        operating_revenue=operating,
        software_product_revenue=revenue // 2,
        it_service_revenue=revenue - revenue // 2,
    )


@pytest.fixture
def enterprises(world):
    """Seven enterprises in three regions and a 园城 (employees chosen so every rule shows in the sums)."""
    own, other = region("500103"), region("500105")
    beibei, park = region("500109"), region("500109-01")
    made = {}

    def enterprise(key, at, **fields):
        made[key] = EnterpriseFactory(region=at, uscc=make_uscc(7100000 + len(made), at.code[:6]), **fields)
        return made[key]

    a = enterprise("grows", own)
    report(a, 2024, 12, employees=100, revenue=1000)
    for month in range(1, 7):
        report(a, 2025, month, employees=100 + 5 * month, revenue=300 * month)  # 2025-06: 130 people
    report(a, 2025, 7, status="draft", employees=999)
    report(a, 2025, 8, status="returned", employees=999)

    b = enterprise("unlocked", own)
    report(b, 2024, 3, employees=70)
    unlocked = report(b, 2025, 2, employees=75)
    report(b, 2025, 1, status="returned", employees=999)

    c = enterprise("arrived", own, arrival_date=date(2025, 3, 15))
    report(c, 2025, 4, employees=20)
    report(c, 2025, 8, employees=40)

    enterprise("silent", own)  # no report at all

    e = enterprise("later", own)
    report(e, 2026, 1, employees=500)

    f = enterprise("park", beibei, park=park)
    report(f, 2024, 12, employees=50)
    report(f, 2025, 6, employees=45, revenue=700)  # shares its latest period with "grows"

    g = enterprise("large", other)
    report(g, 2024, 11, employees=200)
    report(g, 2025, 12, employees=260, revenue=12000, operating=15000)  # 1.2亿元: above the 1亿元 threshold

    h = enterprise("no earlier figure", own)
    report(h, 2025, 4, employees=33)

    city = __import__("tests.factories", fromlist=["city_user"]).city_user(username="metrics-city")
    MonthlyReport.objects.filter(pk=unlocked.pk).update(status="accepted")
    enterprise_services.unlock_report(actor=city, report=unlocked, reason="更正人数")
    assert MonthlyReport.objects.get(pk=unlocked.pk).status == "approved"
    return made


def both(monkeypatch, compute):
    """``compute()`` set-based (PostgreSQL), then by definition (the ORM form)."""
    require(connection.vendor == "postgresql", "the set-based forms run on PostgreSQL only")
    assert metrics.set_based()
    fast = compute()
    monkeypatch.setattr(metrics, "set_based", lambda: False)
    slow = compute()
    monkeypatch.undo()
    return fast, slow


PERIODS = [
    (date(2025, 1, 1), date(2025, 12, 31)),
    (date(2025, 3, 10), date(2025, 9, 20)),  # mid-month: the arrival on 3-15 is inside, months 3 … 9 count
    (date(2025, 7, 1), date(2025, 12, 31)),  # nothing accepted for "grows" in it: it drops out
    (date(2021, 1, 1), date(2021, 12, 31)),  # before any report
]


@pytest.mark.parametrize(("start", "end"), PERIODS)
@pytest.mark.parametrize(
    ("by", "regions"),
    [("region", None), ("region", ["500103", "500109"]), ("region", []), ("park", None)],
)
def test_new_employees_set_based_equals_the_definition(enterprises, monkeypatch, start, end, by, regions):
    fast, slow = both(monkeypatch, lambda: metrics.new_employees(start, end, by=by, regions=regions))
    assert fast == slow


def test_new_employees_follow_the_rule(enterprises, monkeypatch):
    fast, slow = both(monkeypatch, lambda: metrics.new_employees(date(2025, 1, 1), date(2025, 12, 31)))
    # grows 100 → 130; arrived counts from 0 (40); no earlier figure counts 0; park 50 → 45; large 200 → 260;
    # unlocked has nothing accepted in 2025, later and silent nothing at all.
    assert fast == slow == {"500103": Decimal(70), "500109": Decimal(-5), "500105": Decimal(60)}
    by_park = metrics.new_employees(date(2025, 1, 1), date(2025, 12, 31), by="park")
    assert by_park == {"500109-01": Decimal(-5)}


@pytest.mark.parametrize("as_of", [None, date(2025, 6, 15), date(2024, 12, 1), date(2020, 1, 1)])
def test_latest_figures_set_based_equals_the_definition(enterprises, monkeypatch, as_of):
    ids = [e.pk for e in enterprises.values()] + [enterprises["grows"].pk, 987654321]  # a repeat, a stranger
    fast, slow = both(monkeypatch, lambda: metrics.latest_figures(ids, as_of=as_of))
    assert fast == slow


def test_latest_figures_skip_drafts_returned_and_unlocked_reports(enterprises, monkeypatch):
    ids = [enterprises[key].pk for key in ("grows", "unlocked", "silent", "later")]
    fast, slow = both(monkeypatch, lambda: metrics.latest_figures(ids))
    assert fast == slow
    assert {enterprise_id: figures.period for enterprise_id, figures in fast.items()} == {
        enterprises["grows"].pk: date(2025, 6, 1),
        enterprises["unlocked"].pk: date(2024, 3, 1),
        enterprises["later"].pk: date(2026, 1, 1),
    }
    assert fast[enterprises["grows"].pk].employees == 130


@pytest.mark.parametrize(
    ("year", "as_of"),
    [
        (2025, date(2025, 12, 31)),
        (2025, date(2025, 6, 15)),
        (2024, date(2026, 1, 1)),
        (2021, date(2021, 12, 31)),
    ],
)
def test_year_figures_set_based_equals_the_definition(enterprises, monkeypatch, year, as_of):
    fast, slow = both(monkeypatch, lambda: programme_metrics.year_figures(year, as_of))
    assert fast == slow


def test_year_figures_sum_each_enterprises_latest_accepted_report(enterprises, monkeypatch):
    fast, slow = both(monkeypatch, lambda: programme_metrics.year_figures(2025, date(2025, 12, 31)))
    assert fast == slow
    # 500103: grows 2025-06 (1800, 130), arrived 2025-08 (400, 40), no earlier figure 2025-04 (400, 33).
    assert fast["500103"]["software_revenue"] == Decimal("2600.00")
    assert fast["500103"]["employees"] == Decimal(203)
    assert fast["500105"]["revenue_100m"] == Decimal(1) and fast["500103"]["revenue_100m"] == Decimal(0)
    assert set(fast) == {"500103", "500105", "500109"}


def test_selection_figures_set_based_equal_the_definition(enterprises, monkeypatch):
    today = timezone.localdate()
    busy = make_building("500103", name="指标楼宇")
    make_occupancy(busy, enterprises["grows"], area="500.00")
    make_occupancy(busy, enterprises["later"], area="500.00")
    make_occupancy(busy, enterprises["silent"], area="500.00")
    make_occupancy(
        busy, enterprises["large"], area="500.00", days_ago=300, end_date=today - timedelta(days=200)
    )  # left: not counted
    shared = make_building("500109", name="合租楼宇")
    make_occupancy(shared, enterprises["silent"], area="300.00")
    make_occupancy(shared, enterprises["grows"], area="300.00")  # in two buildings: counts in each
    empty = make_building("500109", name="空置楼宇")
    make_occupancy(empty, enterprises["silent"], area="300.00")
    buildings = Building.objects.with_figures()
    fast, slow = both(monkeypatch, lambda: building_selectors._occupant_figures(buildings, today))
    assert fast == slow
    assert fast[busy.pk] == {
        "reporting": 2,
        "employees": 630,
        "operating_revenue": Decimal("1000.00"),
        "software_revenue": Decimal("2200.00"),
        "latest_period": date(2026, 1, 1),
    }
    assert fast[shared.pk]["reporting"] == 1 and fast[shared.pk]["employees"] == 130
    assert empty.pk not in fast  # its occupant has never filed: the page shows zeros
