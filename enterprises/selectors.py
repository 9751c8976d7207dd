"""Non-trivial reads: comparisons for reviewers, reporting completeness, the 培育库 annual review, and the
cache of the API's enterprise list."""

import hashlib
from dataclasses import dataclass, field
from datetime import date

from django.db.models import Count, Exists, FilteredRelation, OuterRef, Q

from portal.cache import VersionedCache
from portal.models import Region
from portal.periods import add_months

from .choices import PoolLevel, ReportStatus, TierLevel
from .models import FIGURE_FIELDS, Enterprise, MonthlyReport, PoolMembership, StatisticsSettings

COMPARED_FIELDS = (*FIGURE_FIELDS[:2], "software_revenue", *FIGURE_FIELDS[2:])


# --- The cache of the API's enterprise list ------------------------------------------------------------------
#
# ``GET /api/v1/enterprises/`` answers the encoded JSON of a page from the cache, keyed by the caller's scope
# (role, region, enterprise), the request's absolute URL (the page's ``next``/``previous`` links carry scheme
# and host) and the accepted media type, under a version (``portal.cache.VersionedCache``) bumped by every
# write to what the list shows: enterprises, their tags, honours and 培育库 membership, the region codes
# (``receivers``) and the bulk writes that send no signals (``services``). Authentication, permissions and
# scope still run on every request: only the body is cached. Every write bumps the version, so the timeout
# matters only when a bump is lost (Redis down during a write): it bounds how long such a body is served.

LIST = VersionedCache("enterprises:list", timeout=10 * 60)


def invalidate_list() -> None:
    """Forget the cached enterprise lists: now, and once more when the current transaction commits."""
    LIST.invalidate()


def list_cache_key(scope: tuple, url: str, media_type: str) -> str:
    digest = hashlib.sha1(f"{url}\n{media_type}".encode()).hexdigest()  # noqa: S324 (a cache key)
    return ":".join(str(part) for part in scope) + ":" + digest


def with_comparisons(reports: list[MonthlyReport]) -> list[MonthlyReport]:
    """Attach ``previous`` (环比, the month before) and ``last_year`` (同比) reports to each report, and
    ``rows``: (field, label, value, previous value, last-year value). One query for the whole page."""
    wanted = Q()
    for report in reports:
        wanted |= Q(
            enterprise_id=report.enterprise_id,
            period__in=[add_months(report.period, -1), add_months(report.period, -12)],
        )
    found = {}
    if reports:
        found = {(r.enterprise_id, r.period): r for r in MonthlyReport.objects.filter(wanted)}
    for report in reports:
        report.previous = found.get((report.enterprise_id, add_months(report.period, -1)))
        report.last_year = found.get((report.enterprise_id, add_months(report.period, -12)))
        report.rows = [
            (
                name,
                MonthlyReport._meta.get_field(name).verbose_name,
                getattr(report, name),
                getattr(report.previous, name, None),
                getattr(report.last_year, name, None),
            )
            for name in COMPARED_FIELDS
        ]
    return reports


def deadline(period: date) -> date:
    """The filing deadline of a period: the configured day of the following month."""
    return add_months(period, 1).replace(day=StatisticsSettings.current().deadline_day)


@dataclass
class RegionCompleteness:
    region: Region
    expected: int = 0
    filed: int = 0
    accepted: int = 0
    late: int = 0
    missing: list = field(default_factory=list)

    @property
    def rate(self) -> float:
        return round(self.filed * 100 / self.expected, 1) if self.expected else 0.0


