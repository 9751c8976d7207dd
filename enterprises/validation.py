"""The checks of a monthly report (SPEC §4): hard errors refuse the report, warnings go to the reviewers.

Data must be "真实、准确、合理" (001): hard errors are impossible figures, warnings are implausible ones.
"""

from decimal import Decimal
from statistics import median

from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils import timezone

from portal.periods import add_months, format_period, month_start

from .choices import ReportStatus
from .models import CUMULATIVE_FIELDS, OF_WHICH, MonthlyReport, StatisticsSettings


def label(name: str) -> str:
    return str(MonthlyReport._meta.get_field(name).verbose_name).removeprefix("其中：")


def unit(name: str) -> str:
    return "人" if name == "employees" else ("万美元" if name == "export_usd" else "万元")


def check_report(report: MonthlyReport) -> None:
    """Raise a ValidationError naming each field and the rule it breaks; return quietly when all hold."""
    errors: dict[str, list[str]] = {}

    def refuse(field, message):
        errors.setdefault(field, []).append(message)

    period = report.period
    this_month = month_start(timezone.localdate())
    if period > this_month:
        refuse("period", f"报告期 {format_period(period)} 是未来月份，不能报送。")
    elif period == this_month:
        refuse("period", f"报告期 {format_period(period)} 尚未结束，月报在次月报送。")

    for name in ("employees", *CUMULATIVE_FIELDS):
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
    neighbours = MonthlyReport.objects.filter(
        enterprise_id=report.enterprise_id, period__year=period.year
    ).exclude(pk=report.pk)
    before = neighbours.filter(period__lt=period).order_by("-period").first()
    after = neighbours.filter(period__gt=period).order_by("period").first()
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


def _warning(code: str, field: str, message: str) -> dict:
    return {"code": code, "field": field, "message": message}


def annual_revenue_per_head(operating_revenue: Decimal, employees: int, month: int) -> Decimal | None:
    """Operating revenue a head, annualised from a January-to-month cumulative figure (万元/人/年)."""
    if not employees:
        return None
    return operating_revenue / month * 12 / employees


def compute_warnings(report: MonthlyReport) -> list[dict]:
    """Implausible figures, kept with the report for its reviewers (thresholds: StatisticsSettings)."""
    settings = StatisticsSettings.current()
    warnings = []
    period = report.period
    previous_month = add_months(period, -1)
    last_december = add_months(period, -period.month)
    related = {
        r.period: r
        for r in MonthlyReport.objects.filter(
            enterprise_id=report.enterprise_id, period__in=[previous_month, last_december]
        )
    }

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
        peers = [
            value
            for revenue, employees in MonthlyReport.objects.filter(
                Q(enterprise__region_id=report.enterprise.region_id) & ~Q(enterprise_id=report.enterprise_id),
                period=period,
                status=ReportStatus.ACCEPTED,
                employees__gt=0,
            ).values_list("operating_revenue", "employees")
            if (value := annual_revenue_per_head(revenue, employees, period.month)) is not None
        ]
        if len(peers) >= settings.revenue_per_head_min_peers:
            middle = Decimal(median(peers))
            factor = settings.revenue_per_head_factor
            if middle > 0 and not middle / factor <= own <= middle * factor:
                warnings.append(
                    _warning(
                        "revenue_per_head",
                        "operating_revenue",
                        f"人均营业收入（年化）{own:.1f} 万元，偏离本区域同期中位数 {middle:.1f} 万元的 {Decimal(factor):g} 倍以上。",
                    )
                )
    return warnings
