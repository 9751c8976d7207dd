"""Reads of the programmes app: target progress, and the figures of the city and district dashboards.

**Progress of a target** (SPEC §8). Its period runs from its programme's start to the end of its year; the
as-of day is today, or the period's end once it has passed. ``actual`` is the live metric over the period up
to the as-of day (in the target's unit), or the latest manual entry dated on or before it. Then:

- ``share_reached`` = actual ÷ target (percent);
- ``share_elapsed`` = days of the period elapsed up to the as-of day ÷ days in the period (percent, 0 before
  the period starts, 100 at its end);
- status: **met** when the actual satisfies the comparison (≥ or >); otherwise **on track** while the period
  runs and share reached ≥ share elapsed; otherwise **behind** (also every unmet target whose period ended).

Computing any number of targets costs one query for the manual entries plus one grouped query per distinct
(metric, period) — never one per target or region; with a sharing ``metrics.MetricCache`` the values already
in the cache come in one round trip and cost no query.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, FilteredRelation, Q, Sum
from django.utils import timezone

from enterprises.choices import ReportStatus
from enterprises.models import Enterprise, MonthlyReport
from enterprises.selectors import deadline
from portal.models import Region
from portal.periods import add_months, format_period, month_start

from . import metrics
from .choices import UNIT_FACTOR, Comparison, TargetStatus
from .models import ProgressEntry, Target

HUNDRED = Decimal(100)
TWO = Decimal("0.01")


def _percent(value: Decimal) -> Decimal:
    return (value * HUNDRED).quantize(TWO, rounding=ROUND_HALF_UP)


def share_elapsed(start: date, end: date, on: date) -> Decimal:
    """The share of ``start`` … ``end`` (inclusive days) elapsed on ``on``, 0 … 1."""
    if on < start:
        return Decimal(0)
    if on >= end:
        return Decimal(1)
    return Decimal((on - start).days + 1) / Decimal((end - start).days + 1)


def target_status(*, actual: Decimal, target: Decimal, comparison: str, elapsed: Decimal, ended: bool) -> str:
    """The on-track rule (module docstring): met, on track or behind."""
    met = actual > target if comparison == Comparison.GT else actual >= target
    if met:
        return TargetStatus.MET
    reached = actual / target if target else Decimal(1)
    if not ended and reached >= elapsed:
        return TargetStatus.ON_TRACK
    return TargetStatus.BEHIND


@dataclass
class Progress:
    target: Target
    actual: Decimal | None  # None: a manual target without an entry yet
    share_reached: Decimal  # percent
    share_elapsed: Decimal  # percent
    status: str
    as_of: date
    entry: ProgressEntry | None = None

    @property
    def status_label(self) -> str:
        return TargetStatus(self.status).label

    @property
    def bar(self) -> Decimal:
        """share_reached capped at 100, for progress bars."""
        return min(self.share_reached, HUNDRED)


def _to_unit(value: Decimal, unit: str) -> Decimal:
    return (Decimal(value) / UNIT_FACTOR.get(unit, Decimal(1))).quantize(TWO, rounding=ROUND_HALF_UP)


def progress(
    targets: Iterable[Target], *, today: date | None = None, cache: dict | None = None
) -> list[Progress]:
    """The progress of each target (module docstring). ``targets`` must carry ``programme`` and ``region``
    (select_related) so no query is made per target."""
    today = today or timezone.localdate()
    cache = {} if cache is None else cache
    targets = list(targets)
    manual_ids = [t.pk for t in targets if t.is_manual]
    entries: dict[int, list[ProgressEntry]] = {}
    if manual_ids:
        for entry in ProgressEntry.objects.filter(target__in=manual_ids).order_by("reported_on", "pk"):
            entries.setdefault(entry.target_id, []).append(entry)
    metrics.prefetch(
        cache,
        [
            (t.metric, t.period_start, min(today, t.period_end))
            for t in targets
            if not t.is_manual and t.metric in metrics.METRICS and min(today, t.period_end) >= t.period_start
        ],
    )
    answer = []
    for target in targets:
        start, end = target.period_start, target.period_end
        as_of = min(today, end)
        entry = None
        if target.is_manual:
            dated = [e for e in entries.get(target.pk, []) if e.reported_on <= as_of]
            entry = dated[-1] if dated else None
            actual = entry.value if entry else None
        elif target.metric in metrics.METRICS and as_of >= start:
            values = metrics.compute(target.metric, start, as_of, cache=cache)
            raw = (
                values.get(target.region.code, Decimal(0))
                if target.region_id
                else sum(values.values(), Decimal(0))
            )
            actual = _to_unit(raw, target.unit)
        else:
            actual = Decimal(0)
        value = actual if actual is not None else Decimal(0)
        elapsed = share_elapsed(start, end, today)
        reached = value / target.target_value if target.target_value else Decimal(1)
        answer.append(
            Progress(
                target=target,
                actual=actual,
                share_reached=_percent(reached),
                share_elapsed=_percent(elapsed),
                status=target_status(
                    actual=value,
                    target=target.target_value,
                    comparison=target.comparison,
                    elapsed=elapsed,
                    ended=today > end,
                ),
                as_of=as_of,
                entry=entry,
            )
        )
    return answer


def progress_of(target: Target, *, today: date | None = None, cache: dict | None = None) -> Progress:
    return progress([target], today=today, cache=cache)[0]


def status_counts(rows: list[Progress]) -> dict[str, int]:
    counts = dict.fromkeys(TargetStatus.values, 0)
    for row in rows:
        counts[row.status] += 1
    return counts


# --- Dashboards -------------------------------------------------------------------------------------------


def headline_targets(queryset, *, today: date) -> list[Target]:
    """The targets the dashboard headlines: those of the current year and later (still running); when none
    runs any more, those of the latest year."""
    current = [t for t in queryset if t.year >= today.year]
    if current:
        return current
    years = sorted({t.year for t in queryset})
    return [t for t in queryset if t.year == years[-1]] if years else []


def monthly_trend(*, today: date, months: int = 13, regions=None, cache: dict | None = None) -> list[dict]:
    """Per month of the last ``months`` ended months: 软件业务收入 (本年累计, 亿元) and 从业人员 (万人) of the
    accepted reports. One grouped query, shared like a metric when ``cache`` shares."""
    last = add_months(month_start(today), -1)
    first = add_months(last, -(months - 1))
    codes = sorted(regions) if regions is not None else None

    def sums() -> dict:
        reports = MonthlyReport.objects.accepted().filter(period__gte=first, period__lte=last)
        if codes is not None:
            reports = reports.filter(enterprise__region__code__in=codes)
        return {
            row["period"]: row
            for row in reports.order_by()
            .values("period")
            .annotate(revenue=Sum("software_revenue"), people=Sum("employees"))
        }

    key = ("trend", first, last, ",".join(codes) if codes is not None else "*")
    rows = metrics.shared(cache if cache is not None else {}, key, sums)
    trend = []
    period = first
    while period <= last:
        row = rows.get(period, {})
        trend.append(
            {
                "period": format_period(period),
                "software_revenue": float(_to_unit(row.get("revenue") or 0, "亿元")),
                "employees": float(_to_unit(row.get("people") or 0, "万人")),
            }
        )
        period = add_months(period, 1)
    return trend


COUNT_UNITS = ("人", "家", "个")
REGION_COLUMNS = (
    ("software_revenue", "软件业务收入（亿元，本年累计）", "亿元"),
    ("employees", "从业人员（人）", "人"),
    ("new_enterprises", "本年新增企业（家）", "家"),
    ("new_employees", "本年新增从业人员（人）", "人"),
    ("used_area_added", "本年新增使用面积（㎡）", "㎡"),
    ("landed_projects", "本年落地项目（个）", "个"),
)


def region_table(*, today: date, regions: list[Region], cache: dict | None = None) -> list[dict]:
    """The regions side by side: this year's figures per region, each ranked among ``regions``. One grouped
    query per column."""
    cache = {} if cache is None else cache
    start = date(today.year, 1, 1)
    metrics.prefetch(cache, [(name, start, today) for name, _, _ in REGION_COLUMNS])
    columns = {name: metrics.compute(name, start, today, cache=cache) for name, _, _ in REGION_COLUMNS}
    rows = []
    for region in regions:
        row = {"region": region, "values": {}}
        for name, _, unit in REGION_COLUMNS:
            value = _to_unit(columns[name].get(region.code, Decimal(0)), unit)
            row["values"][name] = value.quantize(Decimal(1)) if unit in COUNT_UNITS else value
        rows.append(row)
    for name, _, _ in REGION_COLUMNS:
        ordered = sorted((row["values"][name] for row in rows), reverse=True)
        for row in rows:
            row.setdefault("ranks", {})[name] = ordered.index(row["values"][name]) + 1
    for row in rows:
        row["cells"] = [(row["values"][name], row["ranks"][name]) for name, _, _ in REGION_COLUMNS]
    return sorted(rows, key=lambda r: (-r["values"]["software_revenue"], r["region"].sort_order))


def overdue_work_items(queryset, *, today: date, limit: int = 8):
    return list(
        queryset.overdue(today).select_related("programme", "region").order_by("-due_date", "pk")[:limit]
    )


def work_item_summary(queryset, *, today: date) -> dict:
    """Counts by status and overdue, one query."""
    return queryset.aggregate(
        total=Count("pk"),
        done=Count("pk", filter=Q(status="done")),
        overdue=Count("pk", filter=Q(due_date__lt=today) & ~Q(status="done")),
    )


def last_month_completeness(*, today: date, regions, cache: dict | None = None) -> dict:
    """Reporting completeness of the last ended month over ``regions``, the totals of
    ``enterprises.selectors.completeness`` (its rules: expected filers, filed, accepted, late). One query: each
    expected enterprise joined to its report of that month only (at most one), not to all its reports. Shared
    like a metric when ``cache`` shares (the filings' version)."""
    period = add_months(month_start(today), -1)
    regions = list(regions)
    due = deadline(period)

    def totals() -> dict:
        filed = [ReportStatus.SUBMITTED, ReportStatus.APPROVED, ReportStatus.ACCEPTED]
        return (
            Enterprise.objects.filter(region__in=regions, reporting=True)
            .filter(Q(arrival_date__isnull=True) | Q(arrival_date__lt=add_months(period, 1)))
            .annotate(report=FilteredRelation("reports", condition=Q(reports__period=period)))
            .aggregate(
                expected=Count("pk"),
                filed=Count("report", filter=Q(report__status__in=filed)),
                accepted=Count("report", filter=Q(report__status=ReportStatus.ACCEPTED)),
                late=Count("report", filter=Q(report__status__in=filed, report__submitted_at__date__gt=due)),
            )
        )

    key = ("completeness", period, due, ",".join(sorted(str(region.pk) for region in regions)))
    counts = metrics.shared(cache if cache is not None else {}, key, totals, data=metrics.FILINGS)
    return {
        "period": format_period(period),
        **counts,
        "rate": round(counts["filed"] * 100 / counts["expected"], 1) if counts["expected"] else 0.0,
    }
