"""Demo ledger: about 80 stock buildings across the central urban regions, occupied by the demo
enterprises of each region, two 示范楼宇 batches and one revocation.

Deterministic (a fixed random seed; the whole plan is drawn before anything is written) and idempotent
(a building that exists is left as it is, a designation that exists is not made again). Dates are relative
to ``today``, so the current half-year always has acquisitions and new occupancies to count.
"""

import random
from datetime import date, timedelta
from decimal import Decimal

from django.core.exceptions import ValidationError

from enterprises.choices import SupportKind
from enterprises.models import Enterprise
from portal.models import Region

from . import services
from .choices import RenovationStatus, TurnkeyItem
from .models import Building, Designation

PLACES = {
    "500103": ["解放碑", "化龙桥", "大坪", "七星岗", "两路口", "上清寺", "朝天门"],
    "500104": ["建桥", "钓鱼嘴", "春晖路", "新山村", "跃进村", "八桥", "茄子溪"],
    "500105": ["观音桥", "江北嘴", "五里店", "大石坝", "寸滩", "鱼嘴", "石马河"],
    "500106": ["三峡广场", "大学城", "西永", "磁器口", "井口", "土主", "陈家桥"],
    "500107": ["杨家坪", "石桥铺", "谢家湾", "华岩", "黄桷坪", "二郎", "九龙半岛"],
    "500108": ["南坪", "弹子石", "茶园", "长生桥", "南山", "铜元局", "海棠溪"],
    "500109": ["缙云", "蔡家", "歇马", "水土", "北温泉", "天生", "澄江", "同兴"],
    "500112": ["仙桃", "照母山", "空港", "礼嘉", "两路", "龙溪", "回兴"],
    "500113": ["李家沱", "鱼洞", "龙洲湾", "界石", "花溪", "南彭", "木洞"],
    "LJXQ": ["金开大道", "悦来", "龙盛", "果园港", "人和", "翠云", "鸳鸯"],
    "GXQ": ["金凤", "西永微电园", "含谷", "白市驿", "曾家", "科学谷", "走马"],
}
# 北碚区's buildings in its 园城 (002): place → child unit code.
BEIBEI_PARKS = {"缙云": "500109-01", "蔡家": "500109-02", "歇马": "500109-03", "水土": "500109-04"}
SUFFIXES = [
    "软件大厦",
    "数字经济产业园",
    "科技大厦",
    "智慧广场",
    "创新中心",
    "信息港",
    "数智大楼",
    "软件园",
    "科创中心",
]
OWNERS = [
    "城市建设投资（集团）有限公司",
    "城市发展集团有限公司",
    "国有资产经营有限公司",
    "产业投资发展有限公司",
]
OPERATORS = [
    "楼宇运营服务有限公司",
    "科技企业孵化器有限公司",
    "产业园运营管理有限公司",
    "",
    "众创空间管理有限公司",
]
STREETS = ["大道", "路", "街", "大道", "路"]
REVOCATION_REASON = "入驻率连续两个季度低于 30%，经复核撤销“满天星”示范楼宇称号。"


def _area(value: float) -> Decimal:
    return Decimal(str(round(value, -1))).quantize(Decimal("0.01"))


def _plan(rng: random.Random, today: date) -> list[dict]:
    """Every building's figures, drawn in a fixed order so the same seed always gives the same ledger."""
    plans = []
    for code, places in PLACES.items():
        for number, place in enumerate(places, start=1):
            size = rng.random()  # most 10,000–40,000㎡, a few landmarks up to 80,000㎡, a few small ones
            gross = (
                rng.uniform(6_000, 10_000)
                if size < 0.1
                else rng.uniform(40_000, 80_000)
                if size > 0.9
                else rng.uniform(10_000, 40_000)
            )
            acquired = gross * rng.uniform(0.55, 1.0)
            letting = acquired * rng.uniform(0.75, 0.95)
            status = rng.choices(RenovationStatus.values, weights=[15, 25, 60])[0]
            ready = status == RenovationStatus.DONE and rng.random() < 0.7
            items = TurnkeyItem.values if ready else rng.sample(TurnkeyItem.values, rng.randint(1, 5))
            park = BEIBEI_PARKS.get(place) if code == "500109" else None
            acquired_days_ago = rng.randint(200, 1_400)
            plans.append(
                {
                    "code": code,
                    "name": f"{place}{rng.choice(SUFFIXES)}",
                    "park": park,
                    "address": f"{place}{rng.choice(['科园', '金山', '滨江', '新华', '民生', '瑞安'])}"
                    f"{rng.choice(STREETS)}{rng.randint(1, 300)}号",
                    "owner": f"重庆市{place}{rng.choice(OWNERS)}",
                    "operator": (lambda op: f"重庆{place}{op}" if op else "")(rng.choice(OPERATORS)),
                    "gross_area": _area(gross),
                    "acquired_area": _area(acquired),
                    "letting_area": _area(letting),
                    "incubation_area": _area(rng.uniform(500, 3_000))
                    if park or rng.random() < 0.3
                    else Decimal(0),
                    "acquired_on": today - timedelta(days=acquired_days_ago),
                    "extension": _area(min(gross - acquired, gross * 0.1)) if rng.random() < 0.25 else None,
                    "extension_days_ago": rng.randint(5, 150),
                    "renovation_status": status,
                    "renovation_days_ago": rng.randint(30, acquired_days_ago),
                    "turnkey_checklist": list(items),
                    "support_types": rng.sample(SupportKind.values, rng.randint(2, 5)),
                    "target_rate": rng.uniform(0.35, 0.95),
                    "tenants": rng.randint(2, 10),
                    "seed": rng.randint(0, 10**9),
                    "number": number,
                }
            )
    return plans


