"""The cache of ``GET /api/v1/enterprises/`` (issue 9): the encoded page is served from the cache after
authentication and the role check, keyed by the caller's scope, and every write to what the list shows
(through a service, the API, an import, a signal-less bulk write) makes the next list show it."""

from datetime import date
from io import BytesIO

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from openpyxl import Workbook

from enterprises import selectors, services
from enterprises.models import Enterprise, Honour, PoolMembership
from portal import imports
from tests import factories

pytestmark = pytest.mark.django_db

URL = "/api/v1/enterprises/"


def _list(client, **params):
    response = client.get(URL, params)
    assert response.status_code == 200, response.content
    return response


def _rows(client, **params) -> dict:
    return {row["uscc"]: row for row in _list(client, **params).json()["results"]}


def _own(world, client):
    return _rows(client)[world.own_enterprise.uscc]


# --- hits: same bytes, one query, scope kept ------------------------------------------------------------


def test_a_hit_is_the_same_body_and_costs_only_the_token_query(world, api, django_assert_num_queries):
    factories.EnterpriseFactory.create_batch(3, region=world.own_enterprise.region)
    client = api.as_user(world.district)
    with django_assert_num_queries(6):  # token + user, region filter, count, page, tags, honours
        miss = client.get(URL, {"region": "500103", "page_size": 2})
    with django_assert_num_queries(1):  # token + user: nothing of the list is read
        hit = client.get(URL, {"region": "500103", "page_size": 2})
    assert hit.status_code == miss.status_code == 200
    assert hit.content == miss.content
    assert hit["Content-Type"] == miss["Content-Type"] == "application/json"
    assert hit["Vary"] == miss["Vary"] and hit["Allow"] == miss["Allow"]
    assert hit.data == miss.json() and miss.json()["count"] == 4 and miss.json()["next"]

    cache.clear()  # the same page computed afresh
    assert client.get(URL, {"region": "500103", "page_size": 2}).content == hit.content


def test_the_body_is_what_drf_renders_without_the_cache(world, api, monkeypatch):
    factories.EnterpriseFactory.create_batch(2, region=world.own_enterprise.region)
    client = api.as_user(world.city)
    cached = _list(client, page_size=2).content
    # The uncached path: DRF's own Response rendered by its JSONRenderer (the browsable API's route).
    monkeypatch.setattr(selectors.LIST, "lookup", lambda key: (None, None))
    assert _list(client, page_size=2).content == cached


def test_officers_of_two_regions_never_share_a_body(world, api):
    own = _rows(api.as_user(world.district), page_size=10)
    other = _rows(api.as_user(world.other_district), page_size=10)
    assert set(own) == {world.own_enterprise.uscc}
    assert set(other) == {world.other_enterprise.uscc}
    # Again, from the cache, with the same query string.
    assert set(_rows(api.as_user(world.other_district), page_size=10)) == {world.other_enterprise.uscc}
    assert set(_rows(api.as_user(world.district), page_size=10)) == {world.own_enterprise.uscc}


def test_an_enterprise_user_sees_only_its_own(world, api):
    assert set(_rows(api.as_user(world.city))) == {world.own_enterprise.uscc, world.other_enterprise.uscc}
    assert set(_rows(api.as_user(world.enterprise))) == {world.own_enterprise.uscc}
    assert set(_rows(api.as_user(world.other_enterprise_user))) == {world.other_enterprise.uscc}
    assert set(_rows(api.as_user(world.enterprise))) == {world.own_enterprise.uscc}


