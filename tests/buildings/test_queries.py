"""Every list page and list endpoint runs a fixed number of queries, at two data sizes."""

import pytest
from django.core.cache import cache

from tests.factories import EnterpriseFactory, ReportFactory, designate, make_building, make_occupancy

pytestmark = pytest.mark.django_db


def grow(world, n, start=0):
    """``n`` more buildings in the own region, each with three occupants (one reporting) and every other
    one a 示范楼宇."""
    for i in range(start, start + n):
        building = make_building(world.own_region_code, name=f"批量楼宇{i}")
        make_occupancy(building, world.own_enterprise, area="100.00")
        for j, industry in enumerate(("software", "ai", "data")):
            enterprise = EnterpriseFactory(region=building.region, industry=industry)
            make_occupancy(building, enterprise, area="500.00")
            if j == 0:
                ReportFactory(enterprise=enterprise, status="accepted")
        if i % 2 == 0:
            designate(building, batch=1 + i % 3)


def measure(django_assert_max_num_queries, limit, call, fresh_cache=False):
    if fresh_cache:
        cache.clear()
    with django_assert_max_num_queries(limit):
        return call()


# (name, who, url, query limit, uncached public data)
API = [
    ("buildings", "city", "/api/v1/buildings/", 3),  # token with user, count, page (figures as subqueries)
    ("buildings", "district", "/api/v1/buildings/", 3),
    ("occupancies", "district", "/api/v1/occupancies/", 3),
    ("occupancies", "enterprise", "/api/v1/occupancies/", 3),
    ("demonstration", None, "/api/v1/demonstration-buildings/", 3),  # count, page, industries
    ("demonstration filtered", None, "/api/v1/demonstration-buildings/?region=500103&batch=1", 3),
]


@pytest.mark.parametrize(("name", "who", "url", "limit"), API, ids=[f"{a[0]}-{a[1]}" for a in API])
def test_list_endpoints_have_a_fixed_query_count(
    world, api, django_assert_max_num_queries, name, who, url, limit
):
    client = api.as_user(world.user(who) if who else None)
    grow(world, 2)
    small = measure(django_assert_max_num_queries, limit, lambda: client.get(url), fresh_cache=True)
    assert small.status_code == 200
    grow(world, 12, start=2)
    large = measure(django_assert_max_num_queries, limit, lambda: client.get(url), fresh_cache=True)
    assert large.data["count"] > small.data["count"]


PAGES = [
    (
        "ledger",
        "district",
        "/buildings/",
        8,
    ),  # session, user, count, page, totals ×2, regions (+ region name)
    ("ledger", "city", "/buildings/?designated=true", 8),
    (
        "selection",
        "city",
        "/buildings/selection/",
        6,
    ),  # session, user, buildings, occupants, figures, regions
    (
        "public list",
        None,
        "/demonstration-buildings/",
        9,
    ),  # count, page, industries, chart ×2, totals ×2, regions, batches
    ("public list filtered", None, "/demonstration-buildings/?region=500103&batch=1", 9),
]


@pytest.mark.parametrize(("name", "who", "url", "limit"), PAGES, ids=[f"{p[0]}-{p[1]}" for p in PAGES])
def test_list_pages_have_a_fixed_query_count(
    world, client, django_assert_max_num_queries, name, who, url, limit
):
    if who:
        client.force_login(world.user(who))
    grow(world, 2)
    small = measure(django_assert_max_num_queries, limit, lambda: client.get(url), fresh_cache=True)
    assert small.status_code == 200
    grow(world, 12, start=2)
    large = measure(django_assert_max_num_queries, limit, lambda: client.get(url), fresh_cache=True)
    assert large.status_code == 200 and len(large.content) > len(small.content)


def test_building_detail_has_a_fixed_query_count(world, client, django_assert_max_num_queries):
    building = make_building(world.own_region_code, name="明细楼宇")
    client.force_login(world.district)

    def detail():
        return client.get(f"/buildings/{building.pk}/")

    measure(django_assert_max_num_queries, 10, detail)
    for _ in range(8):
        make_occupancy(building, area="100.00")
    designate(building)
    assert "明细楼宇" in measure(django_assert_max_num_queries, 10, detail).content.decode()


def test_cached_public_list_needs_no_query(world, api, client, django_assert_num_queries):
    grow(world, 4)
    api.as_user(None).get("/api/v1/demonstration-buildings/")
    client.get("/demonstration-buildings/")
    with django_assert_num_queries(0):
        api.get("/api/v1/demonstration-buildings/")
    with django_assert_num_queries(0):
        client.get("/demonstration-buildings/")
