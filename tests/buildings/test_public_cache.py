"""The public 示范楼宇 page and API served whole from the cache (issue 9 budgets): an anonymous visit to the page
and an anonymous plain-JSON request to the API cost no query and no rendering; every building, occupancy and
designation write shows on the next request; what differs per user or per response (the signed-in menu,
messages, the CSP nonce, a refused token) is never served from a shared entry."""

import re

import pytest
from django.contrib.messages import constants
from django.contrib.messages.storage.base import Message
from django.contrib.messages.storage.cookie import CookieStorage
from django.test import RequestFactory

from buildings import services
from buildings.views import NONCE_MARK
from tests.factories import EnterpriseFactory, designate, make_building, make_occupancy

pytestmark = pytest.mark.django_db

PAGE = "/demonstration-buildings/"
API = "/api/v1/demonstration-buildings/"


@pytest.fixture(autouse=True)
def _local_cache(settings):
    """What is tested is the views' use of the cache, so a cache that a loaded Redis cannot time out."""
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}


@pytest.fixture
def showcases(world):
    first = make_building("500103", name="解放碑软件大厦")
    second = make_building("500105", name="观音桥数智大楼")
    spare = make_building("500103", name="大坪科技大厦")
    designate(first, batch=1)
    designate(second, batch=2)
    make_occupancy(first, EnterpriseFactory(industry="software"), area="2000.00")
    return {"first": first, "second": second, "spare": spare}


def _nonces(response) -> tuple[str, list[str]]:
    header = re.search(r"'nonce-([^']+)'", response["Content-Security-Policy"]).group(1)
    return header, re.findall(r'nonce="([^"]+)"', response.content.decode())


def names(response) -> list[str]:
    return [row["name"] for row in response.json()["results"]]


# --- the page ----------------------------------------------------------------------------------------------


def test_an_anonymous_visit_is_served_whole_from_the_cache(client, showcases, django_assert_num_queries):
    first = client.get(PAGE)
    assert first.status_code == 200 and first.templates  # rendered once
    with django_assert_num_queries(0):  # no session cookie: not even the session is read
        second = client.get(PAGE)
    assert second.status_code == 200
    assert not second.templates  # no template rendered at all
    assert second["Content-Type"] == first["Content-Type"] == "text/html; charset=utf-8"
    # The same page but for each response's own nonce.
    assert _strip_nonces(second) == _strip_nonces(first)
    for response in (first, second):
        header, scripts = _nonces(response)
        assert len(scripts) == 2 and set(scripts) == {header}  # the menu's script and the chart's
        assert NONCE_MARK.encode() not in response.content
        policy = response["Content-Security-Policy"]
        assert "unsafe-inline" not in policy and "unsafe-eval" not in policy
    assert _nonces(first)[0] != _nonces(second)[0]


def _strip_nonces(response) -> str:
    return re.sub(r'nonce="[^"]+"', "", response.content.decode())


def test_an_anonymous_visitor_with_a_session_costs_one_query(client, showcases, django_assert_num_queries):
    session = client.session
    session["seen"] = True
    session.save()  # an anonymous session (the database backend): reading it is the one query
    client.get(PAGE)
    with django_assert_num_queries(1):
        assert not client.get(PAGE).templates


def test_each_filter_and_page_is_its_own_entry(client, showcases, django_assert_num_queries):
    client.get(PAGE)
    by_region = client.get(PAGE, {"region": "500105"}).content.decode()
    assert "观音桥数智大楼" in by_region and "解放碑软件大厦" not in by_region
    assert "format=xlsx&amp;region=500105" in by_region  # the export link keeps the query
    with django_assert_num_queries(0):
        again = client.get(PAGE, {"region": "500105"}).content.decode()
    assert "解放碑软件大厦" not in again
    assert "解放碑软件大厦" in client.get(PAGE).content.decode()


def test_an_unknown_query_parameter_is_rendered_not_cached(client, showcases):
    client.get(PAGE, {"utm_source": "x"})
    second = client.get(PAGE, {"utm_source": "x"})
    assert second.status_code == 200 and second.templates  # rendered (its list from the list's cache)


def _designate(world, s):
    designate(s["spare"], batch=3)
    return lambda page, rows: "大坪科技大厦" in page and "大坪科技大厦" in rows


def _revoke(world, s):
    services.revoke_designation(actor=world.city, building=s["second"], reason="复核不合格")
    return lambda page, rows: "观音桥数智大楼" not in page and "观音桥数智大楼" not in rows


