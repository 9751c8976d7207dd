"""The scenario numbers other apps may ask for (evaluation's scenario scheme, programmes): per region and
period. SPEC §7's scenario scheme uses 发布场景数 (``published_count``), 揭榜金额 (``awarded_amount``) and 落地场景数
(``delivered_count``); ``applied_count`` and ``awarded_count`` complete the picture.

Every function answers ``{region code: Decimal}`` (counts too, like the other apps' metrics) for the
top-level regions (区县 and development zones) the scenarios belong to; regions without one are absent (read
them as 0). ``by`` is the evaluation's level: ``"region"``, or ``"park"`` — scenarios belong to no 园城, so
that answer is always empty. ``regions`` limits the answer to some codes; ``level`` to city-level or
district-level scenarios (``None``: both). Periods are inclusive: ``start`` and ``end`` are the first and
last day. Each function is one grouped aggregate query, whatever the number of regions or scenarios, on
indexed date columns. The ``*_records`` functions list the scenarios behind one region's number (the
scorecard's drill-down), each ``{"scenario", "label", "detail", "value"}``.

A scenario withdrawn (终止) counts in none of them: a region must not score by publishing and withdrawing.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from decimal import Decimal

from django.db.models import Count, Q, Sum

from .choices import ApplicationStatus, ScenarioStatus
from .models import Scenario, ScenarioApplication

LEVELS = ("region", "park")
ONE = Decimal(1)


def _two_places(value) -> Decimal:
    return Decimal(value if value is not None else 0).quantize(Decimal("0.01"))


def _check(by: str) -> None:
    if by not in LEVELS:
        raise ValueError(f"by must be one of {list(LEVELS)}, not {by!r}")


def _scenarios(date_field: str, start: date, end: date, *, by: str, regions, level, prefix: str = ""):
    """Scenarios (or, with ``prefix="scenario__"``, applications) dated in the period, not withdrawn."""
    _check(by)
    model = ScenarioApplication if prefix else Scenario
    queryset = model.objects.filter(**{f"{date_field}__range": (start, end)}).exclude(
        **{f"{prefix}status": ScenarioStatus.WITHDRAWN}
    )
    if by == "park":
        queryset = queryset.none()  # scenarios belong to a region, never to a park
    if regions is not None:
        queryset = queryset.filter(**{f"{prefix}region__code__in": list(regions)})
    if level is not None:
        queryset = queryset.filter(**{f"{prefix}level": level})
    return f"{prefix}region__code", queryset


def _counts(key, queryset) -> dict[str, Decimal]:
    return {row[key]: Decimal(row["n"]) for row in queryset.order_by().values(key).annotate(n=Count("pk"))}


def published_count(
    start: date,
    end: date,
    *,
    by: str = "region",
    regions: Iterable[str] | None = None,
    level: str | None = None,
) -> dict[str, Decimal]:
    """发布场景数: scenarios published (put in a 清单) from ``start`` to ``end``."""
    return _counts(*_scenarios("published_on", start, end, by=by, regions=regions, level=level))


def applied_count(
    start: date,
    end: date,
    *,
    by: str = "region",
    regions: Iterable[str] | None = None,
    level: str | None = None,
) -> dict[str, Decimal]:
    """揭榜数: applications received from ``start`` to ``end`` for the region's scenarios."""
    key, queryset = _scenarios(
        "applied_on", start, end, by=by, regions=regions, level=level, prefix="scenario__"
    )
    return _counts(key, queryset)


def awarded_count(
    start: date,
    end: date,
    *,
    by: str = "region",
    regions: Iterable[str] | None = None,
    level: str | None = None,
) -> dict[str, Decimal]:
    """定榜场景数: scenarios whose winners were chosen from ``start`` to ``end``."""
    return _counts(*_scenarios("awarded_on", start, end, by=by, regions=regions, level=level))


def awarded_amount(
    start: date,
    end: date,
    *,
    by: str = "region",
    regions: Iterable[str] | None = None,
    level: str | None = None,
) -> dict[str, Decimal]:
    """揭榜金额 (万元): the winners' amounts of the scenarios awarded from ``start`` to ``end``."""
    key, queryset = _scenarios("awarded_on", start, end, by=by, regions=regions, level=level)
    rows = (
        queryset.order_by()
        .values(key)
        .annotate(total=Sum("applications__amount", filter=Q(applications__status=ApplicationStatus.WON)))
    )
    return {row[key]: _two_places(row["total"]) for row in rows}


def delivered_count(
    start: date,
    end: date,
    *,
    by: str = "region",
    regions: Iterable[str] | None = None,
    level: str | None = None,
) -> dict[str, Decimal]:
    """落地场景数: scenarios delivered from ``start`` to ``end``."""
    return _counts(*_scenarios("delivered_on", start, end, by=by, regions=regions, level=level))


# --- The records behind a number, for the evaluation scorecard's drill-down ---------------------------------


def _rows(queryset, date_field: str, verb: str, value) -> list[dict]:
    return [
        {
            "scenario": s.pk,
            "label": s.title,
            "detail": f"{getattr(s, date_field):%Y-%m-%d} {verb} · {s.get_level_display()} · {s.get_status_display()}",
            "value": value(s),
        }
        for s in queryset.order_by(date_field, "pk")
    ]


def published_records(
    start: date, end: date, *, code: str, by: str = "region", level: str | None = None
) -> list[dict]:
    _, queryset = _scenarios("published_on", start, end, by=by, regions=[code], level=level)
    return _rows(queryset, "published_on", "发布", lambda s: ONE)


def applied_records(
    start: date, end: date, *, code: str, by: str = "region", level: str | None = None
) -> list[dict]:
    _, queryset = _scenarios(
        "applied_on", start, end, by=by, regions=[code], level=level, prefix="scenario__"
    )
    return [
        {
            "scenario": a.scenario_id,
            "enterprise": a.enterprise_id,
            "label": f"{a.scenario.title} · {a.enterprise.name}",
            "detail": f"{a.applied_on:%Y-%m-%d} 揭榜 · {a.get_status_display()}",
            "value": ONE,
        }
        for a in queryset.select_related("scenario", "enterprise").order_by("applied_on", "pk")
    ]


def awarded_records(
    start: date, end: date, *, code: str, by: str = "region", level: str | None = None
) -> list[dict]:
    _, queryset = _scenarios("awarded_on", start, end, by=by, regions=[code], level=level)
    queryset = queryset.annotate(
        won=Sum("applications__amount", filter=Q(applications__status=ApplicationStatus.WON))
    )
    return _rows(queryset, "awarded_on", "定榜", lambda s: _two_places(s.won))


def delivered_records(
    start: date, end: date, *, code: str, by: str = "region", level: str | None = None
) -> list[dict]:
    _, queryset = _scenarios("delivered_on", start, end, by=by, regions=[code], level=level)
    return _rows(queryset, "delivered_on", "落地", lambda s: ONE)
