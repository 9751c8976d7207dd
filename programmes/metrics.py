"""The numbers targets are tracked against, and the numbers programmes offer other apps.

Live target metrics (``METRICS``) read the domain apps through their ``metrics`` modules where those exist
(``buildings.metrics``, ``enterprises.metrics``); where they lack a number (annual software revenue and
headcount, revenue-size and tier counts, DCMM honours, 示范楼宇 designations) it is read here from the apps'
models, read-only, accepted statistics only. Each metric answers ``{region code: Decimal}`` in its base unit
(万元, ㎡, 人, or a count) for a period ``start`` … ``end`` (inclusive; ``end`` is the as-of day), with one
grouped query whatever the number of regions or records; ``""`` is the key of city-level records (events
without a region). A ``cache`` dict shared by one computation lets metrics that come from the same query
(annual revenue, headcount, revenue-size counts) share it.

For evaluation (招商项目落地): ``landed_projects`` and ``landed_projects_records``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db.models import Count, OuterRef, Q, Subquery, Sum

from buildings import metrics as building_metrics
from buildings.models import Designation
from enterprises import metrics as enterprise_metrics
from enterprises.choices import HonourKind, TierLevel
from enterprises.models import Enterprise, Honour, MonthlyReport

from .choices import EventKind, ProjectStage
from .models import MANUAL, Event, InvestmentProject

ZERO = Decimal(0)
YI = Decimal(10000)  # 1 亿元 in 万元


def _two_places(value) -> Decimal:
    return Decimal(value if value is not None else 0).quantize(Decimal("0.01"))


def _counts(rows, key: str) -> dict[str, Decimal]:
    return {(row[key] or ""): Decimal(row["n"]) for row in rows}


# --- 重点招商项目库 and 活动 --------------------------------------------------------------------------------

PROJECT_LEVELS = {"region": "region__code", "park": "park__code"}


def _projects(start: date, end: date, *, by: str, regions, date_field: str, **filters):
    try:
        key = PROJECT_LEVELS[by]
    except KeyError:
        raise ValueError(f"by must be one of {sorted(PROJECT_LEVELS)}, not {by!r}") from None
    queryset = InvestmentProject.objects.filter(
        **{f"{date_field}__range": (start, end), f"{key}__isnull": False}, **filters
    )
    if regions is not None:
        queryset = queryset.filter(**{f"{key}__in": list(regions)})
    return key, queryset


def landed_projects(
    start: date, end: date, *, by: str = "region", regions: Iterable[str] | None = None
) -> dict[str, Decimal]:
    """招商项目落地: investment projects that landed from ``start`` to ``end``, per region (or 园城). One query."""
    key, queryset = _projects(
        start, end, by=by, regions=regions, date_field="landed_on", stage=ProjectStage.LANDED
    )
    return _counts(queryset.order_by().values(key).annotate(n=Count("pk")), key)


def landed_projects_records(start: date, end: date, *, code: str, by: str = "region") -> list[dict]:
    """The projects behind ``landed_projects`` for one region, for the scorecard's drill-down."""
    _, queryset = _projects(
        start, end, by=by, regions=[code], date_field="landed_on", stage=ProjectStage.LANDED
    )
    return [
        {
            "project": p.pk,
            "label": p.name,
            "detail": f"{p.landed_on:%Y-%m-%d} 落地 · {p.investor} · {p.amount} 万元",
            "value": Decimal(1),
        }
        for p in queryset.order_by("landed_on", "name")
    ]


def major_projects(start: date, end: date, *, regions=None, **_) -> dict[str, Decimal]:
    """重大项目: major investment projects signed (引进) in the period."""
    key, queryset = _projects(start, end, by="region", regions=regions, date_field="signed_on", major=True)
    return _counts(queryset.order_by().values(key).annotate(n=Count("pk")), key)


def _events(start: date, end: date, regions, **filters) -> dict[str, Decimal]:
    queryset = Event.objects.filter(held_on__range=(start, end), **filters)
    if regions is not None:
        queryset = queryset.filter(region__code__in=list(regions))
    return _counts(queryset.order_by().values("region__code").annotate(n=Count("pk")), "region__code")


def major_events(start: date, end: date, *, regions=None, **_) -> dict[str, Decimal]:
    """重大活动: major events held in the period, city-level ones under ``""``."""
    return _events(start, end, regions, major=True)