def completeness(period: date, regions) -> list[RegionCompleteness]:
    """Per region: enterprises expected to file (flagged reporting and arrived by the period's end), how many
    filed (submitted or further), accepted, filed after the deadline, and who is missing. Three queries."""
    due = deadline(period)
    period_end = add_months(period, 1)
    expected = Enterprise.objects.filter(region__in=regions, reporting=True).filter(
        Q(arrival_date__isnull=True) | Q(arrival_date__lt=period_end)
    )
    filed_statuses = [ReportStatus.SUBMITTED, ReportStatus.APPROVED, ReportStatus.ACCEPTED]
    # The join takes only the period's report of each enterprise (the unique (enterprise, period) index),
    # not its whole history.
    counts = (
        expected.annotate(report=FilteredRelation("reports", condition=Q(reports__period=period)))
        .values("region_id")
        .annotate(
            expected=Count("pk"),
            filed=Count("report", filter=Q(report__status__in=filed_statuses)),
            accepted=Count("report", filter=Q(report__status=ReportStatus.ACCEPTED)),
            late=Count(
                "report",
                filter=Q(report__status__in=filed_statuses, report__submitted_at__date__gt=due),
            ),
        )
        .order_by()
    )
    result = {region.pk: RegionCompleteness(region=region) for region in regions}
    for row in counts:
        entry = result[row["region_id"]]
        entry.expected, entry.filed, entry.accepted, entry.late = (
            row["expected"],
            row["filed"],
            row["accepted"],
            row["late"],
        )
    has_filed = MonthlyReport.objects.filter(
        enterprise=OuterRef("pk"), period=period, status__in=filed_statuses
    )
    for enterprise in expected.filter(~Exists(has_filed)).only(
        "pk", "name", "uscc", "region_id", "contact_name", "contact_phone"
    ):
        result[enterprise.region_id].missing.append(enterprise)
    return list(result.values())


TIER_SUPPORTS = {
    PoolLevel.SUPER: {TierLevel.SUPER},
    PoolLevel.BEIDOU: {TierLevel.SUPER, TierLevel.BEIDOU},
    PoolLevel.QIMING: {TierLevel.SUPER, TierLevel.BEIDOU, TierLevel.QIMING},
}


TIER_LEVEL = {
    TierLevel.SUPER: PoolLevel.SUPER,
    TierLevel.BEIDOU: PoolLevel.BEIDOU,
    TierLevel.QIMING: PoolLevel.QIMING,
}


POOL_CANDIDATES = 20


def pool_candidates(query: str):
    """Enterprises not in the 培育库 whose name contains ``query`` or whose 统一社会信用代码 is it, at most
    ``POOL_CANDIDATES`` of them by name; none without a query."""
    if not query:
        return Enterprise.objects.none()
    return (
        Enterprise.objects.filter(pool__isnull=True)
        .filter(Q(name__icontains=query) | Q(uscc__iexact=query))
        .order_by("name", "pk")[:POOL_CANDIDATES]
    )


def pool_review(year: int, memberships=None) -> list[PoolMembership]:
    """The annual 培优汰劣 review: every pooled enterprise, flagged where its computed tier no longer
    supports its level, where it has risen above its level, or where it stopped filing (no accepted report
    in the review year's last quarter)."""
    memberships = memberships if memberships is not None else PoolMembership.objects.all()
    last_quarter = date(year, 10, 1)
    filed_recently = MonthlyReport.objects.filter(
        enterprise=OuterRef("enterprise"),
        status=ReportStatus.ACCEPTED,
        period__gte=last_quarter,
        period__lt=date(year + 1, 1, 1),
    )
    rows = list(
        memberships.select_related("enterprise__region")
        .annotate(filing=Exists(filed_recently))
        .order_by("level", "enterprise__name")
    )
    for membership in rows:
        reasons = []
        if membership.enterprise.tier not in TIER_SUPPORTS[membership.level]:
            tier = membership.enterprise.get_tier_display() or "未达任何梯度"
            reasons.append(f"计算梯度为“{tier}”，不支持“{membership.get_level_display()}”")
        elif TIER_LEVEL.get(membership.enterprise.tier, membership.level) != membership.level:
            tier = membership.enterprise.get_tier_display()
            reasons.append(f"计算梯度已达“{tier}”，可考虑升级")
        if not membership.filing:
            reasons.append(f"{year} 年第四季度没有已验收的月报")
        membership.flags = reasons
    return rows
