from datetime import date
from decimal import Decimal

import pytest

from evaluation import services
from tests.factories import EnterpriseFactory, ReportFactory, make_building, make_occupancy, make_uscc, region

DEVELOPMENT = [
    {"code": "acquired", "name": "新增收储面积", "weight": "20", "source": "new_acquired_area"},
    {"code": "used", "name": "新增使用面积", "weight": "20", "source": "new_used_area"},
    {"code": "enterprises", "name": "新增企业数", "weight": "30", "source": "new_enterprises"},
    {"code": "employees", "name": "新增从业人员", "weight": "30", "source": "new_employees"},
]
CODES = ["500103", "500105", "500106", "500107"]  # 渝中 A, 江北 B, 沙坪坝 C, 九龙坡 D


@pytest.fixture
def year_2025(db):
    """Hand-made 2025 data of four regions; the expected table is written out in the tests."""
    a, b, c, d = (region(code) for code in CODES)
    # A: 10,000㎡ acquired in March, 2,000㎡ let in April; two new enterprises and one relocated from B.
    building_a = make_building("500103", acquired_area=Decimal(10000), acquired_on=date(2025, 3, 1))
    make_occupancy(building_a, area="2000.00", start_date=date(2025, 4, 1))
    e1 = EnterpriseFactory(region=a, uscc=make_uscc(9100001), arrival_date=date(2025, 2, 1))
    EnterpriseFactory(region=a, uscc=make_uscc(9100002), arrival_date=date(2025, 9, 1))
    EnterpriseFactory(
        region=a,
        uscc=make_uscc(9100003),
        arrival_date=date(2025, 5, 1),
        arrival_origin="relocated",
        relocated_from=b,
    )
    ReportFactory(enterprise=e1, period=date(2025, 12, 1), employees=100, status="accepted")
    # B: 5,000㎡ acquired in August, 1,000㎡ let; one new enterprise; an old one grows 200 → 250.
    building_b = make_building("500105", acquired_area=Decimal(5000), acquired_on=date(2025, 8, 1))
    make_occupancy(building_b, area="1000.00", start_date=date(2025, 9, 1))
    EnterpriseFactory(region=b, uscc=make_uscc(9200001, "500105"), arrival_date=date(2025, 6, 15))
    old_b = EnterpriseFactory(region=b, uscc=make_uscc(9200002, "500105"))
    ReportFactory(enterprise=old_b, period=date(2024, 12, 1), employees=200, status="accepted")
    ReportFactory(enterprise=old_b, period=date(2025, 6, 1), employees=210, status="accepted")
    ReportFactory(enterprise=old_b, period=date(2025, 12, 1), employees=250, status="accepted")
    ReportFactory(
        enterprise=old_b, period=date(2025, 11, 1), employees=900, status="submitted"
    )  # not accepted
    # C: an enterprise shrinks 300 → 270.
    old_c = EnterpriseFactory(region=c, uscc=make_uscc(9300001, "500106"))
    ReportFactory(enterprise=old_c, period=date(2024, 12, 1), employees=300, status="accepted")
    ReportFactory(enterprise=old_c, period=date(2025, 12, 1), employees=270, status="accepted")
    # D: acquired before the year, 4,000㎡ let in May.
    building_d = make_building(
        "500107",
        acquired_area=Decimal(20000),
        acquired_on=date(2024, 6, 1),
        gross_area=Decimal(30000),
        letting_area=Decimal(18000),
    )
    make_occupancy(building_d, area="4000.00", start_date=date(2025, 5, 1))
    return {"A": a, "B": b, "C": c, "D": d}


@pytest.fixture
def make_scheme(db):
    def make(indicators=None, period="Y", codes=CODES, table=("3000", "2500", "2000"), **kwargs):
        return services.create_scheme(
            actor=None,
            name="中心城区软件和信息服务业发展评价（测试）",
            year=2025,
            period=period,
            regions=[region(code) for code in codes],
            indicators=indicators or DEVELOPMENT,
            award_table=list(table),
            **kwargs,
        )

    return make


def run_now(scheme, actor=None):
    """Request a run and compute it in this process (tests run Celery tasks eagerly)."""
    from evaluation.models import Run

    run = services.request_recompute(actor=actor, scheme=scheme)
    services.compute_run(run_id=run.pk)
    return Run.objects.get(pk=run.pk)
