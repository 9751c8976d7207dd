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

**Shared values.** The dashboards and the public progress page compute the same (metric, period) values for
every visitor, a few hundred milliseconds each at city scale. With a ``MetricCache(shared=True)`` ``compute``
keeps them in Django's cache under a data version that ``programmes.receivers`` bumps after every committed
change of what the metrics read (``accepted_data_changed``; saves and deletes of enterprises, accepted reports,
honours, buildings, acquisitions, occupancies, designations, projects and events). The completeness card has a
version of its own, bumped by any report's save, so filing drafts does not throw the metrics away. Writes that
bypass the ORM (COPY, SQL, a database restore; bulk Excel imports of reports for the card) are not seen:
shared values expire after ``SHARED_TIMEOUT`` anyway.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.core.cache import cache as store
from django.db import connection
from django.db.models import Count, F, OuterRef, Q, Subquery, Sum

from buildings import metrics as building_metrics
from buildings.models import Designation
from enterprises import metrics as enterprise_metrics
from enterprises.choices import HonourKind, TierLevel
from enterprises.models import Enterprise, Honour, MonthlyReport
from portal.cache import VersionedCache
from portal.models import Region

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
        rows = (
            _year_rows_set_based(first, last) if enterprise_metrics.set_based() else _year_rows(first, last)
        )
        for row in rows:
            answer[row["code"]] = {
                "software_revenue": _two_places(row["revenue_total"]),
                "employees": Decimal(row["employee_total"] or 0),
                **{name: Decimal(row[name]) for name in SIZE_THRESHOLDS},
            }
    if cache is not None:
        cache[cache_key] = answer
    return answer


def _year_rows(first: date, last: date) -> list[dict]:
    """``year_figures``' sums per region, by definition: the accepted reports of ``first`` … ``last`` whose
    period is their enterprise's latest accepted one in it (a correlated subquery per report)."""
    accepted = MonthlyReport.objects.accepted().filter(period__gte=first, period__lte=last)
    latest = accepted.filter(enterprise=OuterRef("enterprise")).order_by("-period").values("period")[:1]
    return list(
        accepted.filter(period=Subquery(latest))
        .order_by()
        .values(code=F("enterprise__region__code"))
        .annotate(
            revenue_total=Sum("software_revenue"),
            employee_total=Sum("employees"),
            **{
                name: Count("pk", filter=Q(software_revenue__gte=threshold))
                for name, threshold in SIZE_THRESHOLDS.items()
            },
        )
    )


def _year_rows_set_based(first: date, last: date) -> list[dict]:
    """``_year_rows`` on PostgreSQL: one LATERAL index probe per enterprise (``enterprises.metrics``)."""
    latest = enterprise_metrics.latest_accepted_sql(
        "m.software_revenue, m.employees", "m.period BETWEEN %(first)s AND %(last)s"
    )
    counts = "".join(
        f", COUNT(*) FILTER (WHERE r.software_revenue >= %({name})s)" for name in SIZE_THRESHOLDS
    )
    with connection.cursor() as cursor:
        cursor.execute(
            f"""SELECT g.code, SUM(r.software_revenue), SUM(r.employees){counts}
                FROM {Enterprise._meta.db_table} e
                JOIN {Region._meta.db_table} g ON g.id = e.region_id
                CROSS JOIN LATERAL ({latest}) r
                WHERE {enterprise_metrics.any_accepted_sql("x.period BETWEEN %(first)s AND %(last)s")}
                GROUP BY g.code""",  # noqa: S608 (table names and fixed SQL; values are parameters)
            {"first": first, "last": last, **SIZE_THRESHOLDS},
        )
        columns = ["code", "revenue_total", "employee_total", *SIZE_THRESHOLDS]
        return [dict(zip(columns, row, strict=True)) for row in cursor.fetchall()]


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
    """One metric for all regions over one period, computed once per ``cache`` (and, for a shared
    ``MetricCache``, once per data version)."""
    key = ("metric", name, start, end)
    if key not in cache:
        cache[key] = shared(cache, key, lambda: METRICS[name].compute(start, end, cache=cache, regions=None))
    return cache[key]


# --- Values shared across requests (module docstring) ------------------------------------------------------

ACCEPTED_DATA = (
    "accepted"  # what METRICS and the trend read: accepted reports, the registry, buildings, ledgers
)
FILINGS = "filings"  # every report's state, for the completeness card
# Seconds a shared value lives: bounds how long a write that bypasses the ORM goes unseen (COPY, SQL, a
# restore; for filings also an Excel import of reports, which writes in bulk).
SHARED_TIMEOUT = {ACCEPTED_DATA: 10 * 60, FILINGS: 60}


class MetricCache(dict):
    """The memo of one computation (``compute``, ``year_figures``). ``shared=True``: values are also read
    from and written to Django's cache under the current data versions."""

    def __init__(self, *, shared: bool = False):
        super().__init__()
        self.shared = shared
        self.versions: dict[str, int | None] = {}

    def version(self, data: str) -> int | None:
        if not self.shared:
            return None
        if data not in self.versions:
            self.versions[data] = data_version(data)
        return self.versions[data]


# The version numbers of the two kinds of data (``portal.cache.VersionedCache``); the values themselves are
# stored under keys that hold the version (``_store_key``), several read at once by ``prefetch``.
VERSIONS = {data: VersionedCache(f"programmes:{data}", SHARED_TIMEOUT[data]) for data in SHARED_TIMEOUT}


def data_version(data: str) -> int | None:
    """The current version of ``data``; None when the cache is unavailable (then nothing is shared)."""
    return VERSIONS[data].version()


def bump_version(data: str) -> None:
    VERSIONS[data].bump()


def bump_version_on_commit(data: str) -> None:
    """Bump once the current transaction commits (at once outside one): before that other requests cannot
    see the change, so what they store under the old version is still right. However many rows the
    transaction wrote, each version is bumped once."""
    VERSIONS[data].bump_on_commit()


def _store_key(data: str, version: int, key: tuple) -> str:
    return f"programmes:{data}:{version}:" + ":".join(str(part) for part in key)


def shared(memo: dict, key: tuple, compute_value: Callable[[], object], *, data: str = ACCEPTED_DATA):
    """``compute_value()``, or its value stored under the version of ``data`` when ``memo`` shares."""
    version = memo.version(data) if isinstance(memo, MetricCache) else None
    if version is None:
        return compute_value()
    store_key = _store_key(data, version, key)
    value = store.get(store_key)
    if value is None:
        value = compute_value()
        store.set(store_key, value, SHARED_TIMEOUT[data])
    return value


def prefetch(memo: dict, wanted: Iterable[tuple[str, date, date]]) -> None:
    """Put into a sharing ``memo`` the stored values of the (metric, start, end) ``wanted``: one round trip
    to the cache for what ``compute`` would otherwise fetch one by one."""
    version = memo.version(ACCEPTED_DATA) if isinstance(memo, MetricCache) else None
    if version is None:
        return
    keys = {("metric", name, start, end) for name, start, end in wanted} - memo.keys()
    by_store_key = {_store_key(ACCEPTED_DATA, version, key): key for key in keys}
    for store_key, value in store.get_many(list(by_store_key)).items():
        memo[by_store_key[store_key]] = value
