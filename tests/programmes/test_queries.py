"""Fixed query counts: every list page and endpoint and both dashboards at two data sizes. Live targets cost
one grouped query per metric and period, whatever the number of regions, enterprises or records."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from tests.factories import (
    EnterpriseFactory,
    ReportFactory,
    make_event,
    make_project,
    make_uscc,
    make_work_item,
)

pytestmark = pytest.mark.django_db

CODES = ["500103", "500105", "500106", "500109"]


def grow(n: int):
    """n records of every kind across four regions, with accepted reports for the charts and metrics."""
    from tests.factories import region

    today = timezone.localdate()
    last_month = (today.replace(day=1) - timedelta(days=1)).replace(day=1)
    for i in range(n):
        code = CODES[i % len(CODES)]
        uscc = make_uscc(6200000 + i + n * 100, code)
        enterprise = EnterpriseFactory(
            region=region(code), uscc=uscc, arrival_date=today - timedelta(days=40 + i)
        )
        ReportFactory(enterprise=enterprise, period=last_month, status="accepted", employees=50 + i)
        make_project(code, name=f"查询项目{n}-{i}", major=i % 2 == 0)
        make_event(code, name=f"查询活动{n}-{i}", major=i % 3 == 0)
        make_work_item(code, number=f"Q{n}-{i}", due_date=today - timedelta(days=i + 1))


PAGES = [
    "/dashboard/",
    "/dashboard/region/?region=500109",
    "/progress/",
    "/programmes/",
    "/targets/",
    "/work-items/",
    "/projects/",
    "/events/",
]
ENDPOINTS = [
    "/api/v1/programmes/",
    "/api/v1/targets/",
    "/api/v1/work-items/",
    "/api/v1/investment-projects/",
    "/api/v1/events/",
]


def count_queries(django_assert_max_num_queries, call, limit):
    with django_assert_max_num_queries(limit) as captured:
        response = call()
    assert response.status_code == 200
    return len(captured.captured_queries)


@pytest.mark.parametrize("url", PAGES)
def test_pages_run_a_fixed_number_of_queries(url, client, world, django_assert_max_num_queries):
    client.force_login(world.city)
    grow(2)
    client.get(url)  # warm the per-process caches (settings rows, content types)
    small = count_queries(django_assert_max_num_queries, lambda: client.get(url), 80)
    grow(12)
    large = count_queries(django_assert_max_num_queries, lambda: client.get(url), 80)
    assert large == small, f"{url}: {small} queries with little data, {large} with more"


@pytest.mark.parametrize("url", ENDPOINTS)
def test_endpoints_run_a_fixed_number_of_queries(url, api, world, django_assert_max_num_queries):
    api.as_user(world.city)
    grow(2)
    api.get(url)
    small = count_queries(django_assert_max_num_queries, lambda: api.get(url), 40)
    grow(12)
    large = count_queries(django_assert_max_num_queries, lambda: api.get(url), 40)
    assert large == small, f"{url}: {small} queries with little data, {large} with more"


def test_the_city_dashboard_computes_all_targets_in_a_bounded_number_of_queries(
    client, world, django_assert_max_num_queries
):
    """47 targets, 21 metrics: no more queries than distinct (metric, period) pairs plus the fixed parts."""
    client.force_login(world.city)
    grow(5)
    with django_assert_max_num_queries(70):
        assert client.get("/dashboard/").status_code == 200
    assert date.today()  # the dashboard is dated; the bound holds whatever today is
