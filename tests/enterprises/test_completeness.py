from datetime import datetime, time

import pytest
from django.utils import timezone

from enterprises.selectors import deadline
from portal.periods import format_period
from tests.factories import EnterpriseFactory, ReportFactory, make_uscc, past_period

pytestmark = pytest.mark.django_db


def test_completeness_per_region(world, api, django_assert_max_num_queries):
    period = past_period(2)
    late_filer = EnterpriseFactory(name="重庆迟报软件有限公司", uscc=make_uscc(6600001))
    silent = EnterpriseFactory(name="重庆未报软件有限公司", uscc=make_uscc(6600002))
    EnterpriseFactory(name="重庆不纳统软件有限公司", uscc=make_uscc(6600003), reporting=False)
    ReportFactory(
        enterprise=world.own_enterprise,
        period=period,
        status="accepted",
        submitted_at=timezone.make_aware(datetime.combine(deadline(period), time(9))),
    )
    ReportFactory(
        enterprise=late_filer,
        period=period,
        status="submitted",
        submitted_at=timezone.make_aware(datetime.combine(deadline(period), time(9)))
        + timezone.timedelta(days=2),
    )
    ReportFactory(enterprise=world.other_enterprise, period=period, status="draft")
    client = api.as_user(world.city)
    with django_assert_max_num_queries(6):
        data = client.get("/api/v1/reporting-completeness/", {"period": format_period(period)}).data
    rows = {row["region"]: row for row in data["results"]}
    assert data["period"] == format_period(period)
    yuzhong = rows["500103"]
    assert (yuzhong["expected"], yuzhong["filed"], yuzhong["accepted"], yuzhong["late"]) == (3, 2, 1, 1)
    assert [m["name"] for m in yuzhong["missing"]] == [silent.name]
    jiangbei = rows["500105"]
    assert (jiangbei["expected"], jiangbei["filed"]) == (1, 0)  # a draft is not filed
    assert len(data["results"]) == 42


def test_district_sees_only_its_region_completeness(world, api):
    data = (
        api.as_user(world.district)
        .get("/api/v1/reporting-completeness/", {"period": format_period(past_period())})
        .data
    )
    assert [row["region"] for row in data["results"]] == ["500103"]


def test_completeness_requires_a_valid_period(world, api):
    response = api.as_user(world.city).get("/api/v1/reporting-completeness/", {"period": "2026/10"})
    assert response.status_code == 400
    assert response.data == {"period": ["报告期“2026/10”格式错误，应为 YYYY-MM，例如 2026-10。"]}
