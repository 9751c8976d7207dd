"""Demo enterprises of a believable Chongqing (SPEC §10): about 64 enterprises, most in the central urban
regions, with two years of cumulative monthly reports up to last month in mixed states, tiers computed from
them (a few crossing a tier boundary), a 培育库 with one enterprise due for review, honours and grants.

Deterministic (fixed random seed) and idempotent: an enterprise that exists is left as it is."""

import random
from datetime import date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.contrib.auth.hashers import make_password
from django.db.models import Q
from django.utils import timezone
from stdnum.cn import uscc

from portal.choices import Role
from portal.models import Region, User
from portal.periods import add_months, month_start
from portal.services import create_account

from . import services
from .choices import ArrivalOrigin, FocusTag, HonourKind, Industry, PoolLevel, ReportStatus, SupportKind
from .models import OF_WHICH, Enterprise, MonthlyReport, ReportTransition, StatisticsSettings

ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
PREFIXES = [
    "云启",
    "渝信",
    "山城",
    "数智",
    "嘉陵",
    "星辰",
    "智汇",
    "天衍",
    "融创",
    "博睿",
    "中科",
    "赛博",
    "蓝海",
    "鼎新",
    "华擎",
    "九章",
    "朗行",
    "极光",
    "涌泉",
    "青衿",
    "北斗",
    "启明",
    "巴蜀",
    "长江",
    "缙云",
    "科越",
    "金桥",
    "雾都",
    "渝睿",
    "汇智",
    "悦动",
    "芯源",
]
CORES = {
    Industry.SOFTWARE: "软件",
    Industry.IC_DESIGN: "微电子",
    Industry.INDUSTRIAL_DESIGN: "工业设计",
    Industry.SECURITY: "信息安全",
    Industry.AI: "人工智能",
    Industry.INDUSTRIAL_INTERNET: "工业互联网",
    Industry.IOT_EMBEDDED: "物联科技",
    Industry.IT_SERVICE: "信息技术",
    Industry.DIGITAL_CONTENT: "数字文化",
    Industry.DATA: "数据科技",
    Industry.PLATFORM: "网络科技",
    Industry.EMERGING: "智能科技",
}
# Enterprises per central urban region; one each in a few other districts.
CENTRAL_COUNT = {
    "500112": 8,
    "LJXQ": 8,
    "GXQ": 7,
    "500103": 5,
    "500107": 5,
    "500106": 5,
    "500108": 4,
    "500105": 4,
    "500109": 5,
    "500113": 2,
    "500104": 2,
}
OTHER_CODES = ["500101", "500102", "500118", "500116", "500117", "500120", "500151", "500110", "500115"]

# Year-end headcount and full-year operating revenue (万元) of the large ones, the year before last and last
# year (whose December decides the tier): each crosses or sits on a tier boundary (SPEC §3.1).
LARGE = [
    ((10_400, 1_050_000), (10_900, 1_120_000)),  # 超大型 both years
    ((4_800, 420_000), (5_150, 470_000)),  # crosses into 北斗星 by headcount (5000人以上)
    ((3_100, 490_000), (3_300, 500_000)),  # reaches 北斗星 at exactly 50亿 (达50亿元)
    ((980, 82_000), (1_020, 88_000)),  # crosses into 启明星 by headcount (1000人以上)
    ((760, 99_000), (800, 100_000)),  # reaches 启明星 at exactly 10亿 (达10亿元)
    ((1_500, 130_000), (1_400, 96_000)),  # 启明星 last year, still (headcount) this year
    ((2_600, 210_000), (900, 99_990)),  # falls out of 启明星: due for pool review
]


def _uscc(rng: random.Random, region: Region) -> str:
    division = region.code if region.code.isdigit() else "500000"
    body = "91" + division + "MA" + "".join(rng.choice(ALPHABET) for _ in range(7))
    return body + uscc.calc_check_digit(body)