def _edit(world, s):
    services.update_building(actor=world.district, building=s["first"], name="解放碑数智大厦")
    return lambda page, rows: (
        "解放碑数智大厦" in page and "解放碑软件大厦" not in page and "解放碑数智大厦" in rows
    )


def _occupy(world, s):
    make_occupancy(s["second"], EnterpriseFactory(industry="ai"), area="3000.00")
    return lambda page, rows: "人工智能" in page and rows["观音桥数智大楼"]["used_area"] == "3000.00"


@pytest.mark.parametrize("write", [_designate, _revoke, _edit, _occupy], ids=lambda f: f.__name__[1:])
def test_every_write_shows_on_the_next_request(world, client, api, showcases, write):
    for _ in range(2):  # the second visit is served from the cache
        client.get(PAGE)
        api.get(API)
    shows = write(world, showcases)
    page = client.get(PAGE).content.decode()
    rows = {row["name"]: row for row in api.get(API).json()["results"]}
    assert shows(page, rows)


def test_a_signed_in_user_never_gets_the_anonymous_page(world, client, showcases):
    anonymous = client.get(PAGE).content.decode()
    assert "登录" in anonymous and "city-staff" not in anonymous
    client.force_login(world.city)
    page = client.get(PAGE)
    assert page.templates  # rendered for this user
    assert "city-staff" in page.content.decode() and 'action="/logout/"' in page.content.decode()
    # …and the signed-in page was not cached for the anonymous visitors that follow.
    client.logout()
    after = client.get(PAGE).content.decode()
    assert "city-staff" not in after and 'action="/logout/"' not in after


def test_pending_messages_are_shown_not_swallowed_by_the_cache(client, showcases):
    client.get(PAGE)
    client.get(PAGE)  # cached
    request = RequestFactory().get(PAGE)
    storage = CookieStorage(request)
    client.cookies[storage.cookie_name] = storage._encode([Message(constants.SUCCESS, "您已成功退出登录。")])
    response = client.get(PAGE)
    assert "您已成功退出登录。" in response.content.decode()
    assert "您已成功退出登录。" not in client.get(PAGE).content.decode()  # shown once; the cache has none


# --- the API -----------------------------------------------------------------------------------------------


def test_the_api_serves_cached_bytes_identical_to_a_rendered_response(
    api, showcases, django_assert_num_queries
):
    first = api.get(API)
    with django_assert_num_queries(0):
        cached = api.get(API)
    # The browsable-API-free, non-cached path: DRF renders the (cached) data itself.
    rendered = api.get(API, HTTP_ACCEPT="application/json; charset=utf-8")
    assert first.content == cached.content == rendered.content
    assert cached.data == rendered.data
    for header in ("Content-Type", "Vary", "Allow", "X-Frame-Options", "Content-Security-Policy"):
        assert cached[header] == rendered[header], header
    assert cached["Content-Type"] == "application/json"


@pytest.mark.parametrize(
    "query", ["?region=500103", "?batch=2", "?page_size=1", "?page_size=1&page=2", "?format=json"]
)
def test_filters_and_pages_are_cached_separately_and_unchanged(api, showcases, query):
    cached = [api.get(API + query) for _ in range(2)]
    rendered = api.get(API + query, HTTP_ACCEPT="application/json; charset=utf-8")
    assert cached[0].status_code == cached[1].status_code == rendered.status_code == 200
    assert cached[0].content == cached[1].content == rendered.content


def test_a_bad_filter_is_still_refused(api, showcases):
    api.get(API)
    assert api.get(API + "?batch=abc").status_code == 400
    assert api.get(API + "?page=99").status_code == 404
    assert api.get(API + "?batch=abc").status_code == 400  # errors are never cached


def test_authentication_still_runs_on_a_cached_answer(world, api, showcases):
    api.get(API)
    api.credentials(HTTP_AUTHORIZATION="Token not-a-real-token")
    assert api.get(API).status_code == 401
    api.as_user(world.district)
    signed_in = api.get(API)
    assert signed_in.status_code == 200
    assert signed_in.content == api.as_user(None).get(API).content  # public data: the same for everyone


def test_the_excel_export_is_not_the_cached_json(api, showcases):
    api.get(API)
    response = api.get(API + "?format=xlsx")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")


def test_links_follow_the_scheme_and_host_asked_for(api, showcases):
    plain = api.get(API + "?page_size=1").json()["next"]
    secure = api.get(API + "?page_size=1", secure=True).json()["next"]
    assert plain.startswith("http://testserver/") and secure.startswith("https://testserver/")
