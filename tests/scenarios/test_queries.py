"""Every list page and list endpoint runs a fixed number of queries, at two data sizes."""

import pytest

from scenarios import services
from tests.factories import EnterpriseFactory, make_scenario

pytestmark = pytest.mark.django_db

STATES = ("collected", "published", "awarded", "in_progress", "delivered", "withdrawn")
ELSEWHERE = ("500105", "500106", "500107", "500112", "LJXQ")


def grow(world, n, start=0):
    """``n`` more scenarios, two in three in the own region, cycling through the states, each published one
    with the own enterprise and a second enterprise as applicants (the own enterprise wins where there is a
    定榜)."""
    for i in range(start, start + n):
        status = STATES[i % len(STATES)]
        applicants = None
        if status != "collected":
            applicants = [world.own_enterprise, EnterpriseFactory(region=world.own_enterprise.region)]
        scenario = make_scenario(
            world.own_region_code if i % 3 else ELSEWHERE[i % len(ELSEWHERE)],
            status=status,
            applicants=applicants,
            title=f"批量场景{i}",
            level="city" if i % 5 == 0 else "district",
        )
        if status == "published":
            services.apply_for_scenario(
                actor=None, scenario=scenario, enterprise=EnterpriseFactory(), proposal="方案"
            )


def measure(django_assert_max_num_queries, limit, call):
    with django_assert_max_num_queries(limit):
        return call()


# (name, who, url, query limit)
API = [
    # token, count, page (figures as subqueries), winners of the page
    ("scenarios", None, "/api/v1/scenarios/", 3),
    ("scenarios", "enterprise", "/api/v1/scenarios/", 4),
    ("scenarios", "district", "/api/v1/scenarios/", 4),
    ("scenarios filtered", "city", "/api/v1/scenarios/?region=500103&status=delivered&domain=government", 5),
    ("applications", "enterprise", "/api/v1/scenario-applications/", 3),
    ("applications", "district", "/api/v1/scenario-applications/", 3),
    ("applications", "city", "/api/v1/scenario-applications/?status=won", 3),
    ("lists", None, "/api/v1/scenario-lists/", 2),
]


@pytest.mark.parametrize(("name", "who", "url", "limit"), API, ids=[f"{a[0]}-{a[1]}" for a in API])
def test_list_endpoints_have_a_fixed_query_count(
    world, api, django_assert_max_num_queries, name, who, url, limit
):
    client = api.as_user(world.user(who) if who else None)
    grow(world, 6)
    small = measure(django_assert_max_num_queries, limit, lambda: client.get(url))
    assert small.status_code == 200
    grow(world, 24, start=6)
    large = measure(django_assert_max_num_queries, limit, lambda: client.get(url))
    assert large.data["count"] > small.data["count"]


PAGES = [
    # session, user, count, page, winners, summary, lists for the datalist, regions for the filter
    ("public list", None, "/scenarios/", 6),
    ("public list", "district", "/scenarios/", 9),  # + the officer's region in the top bar
    ("public list filtered", None, "/scenarios/?region=500103&status=delivered&domain=government", 7),
    ("lists", None, "/scenarios/lists/", 3),
    ("management", "district", "/scenarios/manage/", 6),
    ("management", "city", "/scenarios/manage/?level=city", 6),
    # session, user, count, counts by status, enterprise and region (top bar), page
    ("my applications", "enterprise", "/scenarios/mine/", 7),
]


@pytest.mark.parametrize(("name", "who", "url", "limit"), PAGES, ids=[f"{p[0]}-{p[1]}" for p in PAGES])
def test_list_pages_have_a_fixed_query_count(
    world, client, django_assert_max_num_queries, name, who, url, limit
):
    if who:
        client.force_login(world.user(who))
    grow(world, 6)
    small = measure(django_assert_max_num_queries, limit, lambda: client.get(url))
    assert small.status_code == 200
    grow(world, 24, start=6)
    large = measure(django_assert_max_num_queries, limit, lambda: client.get(url))
    assert large.status_code == 200 and len(large.content) > len(small.content)


@pytest.mark.parametrize("who", [None, "enterprise", "district"])
def test_detail_page_has_a_fixed_query_count(world, client, django_assert_max_num_queries, who):
    if who:
        client.force_login(world.user(who))
    scenario = make_scenario(world.own_region_code, status="awarded", applicants=[world.own_enterprise])
    url = f"/scenarios/{scenario.pk}/"
    measure(django_assert_max_num_queries, 8, lambda: client.get(url))
    scenario = make_scenario(
        world.own_region_code,
        status="awarded",
        applicants=[world.own_enterprise, *[EnterpriseFactory() for _ in range(8)]],
    )
    url = f"/scenarios/{scenario.pk}/"
    assert measure(django_assert_max_num_queries, 8, lambda: client.get(url)).status_code == 200