def test_authentication_and_role_still_run_on_a_hit(world, api):
    """A cached body is served only after DRF's authentication and the role check, with their answers."""
    _list(api.as_user(world.district))
    other = "/api/v1/monthly-reports/"
    anonymous = api.as_user(None).get(URL)
    assert anonymous.status_code == 401 and anonymous["WWW-Authenticate"] == "Token"
    assert anonymous.json() == api.get(other).json()
    api.credentials(HTTP_AUTHORIZATION="Token nonsense")
    wrong = api.get(URL)
    assert wrong.status_code == 401 and wrong.json() == api.get(other).json()
    client = api.as_user(world.district)
    world.district.is_active = False
    world.district.save()
    inactive = client.get(URL)
    assert inactive.status_code == 401 and inactive.json() == client.get(other).json()


def test_request_auth_is_the_token(world, api, monkeypatch):
    from rest_framework.authtoken.models import Token

    from enterprises.api.views import EnterpriseViewSet

    seen = {}
    original = EnterpriseViewSet.list

    def spy(self, request, *args, **kwargs):
        seen["auth"], seen["user"] = request.auth, request.user
        return original(self, request, *args, **kwargs)

    monkeypatch.setattr(EnterpriseViewSet, "list", spy)
    _list(api.as_user(world.district))
    token = Token.objects.get(user=world.district)
    auth = seen["auth"]
    assert (auth.key, auth.created, auth.user) == (token.key, token.created, token.user)
    assert seen["user"] == world.district and seen["user"].region_id == world.district.region_id


def test_a_bad_filter_is_refused_every_time(world, api):
    client = api.as_user(world.district)
    assert client.get(URL, {"region": "nowhere"}).status_code == 400
    assert client.get(URL, {"region": "nowhere"}).status_code == 400


def test_the_browsable_api_and_the_export_are_not_cached(world, api):
    client = api.as_user(world.city)
    _list(client)
    page = client.get(URL, HTTP_ACCEPT="text/html")
    assert page.status_code == 200 and world.own_enterprise.name in page.content.decode()
    export = client.get(URL, {"format": "xlsx"})
    assert export.status_code == 200 and export["Content-Type"].startswith("application/vnd.openxml")


def test_the_host_is_part_of_the_key(world, api, settings):
    settings.ALLOWED_HOSTS = ["a.example.com", "b.example.com"]
    factories.EnterpriseFactory.create_batch(2, region=world.own_enterprise.region)
    client = api.as_user(world.district)
    first = client.get(URL, {"page_size": 1}, HTTP_HOST="a.example.com").json()
    second = client.get(URL, {"page_size": 1}, HTTP_HOST="b.example.com").json()
    assert first["next"].startswith("http://a.example.com/")
    assert second["next"].startswith("http://b.example.com/")


# --- every kind of write shows in the next list -------------------------------------------------------


def test_service_create_and_update_show(world, api):
    client = api.as_user(world.district)
    before = _rows(client)
    created = services.create_enterprise(
        actor=world.district,
        uscc=factories.make_uscc(7200001),
        region=world.own_enterprise.region,
        name="重庆缓存测试软件有限公司",
        industry="software",
        tags=["open_source"],
    )
    after = _rows(client)
    assert set(after) == set(before) | {created.uscc}
    assert after[created.uscc]["tags"] == ["open_source"]
    services.update_enterprise(actor=world.district, enterprise=created, contact_name="王五")
    assert _rows(client)[created.uscc]["contact_name"] == "王五"


def test_api_create_and_update_show(world, api):
    client = api.as_user(world.district)
    _rows(client)
    uscc = factories.make_uscc(7200002)
    response = client.post(
        URL,
        {"uscc": uscc, "name": "重庆接口软件有限公司", "region": "500103", "industry": "software"},
        format="json",
    )
    assert response.status_code == 201, response.data
    assert _rows(client)[uscc]["name"] == "重庆接口软件有限公司"
    pk = response.data["id"]
    response = client.patch(f"{URL}{pk}/", {"address": "渝中区解放碑 1 号"}, format="json")
    assert response.status_code == 200, response.data
    assert _rows(client)[uscc]["address"] == "渝中区解放碑 1 号"