def _occupy(plan: dict, building: Building, enterprises: list, today: date) -> int:
    """Occupancies of the region's demo enterprises, filling about ``target_rate`` of the letting area."""
    if not enterprises:
        return 0
    rng = random.Random(plan["seed"])
    tenants = rng.sample(enterprises, min(len(enterprises), plan["tenants"]))
    weights = [rng.uniform(0.5, 2.0) for _ in tenants]
    target = float(building.letting_area) * plan["target_rate"]
    earliest = building.acquired_on + timedelta(days=30)
    span = max((today - earliest).days, 1)
    made = 0
    for enterprise, weight in zip(tenants, weights, strict=True):
        area = _area(max(target * weight / sum(weights), 150))
        start = earliest + timedelta(days=rng.randint(0, span - 1))
        end = None
        if rng.random() < 0.1 and (today - start).days > 60:
            end = start + timedelta(days=rng.randint(30, (today - start).days - 1))
        try:
            services.create_occupancy(
                actor=None,
                building=building,
                enterprise=enterprise,
                area=area,
                start_date=start,
                end_date=end,
            )
        except ValidationError:
            continue  # a full building simply takes no more tenants
        made += 1
    return made


def seed(*, password: str, today) -> str:
    rng = random.Random(20230118)  # deterministic: the same ledger on every machine
    plans = _plan(rng, today)
    regions = {
        region.code: region
        for region in Region.objects.filter(code__in=set(PLACES) | set(BEIBEI_PARKS.values()))
    }
    enterprises = {}
    for enterprise in (
        Enterprise.objects.filter(region__code__in=PLACES).select_related("region").order_by("pk")
    ):
        enterprises.setdefault(enterprise.region.code, []).append(enterprise)
    existing = set(Building.objects.values_list("region__code", "name"))

    created = occupancies = 0
    buildings = {}
    for plan in plans:
        region = regions[plan["code"]]
        key = (plan["code"], plan["name"])
        if key in existing:
            buildings[key] = Building.objects.get(region=region, name=plan["name"])
            continue
        building = services.create_building(
            actor=None,
            name=plan["name"],
            region=region,
            park=regions.get(plan["park"]),
            address=plan["address"],
            owner=plan["owner"],
            operator=plan["operator"],
            gross_area=plan["gross_area"],
            acquired_area=plan["acquired_area"],
            acquired_on=plan["acquired_on"],
            letting_area=plan["letting_area"],
            incubation_area=plan["incubation_area"],
            renovation_status=plan["renovation_status"],
            renovation_on=today - timedelta(days=plan["renovation_days_ago"]),
            turnkey_checklist=plan["turnkey_checklist"],
            policy_text=f"入驻{region.name}{plan['name']}的软件和信息服务企业，按“一楼一策”享受房租减免、装修补贴等支持，"
            "详情请咨询楼宇运营团队。",
            support_types=plan["support_types"],
            contact_name="楼宇招商专员",
            contact_phone=f"023-6{plan['seed'] % 10_000_000:07d}",
            notes="演示数据：内部备注，不对外公开。",
        )
        extension = min(plan["extension"] or 0, building.gross_area - building.acquired_area)
        if extension > 0:
            building = services.update_building(
                actor=None,
                building=building,
                acquired_area=building.acquired_area + extension,
                acquired_on=today - timedelta(days=plan["extension_days_ago"]),
            )
        occupancies += _occupy(plan, building, enterprises.get(plan["code"], []), today)
        buildings[key] = building
        created += 1

    designated = _designate(rng, plans, buildings, today)
    return f"新建楼宇 {created} 座，入驻记录 {occupancies} 条，授牌 {designated} 座"


def _designate(rng: random.Random, plans: list[dict], buildings: dict, today: date) -> int:
    """第一批 (about two years ago, 10 buildings), 第二批 (a year ago, 12 more), one of 第一批 revoked."""
    candidates = [
        buildings[(p["code"], p["name"])] for p in plans if p["renovation_status"] == RenovationStatus.DONE
    ]
    chosen = rng.sample(candidates, min(len(candidates), 22))
    batches = [(1, today - timedelta(days=730), chosen[:10]), (2, today - timedelta(days=365), chosen[10:])]
    done = set(Designation.objects.values_list("building_id", "batch"))
    made = 0
    for batch, designated_on, group in batches:
        for building in group:
            if (building.pk, batch) in done:
                continue
            services.designate_building(
                actor=None, building=building, batch=batch, designated_on=designated_on
            )
            made += 1
    revoked = chosen[0] if chosen else None
    if (
        revoked is not None
        and Designation.objects.filter(building=revoked, batch=1, revoked_on__isnull=True).exists()
    ):
        services.revoke_designation(
            actor=None, building=revoked, reason=REVOCATION_REASON, revoked_on=today - timedelta(days=90)
        )
    return made
