"""Demo evaluation schemes (SPEC §7): last year's central urban annual examination and scenario evaluation
(computed and published), this year's half-year assessment (a draft), and 北碚区's evaluation of its six 园城. Idempotent: a scheme
that exists (by name) is left as it is."""

import random
from decimal import Decimal

from portal.models import Region, User

from . import services
from .models import Scheme

DEVELOPMENT_2023 = [
    {"code": "acquired_area", "name": "新增收储面积", "weight": "15", "source": "new_acquired_area"},
    {"code": "used_area", "name": "新增使用面积", "weight": "15", "source": "new_used_area"},
    {"code": "new_enterprises", "name": "新增企业数", "weight": "20", "source": "new_enterprises"},
    {"code": "new_employees", "name": "新增从业人员", "weight": "20", "source": "new_employees"},
    {"code": "investment", "name": "招商项目落地", "weight": "10", "source": "landed_projects"},
    {"code": "ecosystem", "name": "产业生态建设", "weight": "10", "source": "manual"},
    {"code": "policy", "name": "政策兑现落实", "weight": "10", "source": "manual"},
]
PARKS = [
    {"code": "area", "name": "楼宇收储使用面积", "weight": "30", "source": "acquired_and_used_area"},
    {"code": "new_enterprises", "name": "新增企业数", "weight": "25", "source": "new_enterprises"},
    {"code": "new_employees", "name": "新增从业人员", "weight": "25", "source": "new_employees"},
    {"code": "mechanism", "name": "工作机制", "weight": "20", "source": "manual"},
]
SCENARIO = [
    {"code": "published", "name": "发布场景数", "weight": "30", "source": "published_scenarios"},
    {"code": "awarded", "name": "揭榜金额", "weight": "40", "source": "awarded_amount"},
    {"code": "delivered", "name": "落地场景数", "weight": "30", "source": "delivered_scenarios"},
]
AWARDS = ["3000", "2500", "2000", "1500", "1000", "500"]
# 004 caps the scenario award at 500万元; the steps are an assumption (a scheme setting).
SCENARIO_AWARDS = ["500", "400", "300", "200", "100"]
COMMENTS = ["专班推进，机制健全", "出台配套政策并兑现到位", "举办产业活动，生态活跃", "工作推进一般"]


def _scheme(name, **kwargs):
    if Scheme.objects.filter(name=name).exists():
        return None
    return services.create_scheme(actor=None, name=name, **kwargs)


def _manual_scores(scheme, rng):
    city = User.objects.filter(username="city").first()
    for indicator in scheme.indicators.filter(source="manual"):
        for region in scheme.regions.all():
            score = (indicator.weight * Decimal(rng.uniform(0.55, 1))).quantize(Decimal("0.1"))
            services.set_manual_score(
                actor=city,
                scheme=scheme,
                region=region,
                indicator=indicator.code,
                score=score,
                comment=rng.choice(COMMENTS),
            )


def _compute(scheme, publish=False):
    city = User.objects.filter(username="city").first()
    run = services.request_recompute(actor=None, scheme=scheme)
    run = services.compute_run(run_id=run.pk)
    if publish:
        services.publish_run(actor=city, run=run)


def seed(*, password: str, today) -> str:
    rng = random.Random(2022)
    central = list(Region.objects.central_urban().order_by("sort_order"))
    parks = list(Region.objects.filter(parent__code="500109").order_by("code"))
    made = []
    annual = _scheme(
        f"中心城区软件和信息服务业发展考核（{today.year - 1}年度）",
        year=today.year - 1,
        period="Y",
        regions=central,
        indicators=DEVELOPMENT_2023,
        award_table=AWARDS,
        award_cap=3000,
    )
    if annual:
        _manual_scores(annual, rng)
        _compute(annual, publish=True)
        made.append(annual)
    half = _scheme(
        f"中心城区软件和信息服务业发展评估（{today.year}年上半年）",
        year=today.year,
        period="H1",
        regions=central,
        indicators=DEVELOPMENT_2023,
        award_table=[],
        award_cap=3000,
    )
    if half:
        _manual_scores(half, rng)
        _compute(half)
        made.append(half)
    scenario = _scheme(
        f"中心城区应用场景建设评价（{today.year - 1}年度）",
        year=today.year - 1,
        period="Y",
        regions=central,
        indicators=SCENARIO,
        award_table=SCENARIO_AWARDS,
        award_cap=500,
    )
    if scenario:
        _compute(scenario, publish=True)
        made.append(scenario)
    beibei = _scheme(
        f"北碚区园城软件产业发展考核（{today.year - 1}年度）",
        year=today.year - 1,
        period="Y",
        regions=parks,
        indicators=PARKS,
        award_table=[],
        award_cap=0,
    )
    if beibei:
        _manual_scores(beibei, rng)
        _compute(beibei, publish=True)
        made.append(beibei)
    return f"新建评价方案 {len(made)} 个"
