"""Application scenarios at city scale (``seed_demo --scale``, see ``portal.scale``): 5,000 at city size, a
quarter of them city-level, in the small demo's mix of states (being collected, open, closed and waiting
for 定榜, awarded, under way, delivered, withdrawn), published over three years into numbered lists (清单)
per publisher, with applications from enterprises (mostly of the scenario's region), the winners' amounts
within the funding, and one ``ScenarioTransition`` per step taken, by the account that manages it.

Dates follow the services' rules: a list per publisher and day, numbered per year in date order; the
deadline not before publication, each later step not before the one before it, nothing in the future.
"""

from __future__ import annotations

from collections import Counter
from datetime import date, timedelta
from decimal import Decimal

from enterprises.models import Enterprise
from portal.models import Region, User
from portal.scale import Scale, write

from .choices import ApplicationStatus, Level, ScenarioStatus
from .demo import CITY_SOURCES, DISTRICT_SOURCES, FUNDING, PROPOSALS, TEMPLATES
from .models import Scenario, ScenarioApplication, ScenarioList, ScenarioTransition

MODEL = Scenario  # rows here mean the database already has this app's data: no scale load
# The small demo's mix of states (out of 40); "closed" is published with its deadline passed.
STATES = {
    "collected": 5,
    "open": 10,
    "closed": 3,
    "awarded": 5,
    "in_progress": 7,
    "delivered": 9,
    "withdrawn": 1,
}
# Days before today a scenario in each state was published: spread over three years.
PUBLISHED_AGO = {
    "open": (2, 25),
    "closed": (45, 80),
    "awarded": (60, 200),
    "in_progress": (150, 600),
    "delivered": (420, 1_050),
    "withdrawn": (90, 700),
}
WITHDRAW_REASON = "业主单位调整建设计划，需求并入市级平台统一建设。"

SCENARIO_FIELDS = (
    "title",
    "level",
    "region_id",
    "domain",
    "owner_type",
    "owner_unit",
    "scope",
    "funding_amount",
    "funding_source",
    "status",
    "published_list_id",
    "published_on",
    "deadline",
    "awarded_on",
    "started_on",
    "delivered_on",
    "delivery_evidence",
    "withdrawn_on",
    "withdraw_reason",
    "created_by_id",
    "created_at",
    "updated_at",
)
APPLICATION_FIELDS = (
    "scenario_id",
    "enterprise_id",
    "proposal",
    "status",
    "amount",
    "applied_on",
    "applied_by_id",
    "created_at",
    "updated_at",
)


def _plan(scale: Scale, regions: list[Region], weights: list[int], central: list[Region]) -> list[dict]:
    """Every scenario, drawn from the seed's own stream before anything is written."""
    rng = scale.rng("scenarios")
    today = scale.today
    states = rng.choices(list(STATES), weights=list(STATES.values()), k=scale.count(5_000))
    titles: set[tuple[int, str]] = set()
    plans = []
    for index, state in enumerate(states):
        domain, owner_type, name, district_owner, city_owner, content = rng.choice(TEMPLATES)
        level = Level.CITY if rng.random() < 0.25 else Level.DISTRICT
        region = rng.choice(central) if level == Level.CITY else rng.choices(regions, weights=weights)[0]
        base = f"重庆市{name}" if level == Level.CITY else f"{region.name}{name}"
        title, number = base, 1
        while (region.pk, title) in titles:
            number += 1
            title = f"{base}（{number}期）"
        titles.add((region.pk, title))
        owner = city_owner if level == Level.CITY else district_owner.format(region=region.name)
        source = rng.choice(CITY_SOURCES if level == Level.CITY else DISTRICT_SOURCES)
        if owner_type != "government" and rng.random() < 0.5:
            source = "业主单位自筹资金"
        unfunded = state == "collected" and index % 8 == 0  # 资金未落实: cannot be published yet
        low, high = PUBLISHED_AGO.get(state, (0, 0))
        published_ago = rng.randint(low, high) if state in PUBLISHED_AGO else None
        window = rng.randint(30, 45)
        if state == "open":
            window = published_ago + rng.randint(5, 30)  # still open today
        elif state == "closed":
            window = rng.randint(20, published_ago - 5)
        plans.append(
            {
                "state": state,
                "level": level,
                "region": region,
                "title": title,
                "domain": domain,
                "owner_type": owner_type,
                "owner_unit": owner,
                "scope": (
                    f"建设内容：{content}。\n"
                    f"边界：由{owner}提供业务需求、数据接口和试点场地；揭榜单位负责方案设计、开发部署、"
                    f"系统集成和一年运维，不含硬件土建。\n"
                    f"验收：上线试运行三个月，功能和性能指标达到揭榜方案承诺，通过业主组织的验收。"
                ),
                "funding_amount": None if unfunded else Decimal(rng.choice(FUNDING)),
                "funding_source": "" if unfunded else source,
                "published_on": today - timedelta(days=published_ago) if published_ago else None,
                "created_ago": (published_ago or 0) + rng.randint(10, 60),
                "window": window,
                "applicants": rng.randint(1, 5),
                "winners": 2 if rng.random() < 0.3 else 1,
                "share": rng.uniform(0.6, 0.95),
                "award_after": rng.randint(8, 20),
                "start_after": rng.randint(7, 20),
                "deliver_after": rng.randint(120, 300),
                "apply_days": [rng.randint(0, 25) for _ in range(5)],
                "proposal": rng.randrange(len(PROPOSALS)),
            }
        )
    return plans