def test_an_enterprise_user_editing_its_contact_shows(world, api):
    client = api.as_user(world.enterprise)
    _own(world, client)
    url = f"{URL}{world.own_enterprise.pk}/"
    assert client.patch(url, {"contact_phone": "023-87654321"}, format="json").status_code == 200
    assert _own(world, client)["contact_phone"] == "023-87654321"
    assert _own(world, api.as_user(world.district))["contact_phone"] == "023-87654321"


def test_tag_changes_show(world, api):
    client = api.as_user(world.district)
    assert _own(world, client)["tags"] == []
    services.update_enterprise(
        actor=world.district, enterprise=world.own_enterprise, tags=["open_source", "industrial_software"]
    )
    assert _own(world, client)["tags"] == ["industrial_software", "open_source"]
    services.update_enterprise(actor=world.district, enterprise=world.own_enterprise, tags=["open_source"])
    assert _own(world, client)["tags"] == ["open_source"]
    response = client.patch(f"{URL}{world.own_enterprise.pk}/", {"tags": []}, format="json")
    assert response.status_code == 200, response.data
    assert _own(world, client)["tags"] == []


def test_tags_added_by_bulk_create_alone_show(world, api):
    """``_set_tags`` adds tags with ``bulk_create`` (no post_save): it bumps the version itself."""
    from enterprises.services import _set_tags

    client = api.as_user(world.district)
    assert _own(world, client)["tags"] == []
    _set_tags(world.own_enterprise, ["open_source"], world.district)
    assert _own(world, client)["tags"] == ["open_source"]


def test_honour_changes_show(world, api):
    client = api.as_user(world.district)
    assert _own(world, client)["honours"] == []
    honour = services.add_honour(
        actor=world.district, enterprise=world.own_enterprise, kind="little_giant", year=2024, evidence="公告"
    )
    assert _own(world, client)["honours"] == [{"kind": "little_giant", "year": 2024, "evidence": "公告"}]
    honour.evidence = "更正公告"
    honour.save()
    assert _own(world, client)["honours"][0]["evidence"] == "更正公告"
    Honour.objects.filter(pk=honour.pk).first().delete()
    assert _own(world, client)["honours"] == []


def test_pool_and_tier_changes_show(world, api):
    client = api.as_user(world.district)
    assert _own(world, client)["pool_level"] is None
    services.admit_to_pool(actor=world.city, enterprise=world.own_enterprise, level="qiming", reason="增长快")
    assert _own(world, client)["pool_level"] == "qiming"
    services.decide_pool(
        actor=world.city, enterprise=world.own_enterprise, decision="promote", level="beidou", reason="达标"
    )
    assert _own(world, client)["pool_level"] == "beidou"
    services.decide_pool(actor=world.city, enterprise=world.own_enterprise, decision="remove", reason="出库")
    assert _own(world, client)["pool_level"] is None

    Enterprise.objects.filter(pk=world.own_enterprise.pk).update(tier="qiming")  # stale: no signal
    services.recompute_tier(enterprise=world.own_enterprise)  # no accepted December: no tier
    assert _own(world, client)["tier"]["level"] is None


def test_region_code_and_deleted_building_show(world, api):
    building = factories.make_building("500103")
    services.update_enterprise(actor=world.city, enterprise=world.own_enterprise, building=building)
    client = api.as_user(world.city)
    assert _own(world, client)["building"] == building.pk
    building.delete()  # SET_NULL on the enterprise: an UPDATE without an enterprise signal
    assert _own(world, client)["building"] is None

    region = world.own_enterprise.region
    region.code = "599999"
    region.save()
    assert _own(world, client)["region"] == "599999"


