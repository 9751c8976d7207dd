"""Numbers other apps may ask of the enterprises app. Accepted statistics only.

"Each enterprise's latest accepted report in a period" is what most of them need. On PostgreSQL it is one
LATERAL probe per enterprise into the partial index ``monthly_report_accepted_latest`` (enterprise, period and
the figures, accepted reports only): a backward index-only scan that stops at its first entry, so the cost
follows the number of enterprises, not of reports. Elsewhere (SQLite) the ORM form runs, a correlated subquery
per row; it is also the definition the PostgreSQL form is tested against (``tests/enterprises/test_metrics.py``).
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db import connection
from django.db.models import Case, Count, F, IntegerField, OuterRef, Q, Subquery, Value, When

from portal.models import Region
from portal.periods import month_start

from .choices import ArrivalOrigin, ReportStatus
from .models import Enterprise, MonthlyReport


@dataclass(frozen=True)
class Figures:
    employees: int
    operating_revenue: Decimal
    software_revenue: Decimal
    period: date


def set_based() -> bool:
    """Whether the LATERAL forms below run (PostgreSQL), rather than the ORM definitions."""
    return connection.vendor == "postgresql"


def latest_accepted_sql(columns: str, where: str, *, enterprise: str = "e.id") -> str:
    """A LATERAL subquery: the latest accepted report (alias ``m``) of the enterprise whose id is the outer
    column ``enterprise``, among those that satisfy ``where``; its ``columns``. The status is written out (not
    a parameter) so the planner matches the partial index."""
    return (
        f"SELECT {columns} FROM {MonthlyReport._meta.db_table} m "  # noqa: S608 (names and fixed SQL only)
        f"WHERE m.enterprise_id = {enterprise} AND m.status = '{ReportStatus.ACCEPTED}' AND {where} "
        "ORDER BY m.period DESC LIMIT 1"
    )


def any_accepted_sql(where: str) -> str:
    """An uncorrelated EXISTS: is there any accepted report (alias ``x``) that satisfies ``where``? As a
    LATERAL query's condition it runs once, before the join, so a period without accepted data (a programme's
    base year before the portal existed) costs one index probe instead of one per enterprise."""
    return (
        f"EXISTS (SELECT 1 FROM {MonthlyReport._meta.db_table} x "  # noqa: S608 (names and fixed SQL only)
        f"WHERE x.status = '{ReportStatus.ACCEPTED}' AND {where})"
    )


def latest_accepted(field: str, *, enterprise: str = "enterprise", as_of: date | None = None) -> Subquery:
    """The ORM form: ``field`` of the latest accepted report on or before ``as_of`` of the enterprise the
    outer query's ``enterprise`` names (a correlated subquery)."""
    accepted = MonthlyReport.objects.accepted().filter(enterprise=OuterRef(enterprise))
    if as_of is not None:
        accepted = accepted.filter(period__lte=as_of)
    return Subquery(accepted.order_by("-period").values(field)[:1])


def _fetch(sql: str, params: dict) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def latest_figures(enterprise_ids: Iterable[int], *, as_of: date | None = None) -> dict[int, Figures]:
    """Each enterprise's latest accepted report on or before ``as_of`` (default: any): one query."""
    ids = list(enterprise_ids)
    if not ids:
        return {}
    if set_based():
        rows = _fetch(
            "SELECT e.id, r.employees, r.operating_revenue, r.software_revenue, r.period "
            "FROM unnest(%(ids)s::bigint[]) AS e(id) CROSS JOIN LATERAL ("
            + latest_accepted_sql(
                "m.employees, m.operating_revenue, m.software_revenue, m.period",
                "m.period <= %(as_of)s" if as_of is not None else "TRUE",
            )
            + ") r",
            {"ids": sorted(set(ids)), "as_of": as_of},
        )
        return {row[0]: Figures(*row[1:]) for row in rows}
    accepted = MonthlyReport.objects.accepted()
    if as_of is not None:
        accepted = accepted.filter(period__lte=as_of)
    latest_period = (
        accepted.filter(enterprise=OuterRef("enterprise")).order_by("-period").values("period")[:1]
    )
    rows = accepted.filter(enterprise_id__in=ids, period=Subquery(latest_period)).values_list(
        "enterprise_id", "employees", "operating_revenue", "software_revenue", "period"
    )
    return {
        enterprise_id: Figures(employees, operating, software, period)
        for enterprise_id, employees, operating, software, period in rows
    }


# --- Evaluation indicators (SPEC §7), in the shape of buildings.metrics: {region code: Decimal} -------------
#
# ``by="region"`` groups by the enterprise's region, ``by="park"`` by its child unit (enterprises outside a
# park are left out); ``regions`` limits the answer to some codes. Periods are inclusive days.

LEVELS = {"region": "region__code", "park": "park__code"}


def _level(by: str) -> str:
    try:
        return LEVELS[by]
    except KeyError:
        raise ValueError(f"by must be one of {sorted(LEVELS)}, not {by!r}") from None


def _scoped(queryset, key: str, regions):
    queryset = queryset.filter(**{f"{key}__isnull": False})
    return queryset.filter(**{f"{key}__in": list(regions)}) if regions is not None else queryset