def _money(value: float) -> Decimal:
    return Decimal(str(value)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def _year_reports(
    enterprise, year: int, months: int, headcount: tuple[int, int], revenue: float, rng
) -> list:
    """Cumulative reports for ``months`` months of ``year``: revenue grows to ``revenue`` by December."""
    start_heads, end_heads = headcount
    software_share = rng.uniform(0.55, 0.9)
    split = [rng.uniform(0.3, 0.6), rng.uniform(0.25, 0.5), rng.uniform(0.0, 0.1)]
    split.append(max(0.0, 1 - sum(split)))
    weights = [rng.uniform(0.8, 1.2) * (1.3 if m == 12 else 1.0) for m in range(1, 13)]
    reports, cumulative = [], 0.0
    for month in range(1, months + 1):
        cumulative = revenue if month == 12 else cumulative + revenue * weights[month - 1] / sum(weights)
        software = cumulative * software_share
        parts = [_money(software * share) for share in split]
        heads = round(start_heads + (end_heads - start_heads) * month / 12)
        report = MonthlyReport(
            enterprise=enterprise,
            period=date(year, month, 1),
            employees=heads,
            operating_revenue=_money(cumulative),
            software_product_revenue=parts[0],
            it_service_revenue=parts[1],
            security_revenue=parts[2],
            embedded_revenue=parts[3],
            export_usd=_money(cumulative * rng.uniform(0, 0.03) / 7),
            profit=_money(cumulative * rng.uniform(-0.05, 0.15)),
            rd_expense=_money(cumulative * rng.uniform(0.08, 0.2)),
            payroll=_money(heads * 1.1 * month),
        )
        report.basic_software_revenue = _money(float(parts[0]) * rng.uniform(0, 0.3))
        report.industrial_software_revenue = _money(float(parts[0]) * rng.uniform(0, 0.3))
        report.cloud_revenue = _money(float(parts[1]) * rng.uniform(0, 0.4))
        report.big_data_revenue = _money(float(parts[1]) * rng.uniform(0, 0.3))
        report.ics_security_revenue = _money(float(parts[2]) * rng.uniform(0, 0.5))
        report.software_revenue = sum(parts, Decimal(0))
        for parent, children in OF_WHICH.items():
            assert all(getattr(report, child) <= getattr(report, parent) for child in children)
        reports.append(report)
    return reports


def _status(rng, months_ago: int) -> str:
    """Old months are accepted; the last two are still moving through review, some returned or late."""
    if months_ago >= 3:
        return ReportStatus.ACCEPTED
    if months_ago == 2:
        return rng.choices([ReportStatus.ACCEPTED, ReportStatus.APPROVED], [8, 2])[0]
    return rng.choices(
        [
            ReportStatus.ACCEPTED,
            ReportStatus.APPROVED,
            ReportStatus.SUBMITTED,
            ReportStatus.RETURNED,
            ReportStatus.DRAFT,
        ],
        [2, 3, 4, 1, 1],
    )[0]


def _plan(regions: dict) -> list[dict]:
    """Who the demo enterprises are: drawn from one random stream that reads nothing from the database, so
    every run plans the same enterprises and the ones that exist are simply skipped."""
    rng = random.Random(20230728)
    names, plan, large = set(), [], list(LARGE)
    codes = [code for code, count in CENTRAL_COUNT.items() for _ in range(count)] + OTHER_CODES
    for index, code in enumerate(codes):
        industry = rng.choice(Industry.values)
        name = f"重庆{rng.choice(PREFIXES)}{CORES[industry]}有限公司"
        while name in names:
            name = f"重庆{rng.choice(PREFIXES)}{rng.choice(PREFIXES)}{CORES[industry]}有限公司"
        names.add(name)
        origin = rng.choices(ArrivalOrigin.values, [6, 3, 1])[0]
        plan.append(
            {
                "index": index,
                "region": regions[code],
                "uscc": _uscc(rng, regions[code]),
                "name": name,
                "industry": industry,
                "origin": origin,
                "relocated_from": rng.choice([r for c, r in sorted(regions.items()) if c != code]),
                "scale": large.pop(0) if (index % 9 == 0 and large) else None,
            }
        )
    return plan


def seed(*, password: str, today) -> str:
    password_hash = make_password(password)
    deadline_day = StatisticsSettings.current().deadline_day
    this_month = month_start(today)
    regions = {r.code: r for r in Region.objects.filter(Q(code__in=CENTRAL_COUNT) | Q(code__in=OTHER_CODES))}
    officers = {
        u.region_id: u for u in User.objects.filter(role=Role.DISTRICT, username__startswith="district-")
    }
    city = User.objects.filter(username="city").first()
    plan = _plan(regions)
    existing = set(
        Enterprise.objects.filter(uscc__in=[p["uscc"] for p in plan]).values_list("uscc", flat=True)
    )
    created, reports = [], []

    for spec in plan:
        if spec["uscc"] in existing:
            continue
        rng = random.Random(spec["uscc"])  # this enterprise's own stream: its figures never shift
        region, index, origin = spec["region"], spec["index"], spec["origin"]
        arrived = None if index % 4 == 0 else today - timedelta(days=rng.randint(40, 1500))
        if origin == ArrivalOrigin.RELOCATED:
            arrived = today - timedelta(days=rng.randint(60, 500))
        park = None
        if region.code == "500109":
            park = Region.objects.filter(parent=region).order_by("code")[index % 3]
        enterprise = services.create_enterprise(
            actor=None,
            uscc=spec["uscc"],
            name=spec["name"],
            region=region,
            park=park,
            industry=spec["industry"],
            address=f"{region.name}{rng.choice(['金开大道', '科园一路', '星光大道', '渝州路', '嘉陵路'])}{rng.randint(1, 399)}号",
            arrival_date=arrived,
            arrival_origin=origin,
            relocated_from=spec["relocated_from"] if origin == ArrivalOrigin.RELOCATED else None,
            contact_name=rng.choice(["王", "李", "张", "刘", "陈", "杨", "黄", "周"])
            + rng.choice(["敏", "磊", "婷", "强", "静", "洋"]),
            contact_phone=f"023-{rng.randint(60000000, 69999999)}",
            service_officer=officers.get(region.pk),
            tags=rng.sample(FocusTag.values, k=rng.choice([0, 0, 1, 2])),
        )
        created.append(enterprise)
        create_account(
            actor=None,
            username=f"ent-{enterprise.uscc}",
            password_hash=password_hash,
            role=Role.ENTERPRISE,
            enterprise=enterprise,
        )

        # The year before last and last year in full, this year up to last month.
        scale = spec["scale"]
        if scale is None:
            heads = int(rng.lognormvariate(4.6, 0.8)) + 15
            per_head = rng.uniform(30, 80) / rng.uniform(0.55, 0.9)  # 万元 of operating revenue a head
            scale = (
                (heads, heads * per_head),
                (int(heads * rng.uniform(0.95, 1.25)), heads * per_head * 1.15),
            )
        (heads_2, revenue_2), (heads_1, revenue_1) = scale
        year = today.year
        enterprise_reports = _year_reports(
            enterprise, year - 2, 12, (int(heads_2 * 0.97), heads_2), revenue_2, rng
        )
        enterprise_reports += _year_reports(enterprise, year - 1, 12, (heads_2, heads_1), revenue_1, rng)
        if today.month > 1:
            growth = rng.uniform(1.0, 1.25)
            enterprise_reports += _year_reports(
                enterprise, year, today.month - 1, (heads_1, int(heads_1 * growth)), revenue_1 * growth, rng
            )
        for report in enterprise_reports:
            months_ago = (this_month.year - report.period.year) * 12 + this_month.month - report.period.month
            report.status = _status(rng, months_ago)
            if months_ago == 1 and rng.random() < 0.12:
                continue  # not filed yet: on the reminder list
            if report.status != ReportStatus.DRAFT:
                due = add_months(report.period, 1).replace(day=deadline_day)
                late = months_ago <= 2 and rng.random() < 0.15
                day = (
                    due + timedelta(days=rng.randint(1, 6))
                    if late
                    else due - timedelta(days=rng.randint(0, 8))
                )
                report.submitted_at = timezone.make_aware(datetime.combine(min(day, today), time(10, 30)))
            if report.status == ReportStatus.RETURNED:
                report.return_reason = "主营业务收入与上月差异较大，请核实后重新报送。"
            reports.append(report)

        if origin != ArrivalOrigin.RELOCATED and arrived and rng.random() < 0.4:
            services.record_support_grant(
                actor=None,
                enterprise=enterprise,
                kind=rng.choice(SupportKind.values),
                amount=_money(rng.uniform(5, 80)),
                granted_on=min(arrived + timedelta(days=30), today),
            )
        if rng.random() < 0.3:
            services.add_honour(
                actor=None,
                enterprise=enterprise,
                kind=rng.choice(HonourKind.values),
                year=rng.randint(year - 3, year - 1),
                evidence="认定文件",
            )

    MonthlyReport.objects.bulk_create(reports, batch_size=1000)
    ReportTransition.objects.bulk_create(
        [
            ReportTransition(report=r, from_status="", to_status=r.status, actor=None, reason="演示数据")
            for r in reports
        ],
        batch_size=1000,
    )

    # Tiers from last December, then the 培育库: tiered enterprises at their level as admitted two years
    # ago (so the review finds the one that fell out), plus one promising smaller enterprise.
    level_of = {"super": PoolLevel.SUPER, "beidou": PoolLevel.BEIDOU, "qiming": PoolLevel.QIMING}
    pooled = 0
    for enterprise in created:
        before = services.tier_for(*_december(enterprise, today.year - 2))
        services.recompute_tier(enterprise=enterprise)
        enterprise.refresh_from_db()
        level = level_of.get(before or enterprise.tier)
        if level is None and pooled == 0 and enterprise.tier_revenue and enterprise.tier_revenue > 30_000:
            level = PoolLevel.QIMING
        if level:
            services.admit_to_pool(
                actor=city,
                enterprise=enterprise,
                level=level,
                reason="年度申报，专家评审通过",
                on=date(today.year - 2, 3, 15),
            )
            pooled += 1
    return f"新建企业 {len(created)} 家，月报 {len(reports)} 份，培育库 {pooled} 家"


def _december(enterprise, year: int) -> tuple[int, Decimal]:
    report = MonthlyReport.objects.filter(enterprise=enterprise, period=date(year, 12, 1)).first()
    return (report.employees, report.operating_revenue) if report else (0, Decimal(0))