def _lists(plans: list[dict]) -> list[tuple]:
    """One list per publisher (the city, or a region) and publication day, numbered per year in date
    order: ``CITY-2025-01``, ``500103-2025-02``."""
    days = sorted(
        {
            (p["level"], p["region"].pk if p["level"] == Level.DISTRICT else None, p["published_on"])
            for p in plans
            if p["published_on"]
        },
        key=lambda key: (key[0], key[1] or 0, key[2]),
    )
    codes = {p["region"].pk: p["region"].code for p in plans}
    numbers: Counter = Counter()
    rows = []
    for level, region_id, day in days:
        numbers[level, region_id, day.year] += 1
        number = numbers[level, region_id, day.year]
        prefix = "CITY" if level == Level.CITY else codes[region_id]
        rows.append((level, region_id, day.year, number, day, f"{prefix}-{day.year}-{number:02d}"))
    return rows


def _steps(scale: Scale, plan: dict, list_title: str, winners: list[str]) -> dict:
    """The scenario's dated steps and the transitions that took it there."""
    today = scale.today
    state, published = plan["state"], plan["published_on"]
    created = today - timedelta(days=plan["created_ago"])
    steps = {"status": ScenarioStatus.COLLECTED.value, "transitions": [("", "collected", "", "", created)]}

    def step(to: str, day: date, reason: str = "", note: str = "") -> None:
        steps["transitions"].append((steps["status"], to, reason, note[:500], day))
        steps["status"] = to

    if published is None:
        return steps
    deadline = published + timedelta(days=plan["window"])
    steps.update(deadline=deadline)
    step(ScenarioStatus.PUBLISHED.value, published, note=f"列入{list_title}")
    if state == "withdrawn":
        steps["withdrawn_on"] = min(deadline + timedelta(days=5), today)
        step(ScenarioStatus.WITHDRAWN.value, steps["withdrawn_on"], reason=WITHDRAW_REASON)
    if state not in ("awarded", "in_progress", "delivered"):
        return steps
    steps["awarded_on"] = min(deadline + timedelta(days=plan["award_after"]), today)
    step(ScenarioStatus.AWARDED.value, steps["awarded_on"], note=f"中榜企业：{'、'.join(winners)}")
    if state == "awarded":
        return steps
    steps["started_on"] = min(steps["awarded_on"] + timedelta(days=plan["start_after"]), today)
    step(ScenarioStatus.IN_PROGRESS.value, steps["started_on"])
    if state == "delivered":
        delivered = min(
            steps["started_on"] + timedelta(days=plan["deliver_after"]), today - timedelta(days=3)
        )
        steps["delivered_on"] = max(delivered, steps["started_on"])
        steps["evidence"] = (
            f"项目验收报告（{plan['owner_unit']}，{steps['delivered_on']:%Y}年第{steps['delivered_on'].month}号）"
        )
        step(ScenarioStatus.DELIVERED.value, steps["delivered_on"], note=f"落地证明：{steps['evidence']}")
    return steps


