"""The enterprise list's lean path (issue 9: lean serialization on hot endpoints) answers exactly what
``EnterpriseSerializer`` answers, on rows with every optional field set and on rows with none."""

from datetime import date
from decimal import Decimal

import pytest

from enterprises.api.serializers import EnterpriseSerializer
from enterprises.models import Enterprise, EnterpriseTag, Honour, PoolMembership
from tests import factories

pytestmark = pytest.mark.django_db


def _full_enterprise(world):
    building = factories.make_building("500109")
    enterprise = factories.EnterpriseFactory(
        region=factories.region("500109"),
        park=factories.region("500109").children.order_by("code").first(),
        uscc=factories.make_uscc(7100001, "500109"),
        address="北碚区云汉大道 1 号",
        building=building,
        industry="ai",
        arrival_date=date(2024, 3, 5),
        arrival_origin="relocated",
        relocated_from=factories.region("500103"),
        contact_name="张三",
        contact_phone="023-66668888",
        contact_email="zhang@example.com",
        service_officer=world.city,
        tier="beidou",
        tier_year=2025,
        tier_headcount=320,
        tier_revenue=Decimal("12345.6"),
    )
    for tag in ("industrial_software", "automotive_software"):
        EnterpriseTag.objects.create(enterprise=enterprise, tag=tag)
    Honour.objects.create(enterprise=enterprise, kind="little_giant", year=2023, evidence="工信部公告")
    Honour.objects.create(enterprise=enterprise, kind="city_key_software", year=2025, evidence="")
    Honour.objects.create(enterprise=enterprise, kind="city_specialised", year=2025, evidence="渝经信发")
    PoolMembership.objects.create(
        enterprise=enterprise, level="beidou", admitted_on=date(2025, 1, 1), reason="营收增长快"
    )
    return enterprise


def test_lean_list_equals_the_serializer(world, api):
    _full_enterprise(world)
    factories.EnterpriseFactory(
        region=factories.region("500109"), uscc=factories.make_uscc(7100002, "500109")
    )
    response = api.as_user(world.city).get("/api/v1/enterprises/", {"page_size": 200})
    assert response.status_code == 200
    queryset = (
        Enterprise.objects.select_related("region", "park", "relocated_from", "pool")
        .prefetch_related("tags", "honours")
        .order_by("name", "pk")
    )
    expected = EnterpriseSerializer(queryset, many=True, context={"request": response.wsgi_request}).data
    assert response.json()["results"] == [dict(row) for row in expected]
    rows = {row["uscc"]: row for row in response.json()["results"]}
    full = rows[factories.make_uscc(7100001, "500109")]
    assert full["tags"] == ["automotive_software", "industrial_software"]
    assert [h["year"] for h in full["honours"]] == [2025, 2025, 2023]
    assert (full["pool_level"], full["tier"]["operating_revenue"]) == ("beidou", "12345.60")


def test_lean_list_keeps_scope_filters_and_paging(world, api):
    factories.EnterpriseFactory.create_batch(3, region=world.own_enterprise.region)
    client = api.as_user(world.district)
    page = client.get("/api/v1/enterprises/", {"page_size": 2}).json()
    assert page["count"] == 4 and len(page["results"]) == 2 and page["next"]
    assert {row["region"] for row in page["results"]} == {"500103"}
    assert client.get("/api/v1/enterprises/", {"region": "500105"}).json()["count"] == 0
    assert client.get("/api/v1/enterprises/", {"region": "nowhere"}).status_code == 400
