"""The building numbers other apps may ask for (evaluation, programmes): per region and period.

Every function answers ``{region code: Decimal ㎡}`` for one level of regions:

- ``by="region"``: the top-level region (区县 or development zone) a building belongs to;
- ``by="park"``: its child unit (北碚区's 园城, ``Region.kind == "park"``); buildings outside a park are left out.

Regions without a building (or without a change in the period) are absent: read them as 0. ``regions``
limits the answer to some codes of that level. Each function is one grouped aggregate query, whatever the
number of buildings, on indexed columns (``AcquisitionChange.changed_on``, ``Occupancy.start_date/end_date``).

Periods are inclusive: ``start`` and ``end`` are the first and last day (e.g. 2024-01-01 – 2024-06-30).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta
from decimal import Decimal

from django.db.models import Q, Sum

from .models import AcquisitionChange, Occupancy

LEVELS = {"region": "building__region__code", "park": "building__park__code"}


def _group(queryset, by: str, regions: Iterable[str] | None):
    try:
        key = LEVELS[by]
    except KeyError:
        raise ValueError(f"by must be one of {sorted(LEVELS)}, not {by!r}") from None
    queryset = queryset.filter(**{f"{key}__isnull": False})
    if regions is not None:
        queryset = queryset.filter(**{f"{key}__in": list(regions)})
    return key, queryset.order_by().values(key)


def _two_places(value) -> Decimal:
    return Decimal(value if value is not None else 0).quantize(Decimal("0.01"))


def _answer(rows, key: str, field: str = "total") -> dict[str, Decimal]:
    return {row[key]: _two_places(row[field]) for row in rows}


def acquired_area_added(
    start: date, end: date, *, by: str = "region", regions: Iterable[str] | None = None
) -> dict[str, Decimal]:
    """新增收储面积: the net area acquired from ``start`` to ``end`` (reductions count negative)."""
    key, rows = _group(AcquisitionChange.objects.filter(changed_on__range=(start, end)), by, regions)
    return _answer(rows.annotate(total=Sum("area_added")), key)


def acquired_area_at(
    on: date, *, by: str = "region", regions: Iterable[str] | None = None
) -> dict[str, Decimal]:
    """收储面积 held on ``on``: the sum of every acquisition change up to that day."""
    key, rows = _group(AcquisitionChange.objects.filter(changed_on__lte=on), by, regions)
    return _answer(rows.annotate(total=Sum("area_added")), key)


def _running_on(on: date) -> Q:
    return Q(start_date__lte=on) & (Q(end_date__isnull=True) | Q(end_date__gte=on))


def used_area_at(on: date, *, by: str = "region", regions: Iterable[str] | None = None) -> dict[str, Decimal]:
    """使用面积 on ``on``: the area of the occupancies running that day."""
    key, rows = _group(Occupancy.objects.filter(_running_on(on)), by, regions)
    return _answer(rows.annotate(total=Sum("area")), key)


def used_area_added(
    start: date, end: date, *, by: str = "region", regions: Iterable[str] | None = None
) -> dict[str, Decimal]:
    """新增使用面积 (SPEC §7): used area at the period's last day minus used area on the day before it
    starts. Negative when more area was vacated than taken. One query with two filtered sums."""
    before = start - timedelta(days=1)
    touching = Occupancy.objects.filter(_running_on(end) | _running_on(before))
    key, rows = _group(touching, by, regions)
    rows = rows.annotate(
        at_end=Sum("area", filter=_running_on(end)), at_start=Sum("area", filter=_running_on(before))
    )
    return {row[key]: _two_places(row["at_end"]) - _two_places(row["at_start"]) for row in rows}


# --- The records behind a number, for the evaluation scorecard's drill-down ---------------------------------


def acquired_area_records(start: date, end: date, *, code: str, by: str = "region") -> list[dict]:
    """The dated acquisition changes that make ``acquired_area_added`` for one region."""
    changes = AcquisitionChange.objects.filter(changed_on__range=(start, end), **{LEVELS[by]: code})
    return [
        {
            "building": c.building_id,
            "label": c.building.name,
            "detail": f"{c.changed_on:%Y-%m-%d} {c.note}".strip(),
            "value": _two_places(c.area_added),
        }
        for c in changes.select_related("building").order_by("changed_on", "pk")
    ]


def used_area_records(start: date, end: date, *, code: str, by: str = "region") -> list[dict]:
    """The occupancies that began or ended in the period, with their signed effect on ``used_area_added``."""
    before = start - timedelta(days=1)
    rows = []
    touching = Occupancy.objects.filter(_running_on(end) | _running_on(before), **{LEVELS[by]: code})
    for occupancy in touching.select_related("building", "enterprise").order_by("start_date", "pk"):
        at_end, at_start = occupancy.is_active_on(end), occupancy.is_active_on(before)
        if at_end == at_start:
            continue  # running throughout: no change in the period
        rows.append(
            {
                "building": occupancy.building_id,
                "enterprise": occupancy.enterprise_id,
                "label": f"{occupancy.building.name} · {occupancy.enterprise.name}",
                "detail": f"{occupancy.start_date:%Y-%m-%d} 起"
                if at_end
                else f"{occupancy.end_date:%Y-%m-%d} 止",
                "value": _two_places(occupancy.area if at_end else -occupancy.area),
            }
        )
    return rows
