"""Reads of the building ledger that are more than a filter: totals, main industries, the region chart,
the ranking of candidates for 示范楼宇, and the cache of the public list.

The public list is cached under a version number that every write in ``services`` bumps, so a change to
a building, an occupancy or a designation shows at once and nothing stale is ever served.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from datetime import date
from decimal import Decimal

from django.db import connection
from django.db.models import Count, Sum
from django.utils import timezone

from enterprises.choices import Industry
from portal.cache import VersionedCache

from .models import ZERO, Building, Occupancy, occupancy_rate

PUBLIC = VersionedCache("buildings:public", timeout=60 * 60)  # an hour; every write bumps the version anyway
MAIN_INDUSTRIES = 3


# --- the public cache --------------------------------------------------------------------------------


def invalidate_public() -> None:
    """Forget the cached public list (``portal.cache.VersionedCache``: now, and again on commit)."""
    PUBLIC.invalidate()


def cached_public(name: str, params: dict, compute: Callable[[], object]):
    """``compute()``'s result cached under the current public version, the view's name and its
    parameters. Results must be plain data (dicts, lists, strings, numbers, dates)."""
    digest = hashlib.sha1(json.dumps(params, sort_keys=True, default=str).encode()).hexdigest()  # noqa: S324
    return PUBLIC.get_or_compute(f"{name}:{digest}", compute)


# --- figures -----------------------------------------------------------------------------------------


def ledger_totals(buildings, on: date | None = None) -> dict:
    """The totals row of a (filtered) ledger: gross, acquired, letting and used area, occupancy rate.
    Two aggregate queries whatever the number of buildings."""
    on = on or timezone.localdate()
    plain = buildings.order_by().values("pk")
    sums = Building.objects.filter(pk__in=plain).aggregate(
        count=Count("pk"), gross=Sum("gross_area"), acquired=Sum("acquired_area"), letting=Sum("letting_area")
    )
    used = Occupancy.objects.active_on(on).filter(building__in=plain).aggregate(total=Sum("area"))["total"]
    totals = {key: (value if value is not None else ZERO) for key, value in sums.items()}
    totals["count"] = sums["count"]
    totals["used"] = used or ZERO
    totals["rate"] = occupancy_rate(totals["used"], totals["letting"])
    return totals


def main_industries(building_ids: Iterable[int], on: date | None = None) -> dict[int, list[dict]]:
    """The most common industries of each building's current occupants (at most three, most enterprises
    first, then in the order of the industry list). One query for any number of buildings."""
    on = on or timezone.localdate()
    rows = (
        Occupancy.objects.active_on(on)
        .filter(building_id__in=list(building_ids))
        .order_by()
        .values("building_id", "enterprise__industry")
        .annotate(n=Count("enterprise", distinct=True))
    )
    order = {value: index for index, value in enumerate(Industry.values)}
    labels = dict(Industry.choices)
    counts: dict[int, Counter] = defaultdict(Counter)
    for row in rows:
        counts[row["building_id"]][row["enterprise__industry"]] += row["n"]
    result = {}
    for building_id, counter in counts.items():
        ranked = sorted(counter.items(), key=lambda item: (-item[1], order.get(item[0], 99)))
        result[building_id] = [
            {"code": code, "label": labels.get(code, code), "enterprises": n}
            for code, n in ranked[:MAIN_INDUSTRIES]
        ]
    return result


def region_chart(buildings, on: date | None = None) -> list[dict]:
    """Buildings and used area per region of a (filtered) set of buildings, in the regions' order: the
    data of the public chart. Two grouped queries."""
    on = on or timezone.localdate()
    plain = buildings.order_by().values("pk")
    counts = (
        Building.objects.filter(pk__in=plain)
        .order_by()
        .values("region__code", "region__name", "region__sort_order")
        .annotate(buildings=Count("pk"), letting=Sum("letting_area"))
    )
    used = dict(
        Occupancy.objects.active_on(on)
        .filter(building__in=plain)
        .order_by()
        .values("building__region__code")
        .annotate(total=Sum("area"))
        .values_list("building__region__code", "total")
    )
    rows = sorted(counts, key=lambda row: (row["region__sort_order"], row["region__code"]))
    return [
        {
            "code": row["region__code"],
            "name": row["region__name"],
            "buildings": row["buildings"],
            "letting_area": row["letting"] or ZERO,
            "used_area": used.get(row["region__code"]) or ZERO,
        }
        for row in rows
    ]


def to_ten_thousand(area: Decimal) -> float:
    """㎡ → 万㎡ with two places, for charts."""
    return float((Decimal(area) / 10000).quantize(Decimal("0.01")))


# --- 示范楼宇 selection ------------------------------------------------------------------------------

SELECTION_ORDERS = {
    "rate": (
        "入驻率",
        lambda row: (row["rate"] or Decimal(0), row["enterprise_count"], row["operating_revenue"]),
    ),
    "enterprises": ("在驻企业数", lambda row: (row["enterprise_count"], row["rate"] or Decimal(0))),
    "employees": ("从业人员", lambda row: (row["employees"], row["rate"] or Decimal(0))),
    "revenue": ("营业收入", lambda row: (row["operating_revenue"], row["rate"] or Decimal(0))),
    "software_revenue": ("软件业务收入", lambda row: (row["software_revenue"], row["rate"] or Decimal(0))),
}


def selection_ranking(buildings, *, order: str = "rate", on: date | None = None) -> list[dict]:
    """Candidate 示范楼宇 ranked by the performance figures of SPEC §5: occupancy rate, enterprises in the
    building, and their employees and revenue from each one's latest accepted monthly report (本年累计,
    as filed). ``buildings`` must carry ``with_figures()``. Rows carry ``building_id``; ``attach_buildings``
    puts the buildings themselves on the rows of the page shown. Two queries for any number of buildings,
    and only plain values for the candidates not shown."""
    on = on or timezone.localdate()
    candidates = list(buildings.values_list("pk", "letting_area", "used_area", "enterprise_count"))
    figures = _occupant_figures(buildings, on)
    rows = []
    for pk, letting_area, used_area, enterprise_count in candidates:
        rows.append(
            {
                "building_id": pk,
                "rate": occupancy_rate(used_area, letting_area),
                "enterprise_count": enterprise_count,
                **figures.get(pk, NO_FIGURES),
            }
        )
    _, key = SELECTION_ORDERS.get(order, SELECTION_ORDERS["rate"])
    rows.sort(key=key, reverse=True)
    for rank, row in enumerate(rows, start=1):
        row["rank"] = rank
    return rows


def attach_buildings(rows: list[dict], buildings) -> None:
    """Put each row's building (from ``buildings``, with its figures and designation) on ``rows``: one
    query."""
    found = buildings.in_bulk([row["building_id"] for row in rows]) if rows else {}
    for row in rows:
        row["building"] = found[row["building_id"]]


NO_FIGURES = {
    "reporting": 0,
    "employees": 0,
    "operating_revenue": ZERO,
    "software_revenue": ZERO,
    "latest_period": None,
}


def _occupant_figures(buildings, on: date) -> dict[int, dict]:
    """Per building of ``buildings``: how many of its current occupants have an accepted report on or before
    ``on``, the sums of their latest ones' employees and revenues, and the latest period among them. One
    query; on PostgreSQL grouped in the database (one index probe per occupant, ``enterprises.metrics``)."""
    from enterprises.metrics import latest_accepted, latest_accepted_sql, set_based

    occupants = (
        Occupancy.objects.active_on(on)
        .filter(building__in=buildings.order_by().values("pk"))
        .order_by()
        .values("building_id", "enterprise_id")
        .distinct()
    )
    if set_based():
        sql, params = occupants.query.sql_with_params()
        latest = latest_accepted_sql(
            "m.employees, m.operating_revenue, m.software_revenue, m.period",
            "m.period <= %s",
            enterprise="o.enterprise_id",
        )
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT o.building_id, COUNT(*), SUM(r.employees), SUM(r.operating_revenue), "  # noqa: S608
                "SUM(r.software_revenue), MAX(r.period) "  # (the ORM's SQL and fixed text; values are parameters)
                f"FROM ({sql}) o CROSS JOIN LATERAL ({latest}) r GROUP BY o.building_id",
                [*params, on],
            )
            return {
                building_id: dict(zip(NO_FIGURES, values, strict=True))
                for building_id, *values in cursor.fetchall()
            }
    # By definition: each occupant's latest accepted report through correlated subqueries, summed here.
    fields = ("employees", "operating_revenue", "software_revenue", "period")
    rows = occupants.annotate(
        **{f"latest_{name}": latest_accepted(name, enterprise="enterprise_id", as_of=on) for name in fields}
    )
    answer: dict[int, dict] = {}
    for row in rows:
        if row["latest_period"] is None:
            continue
        figures = answer.setdefault(row["building_id"], dict(NO_FIGURES))
        figures["reporting"] += 1
        figures["employees"] += row["latest_employees"]
        figures["operating_revenue"] += row["latest_operating_revenue"]
        figures["software_revenue"] += row["latest_software_revenue"]
        figures["latest_period"] = max(filter(None, (figures["latest_period"], row["latest_period"])))
    return answer