def test_an_enterprise_import_shows(world, api):
    client = api.as_user(world.district)
    before = _rows(client)
    kind = imports.kinds()["enterprises"]
    headers = [c.header for c in kind.columns if c.importable]
    row = {
        "统一社会信用代码": factories.make_uscc(5_100_001),
        "企业名称": "重庆导入缓存软件有限公司",
        "所属区域": "渝中区",
        "产业方向": "软件开发",
        "重点领域": "工业软件、开源",
        "入驻日期": date(2024, 3, 1),
        "入驻来源": "新设立",
        "纳入月报": "是",
    }
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = kind.sheet
    sheet.append(headers)
    sheet.append([row.get(h) for h in headers])
    buffer = BytesIO()
    workbook.save(buffer)
    upload = SimpleUploadedFile("导入.xlsx", buffer.getvalue(), content_type="application/octet-stream")
    response = client.post("/api/v1/imports/enterprises/", {"file": upload}, format="multipart")
    assert response.status_code in (200, 201), response.data
    after = _rows(client)
    assert set(after) == set(before) | {row["统一社会信用代码"]}
    assert after[row["统一社会信用代码"]]["tags"] == ["industrial_software", "open_source"]


def test_a_bulk_update_without_signals_is_not_seen_until_the_version_is_bumped(world, api):
    """The contract for writes that send no signals: they must call ``selectors.invalidate_list``."""
    client = api.as_user(world.district)
    _own(world, client)
    Enterprise.objects.filter(pk=world.own_enterprise.pk).update(name="重庆改名软件有限公司")
    assert _own(world, client)["name"] != "重庆改名软件有限公司"
    selectors.invalidate_list()
    assert _own(world, client)["name"] == "重庆改名软件有限公司"


# --- the commit race -----------------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_a_body_cached_before_the_commit_is_not_served_after_it(api):
    """A reader that takes the version after the write's first bump but reads the rows before its commit
    caches the old page: the bump on commit makes that entry stale."""
    district = factories.district_user("500103", username="officer-race")
    enterprise = factories.EnterpriseFactory(region=factories.region("500103"))
    client = api.as_user(district)
    old = _list(client).content
    key = selectors.list_cache_key(
        (district.role, district.region_id, district.enterprise_id),
        "http://testserver/api/v1/enterprises/",
        "application/json",
    )
    with transaction.atomic():
        services.update_enterprise(actor=district, enterprise=enterprise, contact_name="赵六")
        version, body = selectors.LIST.lookup(key)
        assert body is None  # the write's first bump
        selectors.LIST.store(key, version, old)  # a concurrent reader, still seeing the old rows
        assert selectors.LIST.lookup(key)[1] == old
    assert selectors.LIST.lookup(key)[1] is None  # the bump on commit
    assert _rows(client)[enterprise.uscc]["contact_name"] == "赵六"


@pytest.mark.django_db(transaction=True)
def test_a_rolled_back_write_leaves_later_writes_bumping(api):
    district = factories.district_user("500103", username="officer-rollback")
    enterprise = factories.EnterpriseFactory(region=factories.region("500103"))
    client = api.as_user(district)
    with pytest.raises(RuntimeError), transaction.atomic():
        services.update_enterprise(actor=district, enterprise=enterprise, contact_name="回滚")
        raise RuntimeError
    assert _rows(client)[enterprise.uscc]["contact_name"] == ""
    services.update_enterprise(actor=district, enterprise=enterprise, contact_name="钱七")
    assert _rows(client)[enterprise.uscc]["contact_name"] == "钱七"
    assert PoolMembership.objects.count() == 0


def test_without_a_cache_the_list_is_computed_every_time(world, api, settings, django_assert_num_queries):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}
    client = api.as_user(world.district)
    first = _list(client).content
    with django_assert_num_queries(5):  # token + user, count, page, tags, honours
        assert _list(client).content == first


def test_a_session_caller_shares_the_scope_and_the_cached_body(world, api, django_assert_num_queries):
    token_body = _list(api.as_user(world.district)).content
    api.credentials()
    api.force_login(world.district)
    with django_assert_num_queries(2):  # session, user
        assert _list(api).content == token_body
