"""Enterprises at city scale (``seed_demo --scale``, see ``portal.scale``): the registry in every top-level
region (most in the central urban ones, 北碚区's partly in its 园城), 36 months of cumulative monthly reports
for those that file, tags, honours, grants, tiers from the accepted December figures, the 培育库, and a few
enterprise users.

The figures keep the rules the services enforce (SPEC §4): cumulative figures never fall within a year
(each is January-to-date revenue times a share fixed for the enterprise and year, rounded; payroll is a
running sum), each 其中 row stays within its parent, and 软件业务收入 is the sum of its four parts. Tiers are
``services.tier_for`` of each enterprise's latest accepted December report, the rule ``recompute_tier``
applies row by row; the figures and the states of the last two months are drawn before anything is
written, so the enterprise rows carry their tiers from the start. Every report has the one transition row
the small demo gives it (“演示数据”), copied from the reports in one INSERT … SELECT.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from decimal import Decimal

from django.contrib.auth.hashers import make_password
from django.db import connection
from stdnum.cn import uscc

from portal.choices import Role
from portal.models import Region, User
from portal.periods import add_months, month_start
from portal.scale import MONTHS, Scale, cluster, unchecked, write
from portal.services import create_account

from . import selectors, services
from .choices import ArrivalOrigin, FocusTag, HonourKind, Industry, PoolDecisionKind, PoolLevel, ReportStatus
from .choices import SupportKind as Support
from .demo import ALPHABET, CENTRAL_COUNT, CORES, LARGE, PREFIXES
from .models import Enterprise as E
from .models import (
    EnterpriseTag,
    Honour,
    MonthlyReport,
    PoolDecision,
    PoolMembership,
    ReportTransition,
    StatisticsSettings,
    SupportGrant,
)

MODEL = E  # rows here mean the database already has this app's data: no scale load
QUALIFIERS = ["", "科技", "信息", "网络", "数字", "智能", "创新", "技术"]
STREETS = ["金开大道", "科园一路", "星光大道", "渝州路", "嘉陵路", "学府大道", "滨江路", "人民路"]
SURNAMES = ["王", "李", "张", "刘", "陈", "杨", "黄", "周", "吴", "赵"]
GIVEN = ["敏", "磊", "婷", "强", "静", "洋", "军", "娟"]
RETURN_REASON = "主营业务收入与上月差异较大，请核实后重新报送。"
POOL_REASON = "年度申报，专家评审通过"
# Report states as plain strings, not the enum members: _report_line writes them as they are.
ACCEPTED, APPROVED, SUBMITTED, RETURNED, DRAFT = (
    ReportStatus.ACCEPTED.value,
    ReportStatus.APPROVED.value,
    ReportStatus.SUBMITTED.value,
    ReportStatus.RETURNED.value,
    ReportStatus.DRAFT.value,
)
RECENT = [ACCEPTED, APPROVED, SUBMITTED, RETURNED, DRAFT]
LEVEL_OF_TIER = {"super": PoolLevel.SUPER, "beidou": PoolLevel.BEIDOU, "qiming": PoolLevel.QIMING}

ENTERPRISE_FIELDS = (
    "uscc",
    "name",
    "region_id",
    "park_id",
    "address",
    "industry",
    "arrival_date",
    "arrival_origin",
    "relocated_from_id",
    "reporting",
    "contact_name",
    "contact_phone",
    "contact_email",
    "service_officer_id",
    "tier",
    "tier_year",
    "tier_headcount",
    "tier_revenue",
    "created_at",
    "updated_at",
)
REPORT_FIELDS = (
    "enterprise_id",
    "period",
    "status",
    "submitted_at",
    "return_reason",
    "warnings",
    "created_at",
    "updated_at",
    "employees",
    "operating_revenue",
    "software_revenue",
    "software_product_revenue",
    "basic_software_revenue",
    "industrial_software_revenue",
    "it_service_revenue",
    "cloud_revenue",
    "big_data_revenue",
    "industrial_internet_revenue",
    "ecommerce_platform_revenue",
    "ic_design_revenue",
    "security_revenue",
    "ics_security_revenue",
    "embedded_revenue",
    "export_usd",
    "profit",
    "rd_expense",
    "payroll",
)


def _weight(region: Region) -> int:
    """How many enterprises a region draws, relatively: the small demo's central urban shares, then the
    other districts, the development zones and the counties."""
    if region.code in CENTRAL_COUNT:
        return CENTRAL_COUNT[region.code] * 4
    return {"district": 6, "zone": 4, "county": 2}.get(region.kind, 2)


def _plan(scale: Scale, regions: list[Region], parks: list[Region], officers: dict) -> list[dict]:
    """Who the enterprises are, drawn from the seed's own stream before anything is written."""
    rng = scale.rng("enterprises")
    today, n = scale.today, scale.enterprises
    window_start = add_months(month_start(today), -MONTHS)
    window_days = (today - window_start).days
    large_every = max(1, n // max(len(LARGE), round(n / 300)))
    chosen = rng.choices(regions, weights=[_weight(r) for r in regions], k=n)
    # Enum ``.values`` builds a new list on every access: read each once.
    industries, origins, tags = Industry.values, ArrivalOrigin.values, FocusTag.values
    honours, supports = HonourKind.values, Support.values
    names, codes, plan = set(), set(), []
    for index, region in enumerate(chosen):
        industry = rng.choice(industries)
        while True:
            first, second = rng.sample(PREFIXES, 2)
            name = f"重庆{first}{second}{rng.choice(QUALIFIERS)}{CORES[industry]}有限公司"
            if name not in names:
                break
        names.add(name)
        division = region.code if region.code.isdigit() else "500000"
        while True:
            body = f"91{division}MA" + "".join(rng.choices(ALPHABET, k=7))
            code = body + uscc.calc_check_digit(body)
            if code not in codes:
                break
        codes.add(code)
        origin = rng.choices(origins, [6, 3, 1])[0]
        large = LARGE[(index // large_every) % len(LARGE)] if index % large_every == 0 else None
        draw = rng.random()
        if large:
            arrived = today - timedelta(days=window_days + rng.randint(30, 3_650))
        elif draw < 0.2 and origin != ArrivalOrigin.RELOCATED:
            arrived = None  # registered long ago, date not on file
        elif draw < 0.88:
            arrived = today - timedelta(days=window_days + rng.randint(1, 3_650))
        else:
            arrived = today - timedelta(days=rng.randint(1, window_days))  # new in the window
        plan.append(
            {
                "uscc": code,
                "name": name,
                "region": region,
                "park": rng.choice(parks) if region.code == "500109" and rng.random() < 0.6 else None,
                "address": f"{region.name}{rng.choice(STREETS)}{rng.randint(1, 399)}号",
                "industry": industry,
                "arrival_date": arrived,
                "origin": origin,
                "relocated_from": rng.choice([r for r in regions if r.pk != region.pk])
                if origin == ArrivalOrigin.RELOCATED
                else None,
                "reporting": bool(large) or rng.random() < 0.97,
                "contact_name": rng.choice(SURNAMES) + rng.choice(GIVEN),
                "contact_phone": f"023-{rng.randint(60000000, 69999999)}",
                "officer": officers.get(region.pk),
                "large": large,
                "jitter": 1.0 if index < large_every * len(LARGE) else rng.uniform(0.97, 1.03),
                "tags": rng.sample(tags, k=rng.choice([0, 0, 1, 2])),
                "honour": (rng.choice(honours), rng.randint(today.year - 3, today.year - 1))
                if rng.random() < 0.3
                else None,
                "grant": (rng.choice(supports), rng.randint(500, 8_000)) if rng.random() < 0.4 else None,
            }
        )
    return plan


def _profile(spec: dict, years: range, today: date, rng) -> dict[int, tuple[int, float]]:
    """Year-end headcount and full-year operating revenue (万元) of each year; the current year's is what
    December would reach. The large ones follow ``enterprises.demo.LARGE`` (tier boundaries) for the year
    before last and last year."""
    anchor = today.year - 2
    if spec["large"]:
        (heads_2, revenue_2), (heads_1, revenue_1) = spec["large"]
        jitter = spec["jitter"]
        known = {
            anchor: (int(heads_2 * jitter), revenue_2 * jitter),
            anchor + 1: (int(heads_1 * jitter), revenue_1 * jitter),
        }
    else:
        heads = int(rng.lognormvariate(4.6, 0.8)) + 15
        per_head = rng.uniform(30, 80) / rng.uniform(0.55, 0.9)  # 万元 of operating revenue a head
        known = {anchor: (heads, heads * per_head)}
    profile = {}
    for year in years:
        if year in known:
            profile[year] = known[year]
    for year in sorted(y for y in years if y not in known and y > anchor):
        heads, revenue = profile.get(year - 1, known[max(known)])
        profile[year] = (max(1, int(heads * rng.uniform(0.95, 1.25))), revenue * rng.uniform(1.0, 1.25))
    for year in sorted((y for y in years if y not in known and y < anchor), reverse=True):
        heads, revenue = profile.get(year + 1, known[anchor])
        profile[year] = (max(1, int(heads / rng.uniform(1.0, 1.15))), revenue / rng.uniform(1.0, 1.2))
    return profile


def _periods(today: date) -> list[date]:
    """The months reported: the 36 before this one."""
    this_month = month_start(today)
    return [add_months(this_month, -ago) for ago in range(MONTHS, 0, -1)]


def _first(spec: dict, periods: list[date]) -> date:
    """The first month an enterprise reports: the window's first, or the month it arrived."""
    arrived = spec["arrival_date"]
    return month_start(arrived) if arrived and arrived > periods[0] else periods[0]


def _status(spec: dict, months_ago: int) -> str | None:
    """A report's state: accepted from three months back; the last two months' as drawn (None: not filed
    yet, on the reminder list)."""
    return ACCEPTED if months_ago >= 3 else spec["recent"][months_ago]


def _figures(scale: Scale, plan: list[dict]) -> None:
    """Add each filer's yearly ``profile``, the ``recent`` states of its last two months' reports, and the
    ``tier`` (tier, year, headcount, revenue) that recompute_tier would give: from its latest accepted
    December, whose figures are the profile's year-end ones exactly (see ``_reports``). Also the ``pool``
    level: the tier it had in the year before last's December, else its tier now."""
    rng = scale.rng("figures")
    today = scale.today
    periods = _periods(today)
    this_month = month_start(today)
    years = range(periods[0].year, periods[-1].year + 1)
    for spec in plan:
        spec["tier"], spec["pool"] = ("", None, None, None), None
        if not spec["reporting"]:
            continue
        spec["profile"] = _profile(spec, years, today, rng)
        spec["recent"] = {
            2: ACCEPTED if rng.random() < 0.8 else APPROVED,
            1: None if rng.random() < 0.12 else rng.choices(RECENT, [2, 3, 4, 1, 1])[0],
        }
        first, tiers = _first(spec, periods), {}
        for year in years:
            december = date(year, 12, 1)
            months_ago = (this_month.year - year) * 12 + this_month.month - 12
            if december < first or months_ago < 1 or _status(spec, months_ago) != ACCEPTED:
                continue
            heads, revenue = spec["profile"][year]
            revenue = Decimal(round(revenue * 100)).scaleb(-2)
            tiers[year] = (services.tier_for(heads, revenue), year, heads, revenue)
        if tiers:
            spec["tier"] = tiers[max(tiers)]
            before = tiers.get(today.year - 2, ("",))[0]
            spec["pool"] = LEVEL_OF_TIER.get(before or spec["tier"][0])


def _reports(scale: Scale, plan: list[dict], ids: dict[str, int], deadline_day: int):
    """Every filer's monthly reports as rows of ``REPORT_FIELDS``, oldest first. A generator that COPY
    reads while it runs, so it must not touch the database.

    Money is counted in whole cents (ints) so that 软件业务收入 is exactly the sum of its parts, and handed
    on as ``cents / 100``, a float within a hair of the two-place value, which ``%.2f`` (COPY) and
    DecimalField (bulk_create) both turn back into it exactly."""
    rng = scale.rng("reports")
    uniform, random = rng.uniform, rng.random
    today = scale.today
    this_month = month_start(today)
    periods = _periods(today)
    years = range(periods[0].year, periods[-1].year + 1)
    in_window = {(p.year, p.month): p for p in periods}
    created = {p: scale.at(add_months(p, 1)) for p in periods}
    submitted = {
        (p, offset): scale.at(
            min(add_months(p, 1).replace(day=deadline_day) + timedelta(days=offset), today), 10, 30
        )
        for p in periods
        for offset in range(-8, 7)
    }
    no_warnings: list = []
    for spec in plan:
        if not spec["reporting"]:
            continue
        enterprise_id = ids[spec["uscc"]]
        first, profile = _first(spec, periods), spec["profile"]
        start_heads = int(profile[years[0]][0] * 0.97)
        for year in years:
            end_heads, revenue = profile[year]
            weights = [uniform(0.8, 1.2) for _ in range(11)] + [uniform(0.8, 1.2) * 1.3]
            total, running, shares = sum(weights), 0.0, []
            for weight in weights:
                running += weight
                shares.append(running / total)
            shares[-1] = 1.0
            split = [uniform(0.3, 0.6), uniform(0.25, 0.5), uniform(0.0, 0.1)]
            split.append(max(0.0, 1 - sum(split)))
            # Cents of each figure per 万元 of January-to-date operating revenue: fixed for the year, so
            # every cumulative figure rises with revenue and each 其中 stays within its parent.
            software = uniform(0.55, 0.9) * 100
            k_product, k_service, k_security, k_embedded = (software * share for share in split)
            k_basic, k_industrial = (k_product * uniform(0, 0.3) for _ in range(2))
            k_services = [k_service * uniform(0, top) for top in (0.4, 0.3, 0.2, 0.1, 0.1)]
            k_ics = k_security * uniform(0, 0.5)
            k_export = uniform(0, 0.03) / 7 * 100
            k_profit = uniform(-0.05, 0.15) * 100
            k_rd = uniform(0.08, 0.2) * 100
            pay = uniform(0.8, 1.5) * 100  # cents of pay a head a month
            payroll = 0.0
            for month in range(1, 13):
                heads = round(start_heads + (end_heads - start_heads) * month / 12)
                payroll += heads * pay  # January-to-date, also over months before the window
                period = in_window.get((year, month))
                if period is None or period < first:
                    continue
                months_ago = (this_month.year - year) * 12 + this_month.month - month
                status = _status(spec, months_ago)
                if status is None:
                    continue  # not filed yet
                if status == DRAFT:
                    sent = None
                elif months_ago <= 2 and random() < 0.15:
                    sent = submitted[period, 1 + int(random() * 6)]  # late
                else:
                    sent = submitted[period, -int(random() * 9)]
                cumulative = revenue * shares[month - 1]
                operating = round(cumulative * 100)
                product = round(cumulative * k_product)
                service = round(cumulative * k_service)
                security = round(cumulative * k_security)
                embedded = round(cumulative * k_embedded)
                yield (
                    enterprise_id,
                    period,
                    status,
                    sent,
                    RETURN_REASON if status == RETURNED else "",
                    no_warnings,
                    created[period],
                    sent or created[period],
                    heads,
                    operating / 100,
                    (product + service + security + embedded) / 100,
                    product / 100,
                    round(cumulative * k_basic) / 100,
                    round(cumulative * k_industrial) / 100,
                    service / 100,
                    round(cumulative * k_services[0]) / 100,
                    round(cumulative * k_services[1]) / 100,
                    round(cumulative * k_services[2]) / 100,
                    round(cumulative * k_services[3]) / 100,
                    round(cumulative * k_services[4]) / 100,
                    security / 100,
                    round(cumulative * k_ics) / 100,
                    embedded / 100,
                    round(cumulative * k_export) / 100,
                    round(cumulative * k_profit) / 100,
                    round(cumulative * k_rd) / 100,
                    round(payroll) / 100,
                )
            start_heads = end_heads


MONEY_TEXT = "\t".join(["%.2f"] * 18)


def _report_line() -> Callable[[tuple], str]:
    """COPY text of a ``_reports`` row (without its newline), faster than column by column: one ``%`` for the eighteen money
    columns, and each date or timestamp formatted once. Its strings (status, the return reason) are the
    module's own and need no escaping; the generator writes no warnings."""
    texts: dict = {}

    def text(value) -> str:
        found = texts.get(value)
        if found is None:
            found = texts[value] = str(value)
        return found

    def line(row: tuple) -> str:
        enterprise, period, status, sent, reason, _, created, updated, heads = row[:9]
        sent = text(sent) if sent else "\\N"
        return (
            f"{enterprise}\t{text(period)}\t{status}\t{sent}\t{reason}\t[]\t{text(created)}\t{text(updated)}\t{heads}\t"
            + MONEY_TEXT % row[9:]
        )

    return line


def _copy_transitions() -> None:
    """One “演示数据” transition per report, as the small demo writes, in one statement."""
    report, transition = MonthlyReport._meta.db_table, ReportTransition._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {transition} (report_id, from_status, to_status, actor_id, reason, at) "  # noqa: S608
            f"SELECT id, '', status, NULL, %s, COALESCE(submitted_at, created_at) FROM {report}",
            ["演示数据"],
        )


def load(scale: Scale) -> str:
    today = scale.today
    regions = list(Region.objects.top_level().order_by("sort_order", "code"))
    parks = list(Region.objects.filter(parent__code="500109").order_by("code"))
    officers = {
        u.region_id: u.pk for u in User.objects.filter(role=Role.DISTRICT, username__startswith="district-")
    }
    city = User.objects.filter(username="city").values_list("pk", flat=True).first()
    plan = _plan(scale, regions, parks, officers)
    _figures(scale, plan)
    stamp = scale.at(today, 8)

    write(
        E,
        ENTERPRISE_FIELDS,
        (
            (
                s["uscc"],
                s["name"],
                s["region"].pk,
                s["park"].pk if s["park"] else None,
                s["address"],
                s["industry"],
                s["arrival_date"],
                s["origin"],
                s["relocated_from"].pk if s["relocated_from"] else None,
                s["reporting"],
                s["contact_name"],
                s["contact_phone"],
                "",
                s["officer"],
                *s["tier"],
                stamp,
                stamp,
            )
            for s in plan
        ),
    )
    ids = dict(E.objects.values_list("uscc", "pk"))
    write(EnterpriseTag, ("enterprise_id", "tag"), ((ids[s["uscc"]], tag) for s in plan for tag in s["tags"]))
    write(
        Honour,
        ("enterprise_id", "kind", "year", "evidence"),
        ((ids[s["uscc"]], *s["honour"], "认定文件") for s in plan if s["honour"]),
    )
    write(
        SupportGrant,
        ("enterprise_id", "kind", "amount", "granted_on", "note", "created_by_id"),
        (
            (
                ids[s["uscc"]],
                s["grant"][0],
                s["grant"][1] / 100,
                min(s["arrival_date"] + timedelta(days=30), today),
                "",
                None,
            )
            for s in plan
            if s["grant"] and s["arrival_date"] and s["origin"] != ArrivalOrigin.RELOCATED
        ),
    )

    deadline_day = StatisticsSettings.current().deadline_day
    with unchecked(MonthlyReport, ReportTransition):
        reports = write(
            MonthlyReport, REPORT_FIELDS, _reports(scale, plan, ids, deadline_day), line=_report_line()
        )
        _copy_transitions()
    cluster(MonthlyReport, ["period", "status"])  # a month's reports together, as they are filed

    # The 培育库: tiered enterprises at the level they had the year before last (or now), admitted then.
    admitted_on = date(today.year - 2, 3, 15)
    pool = [(ids[s["uscc"]], s["pool"]) for s in plan if s["pool"]]
    write(
        PoolMembership,
        ("enterprise_id", "level", "admitted_on", "reason"),
        ((pk, level, admitted_on, POOL_REASON) for pk, level in pool),
    )
    write(
        PoolDecision,
        (
            "enterprise_id",
            "decision",
            "from_level",
            "to_level",
            "reason",
            "review_year",
            "decided_by_id",
            "decided_on",
            "created_at",
        ),
        (
            (
                pk,
                PoolDecisionKind.ADMIT,
                "",
                level,
                POOL_REASON,
                None,
                city,
                admitted_on,
                scale.at(admitted_on),
            )
            for pk, level in pool
        ),
    )

    # A few enterprise users: the first filer of each region.
    password_hash = make_password(scale.password)
    seen, users = set(), 0
    for spec in plan:
        if spec["reporting"] and spec["region"].pk not in seen:
            seen.add(spec["region"].pk)
            create_account(
                actor=None,
                username=f"ent-{spec['uscc']}",
                password_hash=password_hash,
                role=Role.ENTERPRISE,
                enterprise=E(pk=ids[spec["uscc"]], region_id=spec["region"].pk),
            )
            users += 1
    tiered = sum(1 for s in plan if s["tier"][0])
    selectors.invalidate_list()  # COPY sends no signals: cached API lists predate these enterprises
    return f"企业 {len(plan)} 家，月报 {reports} 份，有梯度 {tiered} 家，培育库 {len(pool)} 家，企业账号 {users} 个"
