from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from enterprises import selectors, services
from enterprises.models import PoolDecision, PoolMembership
from enterprises.services import tier_for
from tests.factories import ReportFactory

pytestmark = pytest.mark.django_db

YI = Decimal(10_000)  # 万元 in one 亿元
ONE = Decimal("0.01")  # the smallest step of a figure in 万元... and one 万元 either side below
WAN = Decimal(1)


@pytest.mark.parametrize(
    ("headcount", "revenue", "tier"),
    [
        (9_999, Decimal(0), "beidou"),  # 万人以上: 9,999 is not
        (10_000, Decimal(0), "super"),
        (0, 100 * YI, "beidou"),  # 超100亿元: exactly 100亿 is not super
        (0, 100 * YI + WAN, "super"),
        (0, 100 * YI - WAN, "beidou"),
        (4_999, Decimal(0), "qiming"),
        (5_000, Decimal(0), "beidou"),  # 5000人以上 includes 5,000
        (0, 50 * YI, "beidou"),  # 达50亿元 includes 50亿
        (0, 50 * YI - WAN, "qiming"),
        (0, 50 * YI + WAN, "beidou"),
        (999, Decimal(0), ""),
        (1_000, Decimal(0), "qiming"),
        (0, 10 * YI, "qiming"),  # 达10亿元 includes 10亿
        (0, 10 * YI - WAN, ""),
        (0, 10 * YI + WAN, "qiming"),
        (999, 10 * YI - ONE, ""),
    ],
)
def test_tier_boundaries(headcount, revenue, tier):
    assert tier_for(headcount, revenue) == tier


def test_tier_comes_from_the_latest_accepted_december(world):
    enterprise = world.own_enterprise
    ReportFactory(
        enterprise=enterprise,
        period=date(2024, 12, 1),
        employees=1200,
        operating_revenue=1,
        status="accepted",
    )
    ReportFactory(
        enterprise=enterprise,
        period=date(2025, 12, 1),
        employees=6000,
        operating_revenue=1,
        status="approved",
    )
    ReportFactory(
        enterprise=enterprise,
        period=date(2025, 6, 1),
        employees=20000,
        operating_revenue=1,
        status="accepted",
    )
    services.recompute_tier(enterprise=enterprise)
    enterprise.refresh_from_db()
    assert (enterprise.tier, enterprise.tier_year, enterprise.tier_headcount) == ("qiming", 2024, 1200)


def test_accepting_and_unlocking_december_recomputes_the_tier(world, api, django_capture_on_commit_callbacks):
    report = world.report(
        "approved", period=date(2025, 12, 1), employees=5000, operating_revenue=Decimal("1.00")
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert api.as_user(world.city).post(f"/api/v1/monthly-reports/{report.pk}/accept/").status_code == 200
    detail = api.as_user(world.district).get(f"/api/v1/enterprises/{world.own_enterprise.pk}/").data
    assert detail["tier"] == {"level": "beidou", "year": 2025, "headcount": 5000, "operating_revenue": "1.00"}
    with django_capture_on_commit_callbacks(execute=True):
        api.as_user(world.city).post(
            f"/api/v1/monthly-reports/{report.pk}/unlock/", {"reason": "更正"}, format="json"
        )
    world.own_enterprise.refresh_from_db()
    assert (world.own_enterprise.tier, world.own_enterprise.tier_year) == ("", None)


def test_tier_task_is_idempotent(world):
    from enterprises.tasks import recompute_tier

    ReportFactory(
        enterprise=world.own_enterprise, period=date(2025, 12, 1), employees=1000, status="accepted"
    )
    assert recompute_tier(world.own_enterprise.pk) == "qiming"
    stamp = type(world.own_enterprise).objects.get(pk=world.own_enterprise.pk).updated_at
    assert recompute_tier(world.own_enterprise.pk) == "qiming"
    assert type(world.own_enterprise).objects.get(pk=world.own_enterprise.pk).updated_at == stamp


# --- 培育库 -----------------------------------------------------------------------------------------------------


def test_pool_admit_review_and_decisions_keep_history(world):
    enterprise = world.own_enterprise
    services.admit_to_pool(actor=world.city, enterprise=enterprise, level="beidou", reason="营收增长快")
    ReportFactory(enterprise=enterprise, period=date(2025, 12, 1), employees=1500, status="accepted")
    services.recompute_tier(enterprise=enterprise)
    [row] = selectors.pool_review(2025)
    assert row.flags == ["计算梯度为“启明星”，不支持“北斗星培育”"]
    services.decide_pool(
        actor=world.city,
        enterprise=enterprise,
        decision="downgrade",
        level="qiming",
        reason="2025年度复核未达北斗星",
        review_year=2025,
    )
    assert PoolMembership.objects.get(enterprise=enterprise).level == "qiming"
    [row] = selectors.pool_review(2025)
    assert row.flags == []
    services.decide_pool(actor=world.city, enterprise=enterprise, decision="remove", reason="企业迁出")
    assert not PoolMembership.objects.exists()
    history = list(
        PoolDecision.objects.order_by("pk").values_list("decision", "from_level", "to_level", "reason")
    )
    assert history == [
        ("admit", "", "beidou", "营收增长快"),
        ("downgrade", "beidou", "qiming", "2025年度复核未达北斗星"),
        ("remove", "qiming", "", "企业迁出"),
    ]


def test_pool_review_flags_enterprises_that_stopped_filing(world):
    services.admit_to_pool(actor=world.city, enterprise=world.own_enterprise, level="qiming", reason="试点")
    [row] = selectors.pool_review(2025)
    assert "2025 年第四季度没有已验收的月报" in row.flags


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"decision": "promote", "level": "qiming"}, "升级后的层级必须高于当前层级。"),
        ({"decision": "downgrade", "level": "super"}, "降级后的层级必须低于当前层级。"),
        ({"decision": "keep", "reason": ""}, "培育库调整必须填写原因。"),
    ],
)
def test_bad_pool_decisions_are_refused(world, kwargs, message):
    services.admit_to_pool(actor=world.city, enterprise=world.own_enterprise, level="beidou", reason="入库")
    kwargs = {"reason": "理由", **kwargs}
    with pytest.raises(ValidationError, match=message):
        services.decide_pool(actor=world.city, enterprise=world.own_enterprise, **kwargs)
    assert PoolMembership.objects.get().level == "beidou"
    assert PoolDecision.objects.count() == 1


def test_pool_is_city_only_and_admits_once(world):
    with pytest.raises(PermissionDenied):
        services.admit_to_pool(
            actor=world.district, enterprise=world.own_enterprise, level="qiming", reason="x"
        )
    services.admit_to_pool(actor=world.city, enterprise=world.own_enterprise, level="qiming", reason="x")
    with pytest.raises(ValidationError, match="已在培育库中"):
        services.admit_to_pool(actor=world.city, enterprise=world.own_enterprise, level="beidou", reason="y")
    assert PoolDecision.objects.count() == 1