def job_fairs(start: date, end: date, *, regions=None, **_) -> dict[str, Decimal]:
    """校企“双选”活动 held in the period."""
    return _events(start, end, regions, kind=EventKind.JOB_FAIR)


# --- Annual figures from accepted monthly statistics -----------------------------------------------------

SIZE_THRESHOLDS = {"revenue_100m": YI, "revenue_1b": 10 * YI, "revenue_10b": 100 * YI}


def year_figures(year: int, as_of: date, *, cache: dict | None = None) -> dict[str, dict[str, Decimal]]:
    """Per region, from each enterprise's latest accepted report of ``year`` up to ``as_of``: 软件业务收入
    (cumulative from January, 万元), 从业人员, and the number of enterprises whose software revenue reaches
    1亿元, 10亿元 and 100亿元. One grouped query (memoised in ``cache``)."""
    cache_key = ("year_figures", year, as_of)
    if cache is not None and cache_key in cache:
        return cache[cache_key]
    first, last = date(year, 1, 1), min(as_of, date(year, 12, 31))
    answer: dict[str, dict[str, Decimal]] = {}
    if last >= first:
        accepted = MonthlyReport.objects.accepted().filter(period__gte=first, period__lte=last)
        latest = accepted.filter(enterprise=OuterRef("enterprise")).order_by("-period").values("period")[:1]
        rows = (
            accepted.filter(period=Subquery(latest))
            .order_by()
            .values("enterprise__region__code")
            .annotate(
                revenue_total=Sum("software_revenue"),
                employee_total=Sum("employees"),
                **{
                    name: Count("pk", filter=Q(software_revenue__gte=threshold))
                    for name, threshold in SIZE_THRESHOLDS.items()
                },
            )
        )
        for row in rows:
            answer[row["enterprise__region__code"]] = {
                "software_revenue": _two_places(row["revenue_total"]),
                "employees": Decimal(row["employee_total"] or 0),
                **{name: Decimal(row[name]) for name in SIZE_THRESHOLDS},
            }
    if cache is not None:
        cache[cache_key] = answer
    return answer


def _figure(name: str):
    def compute(start: date, end: date, *, cache=None, **_) -> dict[str, Decimal]:
        return {code: row[name] for code, row in year_figures(end.year, end, cache=cache).items()}

    return compute


def software_revenue_added(start: date, end: date, *, cache=None, **_) -> dict[str, Decimal]:
    """新增软件业务收入: the as-of year's revenue (to date) minus the full year before the programme began."""
    now = year_figures(end.year, end, cache=cache)
    base_year = start.year - 1
    before = year_figures(base_year, date(base_year, 12, 31), cache=cache)
    codes = set(now) | set(before)
    return {
        code: now.get(code, {}).get("software_revenue", ZERO)
        - before.get(code, {}).get("software_revenue", ZERO)
        for code in codes
    }


# --- Registry data of the enterprises and buildings apps --------------------------------------------------


def _tiers(*levels):
    def compute(start: date, end: date, **_) -> dict[str, Decimal]:
        rows = (
            Enterprise.objects.filter(tier__in=levels)
            .order_by()
            .values("region__code")
            .annotate(n=Count("pk"))
        )
        return _counts(rows, "region__code")

    return compute


def dcmm_enterprises(start: date, end: date, **_) -> dict[str, Decimal]:
    """Enterprises with a DCMM 贯标 honour of a year within the period."""
    rows = (
        Honour.objects.filter(kind=HonourKind.DCMM, year__gte=start.year, year__lte=end.year)
        .order_by()
        .values("enterprise__region__code")
        .annotate(n=Count("enterprise", distinct=True))
    )
    return _counts(rows, "enterprise__region__code")


def new_demonstration_buildings(start: date, end: date, **_) -> dict[str, Decimal]:
    """新授牌示范楼宇: designations dated in the period (revoked later or not: the designation happened)."""
    rows = (
        Designation.objects.filter(designated_on__range=(start, end))
        .order_by()
        .values("building__region__code")
        .annotate(n=Count("pk"))
    )
    return _counts(rows, "building__region__code")


def _from(function):
    """A domain app's ``(start, end, *, by, regions)`` metric in the target shape."""

    def compute(start: date, end: date, *, regions=None, **_) -> dict[str, Decimal]:
        return function(start, end, by="region", regions=regions)

    return compute