def _arrivals(start: date, end: date, *, by: str, regions, exclude_relocated: bool):
    key = _level(by)
    queryset = _scoped(
        Enterprise.objects.filter(arrival_date__gte=start, arrival_date__lte=end), key, regions
    )
    if exclude_relocated:
        queryset = queryset.exclude(arrival_origin=ArrivalOrigin.RELOCATED)
    return key, queryset


def new_enterprises(
    start: date, end: date, *, by: str = "region", regions=None, exclude_relocated: bool = True
) -> dict[str, Decimal]:
    """新增企业数: enterprises whose arrival date falls in the period. Relocations within Chongqing are left
    out by default (SPEC §3: otherwise regions score by poaching from each other)."""
    key, queryset = _arrivals(start, end, by=by, regions=regions, exclude_relocated=exclude_relocated)
    rows = queryset.order_by().values(key).annotate(n=Count("pk"))
    return {row[key]: Decimal(row["n"]) for row in rows}


def new_enterprises_records(
    start: date, end: date, *, code: str, by: str = "region", exclude_relocated: bool = True
) -> list[dict]:
    _, queryset = _arrivals(start, end, by=by, regions=[code], exclude_relocated=exclude_relocated)
    return [
        {
            "enterprise": e.pk,
            "label": e.name,
            "detail": f"{e.arrival_date:%Y-%m-%d} {e.get_arrival_origin_display()}",
            "value": Decimal(1),
        }
        for e in queryset.order_by("arrival_date", "name")
    ]


def _headcounts(start: date, end: date, *, by: str, regions):
    """Each reporting enterprise's headcount in its last accepted report of the period (``after``), in its
    last accepted report before it (``before``), and its contribution to 新增从业人员 (``added``)."""
    key = _level(by)
    first, last = month_start(start), month_start(end)
    accepted = MonthlyReport.objects.accepted().filter(enterprise=OuterRef("pk"))
    after = accepted.filter(period__gte=first, period__lte=last).order_by("-period").values("employees")[:1]
    before = accepted.filter(period__lt=first).order_by("-period").values("employees")[:1]
    arrived = Q(arrival_date__gte=start, arrival_date__lte=end)
    return key, (
        _scoped(Enterprise.objects.all(), key, regions)
        .annotate(after=Subquery(after), before=Subquery(before))
        .filter(after__isnull=False)
        .annotate(
            added=Case(
                When(arrived, then=F("after")),  # arrived in the period: counted from 0
                When(before__isnull=True, then=Value(0)),  # no earlier figure to grow from: not measurable
                default=F("after") - F("before"),
                output_field=IntegerField(),
            )
        )
    )


def new_employees(start: date, end: date, *, by: str = "region", regions=None) -> dict[str, Decimal]:
    """新增从业人员 (SPEC §7): Σ over the region's enterprises of the headcount in the last accepted report
    of the period minus that in the last accepted report before it (0 for an enterprise that arrived in the
    period). One query."""
    if set_based():
        return _new_employees_set_based(start, end, by=by, regions=regions)
    key, queryset = _headcounts(start, end, by=by, regions=regions)
    totals: dict[str, Decimal] = {}
    for code, added in queryset.order_by().values_list(key, "added"):
        totals[code] = totals.get(code, Decimal(0)) + added
    return totals


def _new_employees_set_based(start: date, end: date, *, by: str, regions) -> dict[str, Decimal]:
    """``new_employees`` with two LATERAL probes per enterprise (``_headcounts``' rule, case for case)."""
    _level(by)
    column = Enterprise._meta.get_field(by).column
    after = latest_accepted_sql("m.employees", "m.period BETWEEN %(first)s AND %(last)s")
    # Gated like the whole query below: before a programme's first year there is usually nothing to find.
    before = latest_accepted_sql(
        "m.employees", f"m.period < %(first)s AND {any_accepted_sql('x.period < %(first)s')}"
    )
    rows = _fetch(
        f"""SELECT g.code, SUM(CASE WHEN e.arrival_date BETWEEN %(start)s AND %(end)s THEN a.employees
                                    WHEN b.employees IS NULL THEN 0
                                    ELSE a.employees - b.employees END)
            FROM {Enterprise._meta.db_table} e
            JOIN {Region._meta.db_table} g ON g.id = e.{column}
            CROSS JOIN LATERAL ({after}) a
            LEFT JOIN LATERAL ({before}) b ON TRUE
            WHERE {any_accepted_sql("x.period BETWEEN %(first)s AND %(last)s")}
            {"AND g.code = ANY(%(codes)s)" if regions is not None else ""}
            GROUP BY g.code""",  # noqa: S608 (table names and fixed SQL; values are parameters)
        {
            "start": start,
            "end": end,
            "first": month_start(start),
            "last": month_start(end),
            "codes": list(regions) if regions is not None else None,
        },
    )
    return {code: Decimal(total) for code, total in rows}


def new_employees_records(start: date, end: date, *, code: str, by: str = "region") -> list[dict]:
    _, queryset = _headcounts(start, end, by=by, regions=[code])
    return [
        {
            "enterprise": e.pk,
            "label": e.name,
            "detail": f"{e.before if e.before is not None else '—'} → {e.after} 人",
            "value": Decimal(e.added),
        }
        for e in queryset.order_by("-added", "name")
    ]
