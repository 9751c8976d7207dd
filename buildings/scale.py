"""Buildings at city scale (``seed_demo --scale``, see ``portal.scale``): 5,000 ledger buildings at city
size, in the regions in proportion to their enterprises, with their dated acquisition and renovation
changes, occupancies by the region's enterprises, and four 示范楼宇 batches (a few revoked).

The figures keep the ledger's rules (SPEC §5): acquired, letting and 双创空间 area within the gross area;
the acquired area the sum of its dated changes, ``acquired_on`` the date of the latest; the renovation
status that of its latest change; an enterprise in at most one building, and a building's occupancies
together (not only those overlapping) within its letting area, so no day can exceed it.
"""

from __future__ import annotations

from collections import Counter
from datetime import timedelta
from decimal import Decimal

from enterprises.choices import SupportKind
from enterprises.models import Enterprise
from portal.models import Region
from portal.scale import Scale, write

from . import selectors
from .choices import RenovationStatus, TurnkeyItem
from .demo import BEIBEI_PARKS, OPERATORS, OWNERS, PLACES, REVOCATION_REASON, STREETS, SUFFIXES
from .models import AcquisitionChange, Building, Designation, Occupancy, RenovationChange

MODEL = Building  # rows here mean the database already has this app's data: no scale load
# Places of the regions the small demo has none for: the region's name and one of these.
GENERIC_PLACES = ["城南", "城北", "新城", "高新园", "滨江", "东城", "西城", "工业园", "科技城", "中心"]
# 示范楼宇 batches: days before today, and the share of all buildings designated in each.
BATCHES = [(1_095, 0.02), (730, 0.02), (365, 0.02), (60, 0.015)]

BUILDING_FIELDS = (
    "name",
    "region_id",
    "park_id",
    "address",
    "owner",
    "operator",
    "gross_area",
    "acquired_area",
    "acquired_on",
    "letting_area",
    "incubation_area",
    "renovation_status",
    "renovation_on",
    "turnkey_checklist",
    "turnkey_ready",
    "policy_text",
    "support_types",
    "contact_name",
    "contact_phone",
    "notes",
    "created_at",
    "updated_at",
)