def used_area(start: date, end: date, *, regions=None, **_) -> dict[str, Decimal]:
    return building_metrics.used_area_at(end, by="region", regions=regions)


@dataclass(frozen=True)
class Metric:
    label: str
    base_unit: str
    compute: Callable  # (start, end, *, cache, regions=None) -> {code: Decimal}
    description: str


METRICS: dict[str, Metric] = {
    "used_area": Metric("使用存量楼宇面积", "㎡", used_area, "截至统计日在驻企业使用的楼宇面积"),
    "used_area_added": Metric(
        "新增使用面积", "㎡", _from(building_metrics.used_area_added), "统计日使用面积减去期初使用面积"
    ),
    "acquired_area_added": Metric(
        "新增收储面积", "㎡", _from(building_metrics.acquired_area_added), "期内收储变更面积之和"
    ),
    "new_enterprises": Metric(
        "新增企业数", "家", _from(enterprise_metrics.new_enterprises), "入驻日期在期内的企业（不含市内迁移）"
    ),
    "new_employees": Metric(
        "新增从业人员",
        "人",
        _from(enterprise_metrics.new_employees),
        "期内最后一期已验收月报人数减去期初人数",
    ),
    "employees": Metric(
        "从业人员", "人", _figure("employees"), "目标年度内各企业最近一期已验收月报的从业人员之和"
    ),
    "software_revenue": Metric(
        "软件业务收入",
        "万元",
        _figure("software_revenue"),
        "目标年度内各企业最近一期已验收月报的本年累计软件业务收入之和",
    ),
    "software_revenue_added": Metric(
        "新增软件业务收入", "万元", software_revenue_added, "统计年度软件业务收入减去文件实施前一年的全年收入"
    ),
    "revenue_100m": Metric(
        "软件业务收入1亿元以上企业", "家", _figure("revenue_100m"), "按统计年度累计软件业务收入"
    ),
    "revenue_1b": Metric(
        "软件业务收入10亿元以上企业", "家", _figure("revenue_1b"), "按统计年度累计软件业务收入"
    ),
    "revenue_10b": Metric(
        "软件业务收入100亿元以上企业", "家", _figure("revenue_10b"), "按统计年度累计软件业务收入"
    ),
    "tier_total": Metric(
        "“启明星”“北斗星”软件企业",
        "家",
        _tiers(TierLevel.SUPER, TierLevel.BEIDOU, TierLevel.QIMING),
        "当前梯度为超大型、北斗星或启明星的企业",
    ),
    "tier_super": Metric("超大型软件企业", "家", _tiers(TierLevel.SUPER), "当前梯度为超大型的企业"),
    "tier_beidou": Metric("“北斗星”软件企业", "家", _tiers(TierLevel.BEIDOU), "当前梯度为北斗星的企业"),
    "tier_qiming": Metric("“启明星”软件企业", "家", _tiers(TierLevel.QIMING), "当前梯度为启明星的企业"),
    "new_demonstration_buildings": Metric(
        "新授牌示范楼宇", "个", new_demonstration_buildings, "授牌日期在期内的示范楼宇"
    ),
    "major_projects": Metric("引进重大项目", "个", major_projects, "重点招商项目库中期内签约的重大项目"),
    "landed_projects": Metric(
        "落地招商项目",
        "个",
        lambda start, end, *, regions=None, **_: landed_projects(start, end, regions=regions),
        "重点招商项目库中期内落地的项目",
    ),
    "major_events": Metric("重大活动", "场", major_events, "期内举办的市、区两级重大活动"),
    "job_fairs": Metric("校企“双选”活动", "场", job_fairs, "期内举办的“双选”活动"),
    "dcmm": Metric("DCMM贯标企业", "家", dcmm_enterprises, "荣誉年度在期内的DCMM贯标企业"),
}


def metric_choices() -> list[tuple[str, str]]:
    return [(name, metric.label) for name, metric in METRICS.items()] + [(MANUAL, "人工填报进度")]


def compute(name: str, start: date, end: date, *, cache: dict) -> dict[str, Decimal]:
    """One metric for all regions over one period, computed once per ``cache``."""
    key = ("metric", name, start, end)
    if key not in cache:
        cache[key] = METRICS[name].compute(start, end, cache=cache, regions=None)
    return cache[key]
