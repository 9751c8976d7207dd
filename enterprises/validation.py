"""The checks of a monthly report (SPEC §4): hard errors refuse the report, warnings go to the reviewers.

Data must be "真实、准确、合理" (001): hard errors are impossible figures, warnings are implausible ones.

The rules compare a report with other reports (the months around it, last December, the region's peers).
They ask a context for those: ``ReportContext`` reads them from the database for one report (the forms and
the API); ``PrefetchedContext`` answers the same questions from memory for many reports at once (the Excel
import), so both paths run the very same rules.
"""

from collections import defaultdict
from datetime import date
from decimal import Decimal
from statistics import median
from types import SimpleNamespace

from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils import timezone

from portal.imports import chunks
from portal.periods import add_months, format_period, month_start

from .choices import ReportStatus
from .models import CUMULATIVE_FIELDS, OF_WHICH, MonthlyReport, StatisticsSettings


def label(name: str) -> str:
    return str(MonthlyReport._meta.get_field(name).verbose_name).removeprefix("其中：")


def unit(name: str) -> str:
    return "人" if name == "employees" else ("万美元" if name == "export_usd" else "万元")


# --- what the rules compare a report with ------------------------------------------------------------------


class ReportContext:
    """The other reports the rules look at, read from the database one report at a time."""

    def settings(self) -> StatisticsSettings:
        return StatisticsSettings.current()

    def this_month(self) -> date:
        return month_start(timezone.localdate())

    def neighbours(self, report: MonthlyReport):
        """The enterprise's nearest earlier and later reports of the same year (any state), or None."""
        neighbours = MonthlyReport.objects.filter(
            enterprise_id=report.enterprise_id, period__year=report.period.year
        ).exclude(pk=report.pk)
        before = neighbours.filter(period__lt=report.period).order_by("-period").first()
        after = neighbours.filter(period__gt=report.period).order_by("period").first()
        return before, after

    def related(self, report: MonthlyReport, periods: list[date]) -> dict:
        """The enterprise's reports of ``periods`` (any state), by period."""
        return {
            r.period: r
            for r in MonthlyReport.objects.filter(enterprise_id=report.enterprise_id, period__in=periods)
        }

    def peer_median(self, report: MonthlyReport, settings: StatisticsSettings) -> Decimal | None:
        pairs = MonthlyReport.objects.filter(
            Q(enterprise__region_id=report.enterprise.region_id) & ~Q(enterprise_id=report.enterprise_id),
            period=report.period,
            status=ReportStatus.ACCEPTED,
            employees__gt=0,
        ).values_list("operating_revenue", "employees")
        return peer_median(pairs, report.period.month, settings)


# The figures the rules read from the reports they compare with.
COMPARED_FIELDS = ("period", "employees", "operating_revenue", "software_revenue", *CUMULATIVE_FIELDS)