def _area(value: float) -> Decimal:
    """Whole tens of ㎡, rounded down (so shares of an area never add up to more than it)."""
    return Decimal(int(value) // 10 * 10).quantize(Decimal("0.01"))


def _places(region: Region) -> list[str]:
    return PLACES.get(region.code) or [f"{region.name[:2]}{place}" for place in GENERIC_PLACES]


def _plan(scale: Scale, regions: list[Region], weights: list[int], parks: dict[str, Region]) -> list[dict]:
    """Every building's figures, drawn from the seed's own stream before anything is written."""
    rng = scale.rng("buildings")
    today = scale.today
    turnkey, supports, statuses = TurnkeyItem.values, SupportKind.values, RenovationStatus.values
    beibei = [parks[code] for code in sorted(set(BEIBEI_PARKS.values()))]
    names: set[tuple[int, str]] = set()
    plans = []
    for region in rng.choices(regions, weights=weights, k=scale.count(5_000)):
        place = rng.choice(_places(region))
        base = f"{place}{rng.choice(SUFFIXES)}"
        name, number = base, 1
        while (region.pk, name) in names:
            number += 1
            name = f"{base}{number}期"
        names.add((region.pk, name))
        size = rng.random()  # most 10,000–40,000㎡, a few landmarks up to 80,000㎡, a few small ones
        gross = (
            rng.uniform(6_000, 10_000)
            if size < 0.1
            else rng.uniform(40_000, 80_000)
            if size > 0.9
            else rng.uniform(10_000, 40_000)
        )
        acquired = gross * rng.uniform(0.55, 1.0)
        status = rng.choices(statuses, weights=[15, 25, 60])[0]
        ready = status == RenovationStatus.DONE and rng.random() < 0.7
        acquired_days_ago = rng.randint(60, 1_400)
        park = None
        if region.code == "500109":
            park = parks.get(BEIBEI_PARKS.get(place, "")) or (
                rng.choice(beibei) if rng.random() < 0.5 else None
            )
        operator = rng.choice(OPERATORS)
        plans.append(
            {
                "region": region,
                "name": name,
                "park": park,
                "address": f"{place}{rng.choice(['科园', '金山', '滨江', '新华', '民生', '瑞安'])}"
                f"{rng.choice(STREETS)}{rng.randint(1, 300)}号",
                "owner": f"重庆市{place}{rng.choice(OWNERS)}",
                "operator": f"重庆{place}{operator}" if operator else "",
                "gross_area": _area(gross),
                "acquired_area": _area(acquired),
                "letting_area": _area(acquired * rng.uniform(0.75, 0.95)),
                "incubation_area": _area(rng.uniform(500, 3_000))
                if park or rng.random() < 0.3
                else Decimal(0),
                "acquired_on": today - timedelta(days=acquired_days_ago),
                "extension": rng.uniform(0, 0.1) if rng.random() < 0.25 else None,
                "extension_days_ago": rng.randint(5, min(150, acquired_days_ago - 1)),
                "renovation_status": status,
                "renovation_on": today - timedelta(days=rng.randint(30, acquired_days_ago)),
                "turnkey_checklist": list(turnkey)
                if ready
                else sorted(rng.sample(turnkey, rng.randint(1, 5))),
                "support_types": sorted(rng.sample(supports, rng.randint(2, 5)), key=supports.index),
                "target_rate": rng.uniform(0.35, 0.95),
                "tenants": rng.randint(2, 12),
                "phone": f"023-6{rng.randint(0, 9_999_999):07d}",
            }
        )
    for plan in plans:
        # An extension (a second, later acquisition) up to 10% of the gross area, never beyond it.
        extra = min(
            plan["gross_area"] - plan["acquired_area"],
            _area(float(plan["gross_area"]) * (plan["extension"] or 0)),
        )
        plan["first_area"], plan["first_on"] = plan["acquired_area"], plan["acquired_on"]
        if extra > 0:
            plan["acquired_area"] = plan["first_area"] + extra
            plan["acquired_on"] = today - timedelta(days=plan["extension_days_ago"])
        plan["extension"] = extra if extra > 0 else None
        plan["turnkey_checklist"] = [item for item in turnkey if item in plan["turnkey_checklist"]]
    return plans


def _occupancies(scale: Scale, plans: list[dict], ids: dict, enterprises: dict[int, list]) -> list[tuple]:
    """Each building's tenants: the region's enterprises dealt out in a shuffled order (each to one
    building at most), filling about ``target_rate`` of the letting area, starting after the first
    acquisition and after the enterprise arrived; one in ten has moved out since."""
    rng = scale.rng("occupancies")
    today = scale.today
    pools = {}
    for region_id, members in sorted(enterprises.items()):
        members = list(members)
        rng.shuffle(members)
        pools[region_id] = members
    rows = []
    for plan in plans:
        pool = pools.get(plan["region"].pk, [])
        tenants = [pool.pop() for _ in range(min(len(pool), plan["tenants"]))]
        if not tenants:
            continue
        weights = [rng.uniform(0.5, 2.0) for _ in tenants]
        target = float(plan["letting_area"]) * plan["target_rate"]
        used = Decimal(0)
        for (enterprise_id, arrived), weight in zip(tenants, weights, strict=True):
            area = _area(max(target * weight / sum(weights), 150))
            earliest = max(plan["first_on"] + timedelta(days=30), arrived or plan["first_on"])
            if used + area > plan["letting_area"] or earliest >= today:
                continue  # a full building takes no more tenants; nobody moves in before it is ready
            used += area
            start = earliest + timedelta(days=rng.randint(0, (today - earliest).days - 1))
            end = None
            if rng.random() < 0.1 and (today - start).days > 60:
                end = start + timedelta(days=rng.randint(30, (today - start).days - 1))
            building_id = ids[plan["region"].pk, plan["name"]]
            rows.append((building_id, enterprise_id, area, start, end, scale.at(start)))
    return rows


def _designations(scale: Scale, plans: list[dict], ids: dict) -> list[tuple]:
    """Four batches of 示范楼宇 among renovated buildings acquired before the batch, a few of the first two
    batches revoked since (and not designated again)."""
    rng = scale.rng("designations")
    today = scale.today
    done = [p for p in plans if p["renovation_status"] == RenovationStatus.DONE]
    chosen: set[int] = set()
    rows = []
    for batch, (days_ago, share) in enumerate(BATCHES, start=1):
        designated_on = today - timedelta(days=days_ago)
        candidates = [
            ids[p["region"].pk, p["name"]]
            for p in done
            if p["first_on"] <= designated_on and ids[p["region"].pk, p["name"]] not in chosen
        ]
        for building_id in rng.sample(candidates, min(len(candidates), max(1, round(len(plans) * share)))):
            chosen.add(building_id)
            revoked_on, reason = None, ""
            if batch <= 2 and rng.random() < 0.05:
                revoked_on = designated_on + timedelta(days=rng.randint(90, days_ago - 1))
                reason = REVOCATION_REASON
            rows.append((building_id, batch, designated_on, None, revoked_on, reason, None))
    return rows


def load(scale: Scale) -> str:
    counts = Counter(Enterprise.objects.values_list("region_id", flat=True))
    regions = [r for r in Region.objects.top_level().order_by("sort_order", "code") if counts[r.pk]]
    parks = {r.code: r for r in Region.objects.filter(parent__code="500109")}
    plans = _plan(scale, regions, [counts[r.pk] for r in regions], parks)
    write(
        Building,
        BUILDING_FIELDS,
        (
            (
                p["name"],
                p["region"].pk,
                p["park"].pk if p["park"] else None,
                p["address"],
                p["owner"],
                p["operator"],
                p["gross_area"],
                p["acquired_area"],
                p["acquired_on"],
                p["letting_area"],
                p["incubation_area"],
                p["renovation_status"],
                p["renovation_on"],
                p["turnkey_checklist"],
                len(p["turnkey_checklist"]) == len(TurnkeyItem.values),
                f"入驻{p['region'].name}{p['name']}的软件和信息服务企业，按“一楼一策”享受房租减免、装修补贴等支持，"
                "详情请咨询楼宇运营团队。",
                p["support_types"],
                "楼宇招商专员",
                p["phone"],
                "演示数据：内部备注，不对外公开。",
                scale.at(p["first_on"]),
                scale.at(p["acquired_on"]),
            )
            for p in plans
        ),
    )
    ids = {
        (region_id, name): pk
        for pk, region_id, name in Building.objects.values_list("pk", "region_id", "name")
    }
    acquisitions = []
    for p in plans:
        building_id = ids[p["region"].pk, p["name"]]
        acquisitions.append((building_id, p["first_on"], p["first_area"], p["first_area"], "首次收储"))
        if p["extension"]:
            acquisitions.append(
                (building_id, p["acquired_on"], p["extension"], p["acquired_area"], "收储面积变更")
            )
    write(
        AcquisitionChange, ("building_id", "changed_on", "area_added", "acquired_area", "note"), acquisitions
    )
    write(
        RenovationChange,
        ("building_id", "changed_on", "status", "note"),
        ((ids[p["region"].pk, p["name"]], p["renovation_on"], p["renovation_status"], "") for p in plans),
    )
    enterprises: dict[int, list] = {}
    for pk, region_id, arrived in Enterprise.objects.order_by("uscc").values_list(
        "pk", "region_id", "arrival_date"
    ):
        enterprises.setdefault(region_id, []).append((pk, arrived))
    occupancies = write(
        Occupancy,
        ("building_id", "enterprise_id", "area", "start_date", "end_date", "created_at"),
        _occupancies(scale, plans, ids, enterprises),
    )
    designations = write(
        Designation,
        (
            "building_id",
            "batch",
            "designated_on",
            "designated_by_id",
            "revoked_on",
            "revoke_reason",
            "revoked_by_id",
        ),
        _designations(scale, plans, ids),
    )
    selectors.invalidate_public()  # the cached public 示范楼宇 list predates these buildings
    return f"楼宇 {len(plans)} 座，入驻记录 {occupancies} 条，授牌 {designations} 次"
