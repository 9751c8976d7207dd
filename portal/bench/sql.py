"""The baseline of the recompute measure: the values of a region-level scheme's computed indicators, written by
hand as plain SQL against the tables. No ORM, no snapshot, no scoring, nothing saved: one statement per
indicator source, each answering (region code, value) for the scheme's regions and period.

Each statement follows the rule of its source in ``evaluation/indicators.py`` (SPEC §7):

- ``new_acquired_area``: the acquisition changes dated in the period;
- ``new_used_area``: the area of occupancies running on the period's last day minus that on the day before it;
- ``new_enterprises``: enterprises arrived in the period, relocations within Chongqing left out;
- ``new_employees``: per enterprise, the last accepted headcount of the period minus the last accepted one
  before it (from 0 for an enterprise that arrived in the period, 0 without an earlier figure);
- ``landed_projects``: investment projects landed in the period.
"""

from datetime import date, timedelta
from decimal import Decimal

QUERIES = {
    "new_acquired_area": """
        SELECT r.code, SUM(c.area_added)
        FROM buildings_acquisitionchange c
        JOIN buildings_building b ON b.id = c.building_id
        JOIN portal_region r ON r.id = b.region_id
        WHERE c.changed_on BETWEEN %(start)s AND %(end)s AND r.code = ANY(%(codes)s)
        GROUP BY r.code
    """,
    "new_used_area": """
        SELECT r.code,
               COALESCE(SUM(o.area) FILTER (WHERE o.start_date <= %(end)s
                                              AND (o.end_date IS NULL OR o.end_date >= %(end)s)), 0)
             - COALESCE(SUM(o.area) FILTER (WHERE o.start_date <= %(before)s
                                              AND (o.end_date IS NULL OR o.end_date >= %(before)s)), 0)
        FROM buildings_occupancy o
        JOIN buildings_building b ON b.id = o.building_id
        JOIN portal_region r ON r.id = b.region_id
        WHERE r.code = ANY(%(codes)s)
          AND o.start_date <= %(end)s AND (o.end_date IS NULL OR o.end_date >= %(before)s)
        GROUP BY r.code
    """,
    "new_enterprises": """
        SELECT r.code, COUNT(*)
        FROM enterprises_enterprise e
        JOIN portal_region r ON r.id = e.region_id
        WHERE e.arrival_date BETWEEN %(start)s AND %(end)s AND e.arrival_origin <> 'relocated'
          AND r.code = ANY(%(codes)s)
        GROUP BY r.code
    """,
    "new_employees": """
        SELECT r.code,
               SUM(CASE WHEN e.arrival_date BETWEEN %(start)s AND %(end)s THEN after.employees
                        WHEN before.employees IS NULL THEN 0
                        ELSE after.employees - before.employees END)
        FROM enterprises_enterprise e
        JOIN portal_region r ON r.id = e.region_id
        CROSS JOIN LATERAL (
            SELECT m.employees FROM enterprises_monthlyreport m
            WHERE m.enterprise_id = e.id AND m.status = 'accepted'
              AND m.period BETWEEN %(first_month)s AND %(last_month)s
            ORDER BY m.period DESC LIMIT 1
        ) after
        LEFT JOIN LATERAL (
            SELECT m.employees FROM enterprises_monthlyreport m
            WHERE m.enterprise_id = e.id AND m.status = 'accepted' AND m.period < %(first_month)s
            ORDER BY m.period DESC LIMIT 1
        ) before ON TRUE
        WHERE r.code = ANY(%(codes)s)
        GROUP BY r.code
    """,
    "landed_projects": """
        SELECT r.code, COUNT(*)
        FROM programmes_investmentproject p
        JOIN portal_region r ON r.id = p.region_id
        WHERE p.stage = 'landed' AND p.landed_on BETWEEN %(start)s AND %(end)s AND r.code = ANY(%(codes)s)
        GROUP BY r.code
    """,
}

CENT = Decimal("0.01")


def indicator_values(cursor, *, source: str, start: date, end: date, codes: list[str]) -> dict[str, str]:
    """``{region code: value}`` with two places, every code present (0 where the query found nothing)."""
    if source not in QUERIES:
        raise KeyError(f"基准 SQL 不支持指标来源“{source}”：请在 portal/bench/sql.py 中为它写一条查询。")
    cursor.execute(
        QUERIES[source],
        {
            "start": start,
            "end": end,
            "before": start - timedelta(days=1),
            "first_month": start.replace(day=1),
            "last_month": end.replace(day=1),
            "codes": list(codes),
        },
    )
    found = {code: Decimal(value if value is not None else 0) for code, value in cursor.fetchall()}
    return {code: str(found.get(code, Decimal(0)).quantize(CENT)) for code in codes}