class PrefetchedContext(ReportContext):
    """The same answers as ``ReportContext`` for reports of a known set of enterprises and periods, from a
    fixed number of queries. ``put`` adds or replaces a report (one filed earlier in the same batch), so each
    report is compared with those before it exactly as if they had been saved."""

    def __init__(self, *, enterprises, periods):
        self.enterprises = {e.pk: e for e in enterprises}
        self.periods = sorted(set(periods))
        self.reports = defaultdict(dict)  # (enterprise id, year) → {period: report}
        self._settings = None
        self._this_month = super().this_month()
        self._peers = None  # (region id, period) → {enterprise id: (operating revenue, employees)}
        self._peer_medians = {}
        if not self.enterprises or not self.periods:
            return
        # Every rule looks within the report's year, or back to the previous month and last December.
        start = date(self.periods[0].year - 1, 12, 1)
        end = date(self.periods[-1].year, 12, 1)
        names = ("enterprise_id", *COMPARED_FIELDS)
        for chunk in chunks(sorted(self.enterprises)):
            reports = MonthlyReport.objects.filter(
                enterprise_id__in=chunk, period__gte=start, period__lte=end
            )
            for row in reports.order_by().values_list(*names):
                self.put(SimpleNamespace(**dict(zip(names, row, strict=True))))

    def put(self, report) -> None:
        self.reports[report.enterprise_id, report.period.year][report.period] = report

    def get(self, enterprise_id: int, period: date):
        return self.reports.get((enterprise_id, period.year), {}).get(period)

    def this_month(self) -> date:
        return self._this_month

    def settings(self) -> StatisticsSettings:
        if self._settings is None:
            self._settings = StatisticsSettings.current()
        return self._settings

    def neighbours(self, report):
        before = after = None
        for period, other in self.reports.get((report.enterprise_id, report.period.year), {}).items():
            if period < report.period:
                if before is None or period > before.period:
                    before = other
            elif period > report.period and (after is None or period < after.period):
                after = other
        return before, after

    def related(self, report, periods):
        found = {}
        for period in periods:
            other = self.get(report.enterprise_id, period)
            if other is not None:
                found[period] = other
        return found

    def _load_peers(self) -> None:
        # Peers are accepted reports, which an import never creates or changes: the database holds them all.
        self._peers = defaultdict(dict)
        region_ids = sorted({e.region_id for e in self.enterprises.values()})
        for chunk in chunks(region_ids):
            for region_id, enterprise_id, period, revenue, employees in (
                MonthlyReport.objects.filter(
                    enterprise__region_id__in=chunk,
                    period__in=self.periods,
                    status=ReportStatus.ACCEPTED,
                    employees__gt=0,
                )
                .order_by()
                .values_list(
                    "enterprise__region_id", "enterprise_id", "period", "operating_revenue", "employees"
                )
            ):
                self._peers[region_id, period][enterprise_id] = (revenue, employees)

    def peer_median(self, report, settings):
        if self._peers is None:
            self._load_peers()
        peers = self._peers.get((report.enterprise.region_id, report.period), {})
        excluded = report.enterprise_id if report.enterprise_id in peers else None
        key = (report.enterprise.region_id, report.period, excluded)
        if key not in self._peer_medians:
            pairs = [pair for owner, pair in peers.items() if owner != excluded]
            self._peer_medians[key] = peer_median(pairs, report.period.month, settings)
        return self._peer_medians[key]


# --- the rules ------------------------------------------------------------------------------------------------

NOT_NEGATIVE = ("employees", *CUMULATIVE_FIELDS)


def check_report(report: MonthlyReport, context: ReportContext | None = None) -> None:
    """Raise a ValidationError naming each field and the rule it breaks; return quietly when all hold."""
    context = context or ReportContext()
    errors: dict[str, list[str]] = {}

    def refuse(field, message):
        errors.setdefault(field, []).append(message)

    period = report.period
    this_month = context.this_month()
    if period > this_month:
        refuse("period", f"报告期 {format_period(period)} 是未来月份，不能报送。")
    elif period == this_month:
        refuse("period", f"报告期 {format_period(period)} 尚未结束，月报在次月报送。")

    for name in NOT_NEGATIVE:
        value = getattr(report, name)
        if value is None:
            refuse(name, f"请填写{label(name)}（没有请填 0）。")
        elif value < 0:
            refuse(name, f"{label(name)}不能为负数（只有利润总额可以为负）。")
    if report.profit is None:
        refuse("profit", "请填写利润总额（没有请填 0）。")
    if errors:
        raise ValidationError(errors)

    for parent, children in OF_WHICH.items():
        for child in children:
            if getattr(report, child) > getattr(report, parent):
                refuse(
                    child,
                    f"其中项“{label(child)}”（{getattr(report, child)} 万元）不能超过"
                    f"“{label(parent)}”（{getattr(report, parent)} 万元）。",
                )

    # Cumulative figures never fall within a year: not below the month before, not above the month after.
    before, after = context.neighbours(report)
    for name in CUMULATIVE_FIELDS:
        value = getattr(report, name)
        if before is not None and value < getattr(before, name):
            refuse(
                name,
                f"{label(name)}是本年累计数，不能低于 {format_period(before.period)} 已报的 "
                f"{getattr(before, name)} {unit(name)}。",
            )
        if after is not None and value > getattr(after, name):
            refuse(
                name,
                f"{label(name)}是本年累计数，不能高于 {format_period(after.period)} 已报的 "
                f"{getattr(after, name)} {unit(name)}。",
            )
    if errors:
        raise ValidationError(errors)


