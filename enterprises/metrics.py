"""Numbers other apps may ask of the enterprises app. Accepted statistics only."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db.models import OuterRef, Subquery

from .models import MonthlyReport


@dataclass(frozen=True)
class Figures:
    employees: int
    operating_revenue: Decimal
    software_revenue: Decimal
    period: date


def latest_figures(enterprise_ids: Iterable[int], *, as_of: date | None = None) -> dict[int, Figures]:
    """Each enterprise's latest accepted report on or before ``as_of`` (default: any): one query."""
    ids = list(enterprise_ids)
    if not ids:
        return {}
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
