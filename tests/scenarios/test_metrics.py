"""scenarios.metrics: per region and period, one aggregate query each, whatever the number of regions."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from scenarios import metrics, services
from scenarios.models import Scenario
from tests.factories import EnterpriseFactory, make_scenario, region

pytestmark = pytest.mark.django_db

FUNCTIONS = [
    metrics.published_count,
    metrics.applied_count,
    metrics.awarded_count,
    metrics.awarded_amount,
    metrics.delivered_count,
]


@pytest.fixture
def history(world):
    """Last year: 渝中区 publishes three (one delivered with two winners, one withdrawn), 江北区 one; the city
    one in 渝中区. This year: 渝中区 publishes one more."""
    today = timezone.localdate()
    last_year = date(today.year - 1, 3, 1)
    enterprises = [EnterpriseFactory(region=region("500103")) for _ in range(3)]

    delivered = make_scenario("500103", status="published", published_on=last_year, applicants=enterprises)
    applications = list(delivered.applications.order_by("pk"))
    services.award_scenario(
        actor=None,
        scenario=delivered,
        winners=[
            {"application": applications[0], "amount": Decimal("150.00")},
            {"application": applications[1], "amount": Decimal("100.50")},
        ],
        awarded_on=last_year + timedelta(days=40),
    )
    services.start_scenario(actor=None, scenario=delivered, started_on=last_year + timedelta(days=50))
    services.deliver_scenario(
        actor=None, scenario=delivered, evidence="验收报告", delivered_on=last_year + timedelta(days=200)
    )
    make_scenario("500103", status="published", published_on=last_year, applicants=enterprises[:1])
    withdrawn = make_scenario(
        "500103", status="published", published_on=last_year, applicants=enterprises[:2]
    )
    services.withdraw_scenario(actor=None, scenario=withdrawn, reason="业主调整", withdrawn_on=last_year)
    make_scenario("500105", status="published", published_on=last_year + timedelta(days=10))
    make_scenario("500103", status="published", level="city", published_on=last_year)
    make_scenario("500103", status="published")  # this year
    make_scenario("500103")  # being collected: counts nowhere
    return date(today.year - 1, 1, 1), date(today.year - 1, 12, 31)


def test_per_region_and_period(history):
    start, end = history
    assert metrics.published_count(start, end) == {"500103": 3, "500105": 1}  # the withdrawn one excluded
    assert all(isinstance(value, Decimal) for value in metrics.published_count(start, end).values())
    assert metrics.applied_count(start, end) == {"500103": 4}
    assert metrics.awarded_count(start, end) == {"500103": 1}
    assert metrics.awarded_amount(start, end) == {"500103": Decimal("250.50")}
    assert metrics.delivered_count(start, end) == {"500103": 1}


def test_by_level_and_region(history):
    start, end = history
    assert metrics.published_count(start, end, level="district") == {"500103": 2, "500105": 1}
    assert metrics.published_count(start, end, level="city") == {"500103": 1}
    assert metrics.published_count(start, end, regions=["500105", "500106"]) == {"500105": 1}


def test_records_behind_a_number(history):
    start, end = history
    published = metrics.published_records(start, end, code="500103")
    assert len(published) == 3 and all(row["value"] == 1 for row in published)
    assert {row["detail"].split(" ")[1] for row in published} == {"发布"}
    (awarded,) = metrics.awarded_records(start, end, code="500103")
    assert awarded["value"] == Decimal("250.50")
    assert awarded["label"] == Scenario.objects.get(pk=awarded["scenario"]).title
    assert len(metrics.applied_records(start, end, code="500103")) == 4
    assert len(metrics.delivered_records(start, end, code="500103")) == 1
    assert metrics.delivered_records(start, end, code="500105") == []


def test_scenarios_belong_to_no_park(history):
    start, end = history
    assert metrics.published_count(start, end, by="park") == {}
    with pytest.raises(ValueError, match="by must be one of"):
        metrics.published_count(start, end, by="district")


def test_periods_are_inclusive(history):
    start, _ = history
    assert metrics.published_count(date(start.year, 3, 1), date(start.year, 3, 1)) == {"500103": 3}
    assert metrics.published_count(date(start.year, 3, 2), date(start.year, 3, 10)) == {}


@pytest.mark.parametrize("function", FUNCTIONS, ids=lambda f: f.__name__)
def test_one_query_each_whatever_the_number_of_regions(world, django_assert_num_queries, function):
    today = timezone.localdate()
    start, end = date(today.year, 1, 1), today
    make_scenario("500103", status="delivered")
    with django_assert_num_queries(1):
        function(start, end)
    for code in ("500105", "500106", "500107", "500108", "500109"):
        make_scenario(code, status="delivered")
    with django_assert_num_queries(1):
        answer = function(start, end)
    assert len(answer) == 6