def _plain(number) -> str:
    """3 and Decimal("3.00") (the setting as read back from the database) both as "3"; 2.5 as "2.5"."""
    text = f"{Decimal(number):f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def _warning(code: str, field: str, message: str) -> dict:
    return {"code": code, "field": field, "message": message}


def annual_revenue_per_head(operating_revenue: Decimal, employees: int, month: int) -> Decimal | None:
    """Operating revenue a head, annualised from a January-to-month cumulative figure (万元/人/年)."""
    if not employees:
        return None
    return operating_revenue / month * 12 / employees


def peer_median(pairs, month: int, settings: StatisticsSettings) -> Decimal | None:
    """The median annualised revenue a head of the peers' ``(operating revenue, employees)``, when there are
    enough peers to compare with (None otherwise)."""
    peers = [
        value
        for revenue, employees in pairs
        if (value := annual_revenue_per_head(revenue, employees, month)) is not None
    ]
    if len(peers) < settings.revenue_per_head_min_peers:
        return None
    return Decimal(median(peers))


def compute_warnings(report: MonthlyReport, context: ReportContext | None = None) -> list[dict]:
    """Implausible figures, kept with the report for its reviewers (thresholds: StatisticsSettings)."""
    context = context or ReportContext()
    settings = context.settings()
    warnings = []
    period = report.period
    previous_month = add_months(period, -1)
    last_december = add_months(period, -period.month)
    related = context.related(report, [previous_month, last_december])

    previous = related.get(previous_month)
    if previous is not None and previous.employees:
        change = abs(report.employees - previous.employees) * 100 / previous.employees
        if change > settings.headcount_change_pct:
            warnings.append(
                _warning(
                    "headcount_change",
                    "employees",
                    f"从业人员环比变动 {change:.1f}%（上月 {previous.employees} 人，本月 {report.employees} 人），"
                    f"超过 {settings.headcount_change_pct}% 预警线。",
                )
            )

    december = related.get(last_december)
    if period.month == 1 and december is not None:
        limit = Decimal(100 + settings.january_jump_pct) / 100
        for name in ("operating_revenue", "software_revenue"):
            full_year = getattr(december, name)
            if full_year > 0 and getattr(report, name) > full_year * limit:
                warnings.append(
                    _warning(
                        "january_jump",
                        name,
                        f"1月{label(name)} {getattr(report, name)} 万元超过上年全年 {full_year} 万元的 "
                        f"{settings.january_jump_pct}% 以上，请核实。",
                    )
                )

    if report.software_revenue > report.operating_revenue:
        warnings.append(
            _warning(
                "software_above_operating",
                "software_revenue",
                f"软件业务收入 {report.software_revenue} 万元高于主营业务收入 {report.operating_revenue} 万元，请核实。",
            )
        )

    own = annual_revenue_per_head(report.operating_revenue, report.employees, period.month)
    if own is not None:
        middle = context.peer_median(report, settings)
        if middle is not None:
            factor = settings.revenue_per_head_factor
            if middle > 0 and not middle / factor <= own <= middle * factor:
                warnings.append(
                    _warning(
                        "revenue_per_head",
                        "operating_revenue",
                        f"人均营业收入（年化）{own:.1f} 万元，偏离本区域同期中位数 {middle:.1f} 万元的 {_plain(factor)} 倍以上。",
                    )
                )
    return warnings