def load(scale: Scale) -> str:
    today = scale.today
    counts = Counter(Enterprise.objects.values_list("region_id", flat=True))
    regions = [r for r in Region.objects.top_level().order_by("sort_order", "code") if counts[r.pk]]
    central = [r for r in regions if r.central_urban] or regions
    plans = _plan(scale, regions, [counts[r.pk] for r in regions], central)

    lists = _lists(plans)
    write(ScenarioList, ("level", "region_id", "year", "number", "published_on", "code"), lists)
    list_ids = dict(ScenarioList.objects.values_list("code", "pk"))
    region_names = {r.pk: r.name for r in regions}
    by_day = {
        (level, region_id, day): (
            code,
            f"{'市级' if level == Level.CITY else region_names[region_id]}应用场景清单（{year}年第{number}批）",
        )
        for level, region_id, year, number, day, code in lists
    }
    managers = dict(User.objects.filter(username__startswith="district-").values_list("region_id", "pk"))
    city = User.objects.filter(username="city").values_list("pk", flat=True).first()
    filers = dict(User.objects.filter(enterprise__isnull=False).values_list("enterprise_id", "pk"))
    enterprises: dict[int, list] = {}
    names = {}
    for pk, region_id, name in Enterprise.objects.order_by("uscc").values_list("pk", "region_id", "name"):
        enterprises.setdefault(region_id, []).append(pk)
        names[pk] = name
    everyone = [pk for members in enterprises.values() for pk in members]

    rng = scale.rng("applications")
    scenario_rows, pending = [], []
    for plan in plans:
        manager = city if plan["level"] == Level.CITY else managers.get(plan["region"].pk)
        key = (
            plan["level"],
            plan["region"].pk if plan["level"] == Level.DISTRICT else None,
            plan["published_on"],
        )
        code, list_title = by_day.get(key, (None, ""))
        applicants: list[int] = []
        if plan["published_on"]:
            local = enterprises.get(plan["region"].pk, [])
            applicants = rng.sample(local, min(len(local), max(1, plan["applicants"] - 1)))
            others = [
                pk for pk in (rng.choice(everyone) for _ in range(plan["applicants"])) if pk not in applicants
            ]
            applicants += others[: plan["applicants"] - len(applicants)]
        winners = applicants[: plan["winners"]]
        if plan["state"] in ("awarded", "in_progress", "delivered") and not winners:
            plan["state"] = "closed"  # nobody applied: nothing to award
        steps = _steps(scale, plan, list_title, [names[pk] for pk in winners])
        scenario_rows.append(
            (
                plan["title"],
                plan["level"],
                plan["region"].pk,
                plan["domain"],
                plan["owner_type"],
                plan["owner_unit"],
                plan["scope"],
                plan["funding_amount"],
                plan["funding_source"],
                steps["status"],
                list_ids.get(code),
                plan["published_on"],
                steps.get("deadline"),
                steps.get("awarded_on"),
                steps.get("started_on"),
                steps.get("delivered_on"),
                steps.get("evidence", ""),
                steps.get("withdrawn_on"),
                WITHDRAW_REASON if "withdrawn_on" in steps else "",
                manager,
                scale.at(steps["transitions"][0][4]),
                scale.at(steps["transitions"][-1][4]),
            )
        )
        pending.append((plan, steps, manager, applicants, winners))
    write(Scenario, SCENARIO_FIELDS, scenario_rows)
    ids = {
        (region_id, title): pk
        for pk, region_id, title in Scenario.objects.values_list("pk", "region_id", "title")
    }

    transitions, applications = [], []
    for plan, steps, manager, applicants, winners in pending:
        scenario_id = ids[plan["region"].pk, plan["title"]]
        for from_status, to_status, reason, note, day in steps["transitions"]:
            transitions.append(
                (scenario_id, from_status, to_status, manager, reason, note, scale.at(day, 10))
            )
        if not applicants:
            continue
        last_day = min(
            steps["deadline"], steps.get("awarded_on") or today, steps.get("withdrawn_on") or today, today
        )
        total = (plan["funding_amount"] * Decimal(str(round(plan["share"], 2)))).quantize(Decimal("1"))
        shares = [Decimal("0.6"), Decimal("0.4")] if len(winners) == 2 else [Decimal(1)]
        amounts = {
            pk: (total * share).quantize(Decimal("0.01")) for pk, share in zip(winners, shares, strict=False)
        }
        awarded = "awarded_on" in steps
        for position, enterprise_id in enumerate(applicants):
            applied_on = min(plan["published_on"] + timedelta(days=plan["apply_days"][position]), last_day)
            status = ApplicationStatus.APPLIED
            if awarded:
                status = ApplicationStatus.WON if enterprise_id in amounts else ApplicationStatus.LOST
            elif "withdrawn_on" in steps:
                status = ApplicationStatus.LOST
            proposal = (
                f"{names[enterprise_id]}揭榜方案：{PROPOSALS[(plan['proposal'] + position) % len(PROPOSALS)]}"
            )
            stamp = scale.at(applied_on, 11)
            applications.append(
                (
                    scenario_id,
                    enterprise_id,
                    proposal,
                    status,
                    amounts.get(enterprise_id) if awarded else None,
                    applied_on,
                    filers.get(enterprise_id),
                    stamp,
                    stamp,
                )
            )
    write(
        ScenarioTransition,
        ("scenario_id", "from_status", "to_status", "actor_id", "reason", "note", "at"),
        transitions,
    )
    made = write(ScenarioApplication, APPLICATION_FIELDS, applications)
    published = sum(1 for plan in plans if plan["published_on"])
    return f"应用场景 {len(plans)} 个（已发布 {published} 个，清单 {len(lists)} 批），揭榜申请 {made} 份"
