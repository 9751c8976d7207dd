"""The 培育库 page at city scale: the admit picker offers search results, never the whole registry; the page's
query count does not grow with the pool."""

import pytest

from enterprises import services
from tests.factories import EnterpriseFactory, make_uscc, region

pytestmark = pytest.mark.django_db


def option(enterprise) -> str:
    return f'<option value="{enterprise.pk}">{enterprise.name}</option>'


def test_the_picker_offers_the_matches_of_a_search(world, client):
    pooled = EnterpriseFactory(region=region("500103"), name="重庆星河数据有限公司", uscc=make_uscc(6700001))
    services.admit_to_pool(actor=world.city, enterprise=pooled, level="qiming", reason="试点")
    wanted = EnterpriseFactory(region=region("500105"), name="重庆星河软件有限公司", uscc=make_uscc(6700002))
    client.force_login(world.city)

    page = client.get("/pool/").content.decode()
    assert "先按企业名称或统一社会信用代码查找" in page
    assert option(world.own_enterprise) not in page and option(wanted) not in page

    page = client.get("/pool/", {"q": "星河"}).content.decode()
    assert option(wanted) in page
    assert option(pooled) not in page  # already in the pool
    assert option(world.own_enterprise) not in page

    assert option(wanted) in client.get("/pool/", {"q": wanted.uscc.lower()}).content.decode()
    page = client.get("/pool/", {"q": "不存在的企业"}).content.decode()
    assert "没有找到名称含“不存在的企业”" in page

    # Admitting still accepts any enterprise outside the pool, offered or not.
    client.post("/pool/", {"enterprise": world.other_enterprise.pk, "level": "beidou", "reason": "增长快"})
    assert world.other_enterprise.__class__.objects.get(pk=world.other_enterprise.pk).pool.level == "beidou"


def test_every_row_carries_the_decision_form(world, client):
    for i in range(3):
        enterprise = EnterpriseFactory(region=region("500103"), uscc=make_uscc(6700100 + i))
        services.admit_to_pool(actor=world.city, enterprise=enterprise, level="qiming", reason="入库")
    client.force_login(world.city)
    page = client.get("/pool/", {"year": 2025}).content.decode()
    assert page.count('<select name="decision"') == 3 and page.count('<select name="level"') == 3


def test_the_pool_page_runs_a_fixed_number_of_queries(world, client, django_assert_max_num_queries):
    client.force_login(world.city)

    def grow(n, start):
        for i in range(start, start + n):
            enterprise = EnterpriseFactory(region=region("500103"), uscc=make_uscc(6700200 + i))
            services.admit_to_pool(actor=world.city, enterprise=enterprise, level="beidou", reason="入库")

    def count(query):
        with django_assert_max_num_queries(8) as captured:
            assert client.get("/pool/", query).status_code == 200
        return len(captured.captured_queries)

    grow(2, 0)
    client.get("/pool/")
    small = count({}), count({"q": "测试"})
    grow(12, 2)
    assert (count({}), count({"q": "测试"})) == small
