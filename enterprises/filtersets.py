import django_filters
from django import forms
from django.db.models import Q

from portal.filtersets import PositiveIntegerFilter
from portal.models import Region
from portal.periods import parse_period

from .choices import FocusTag, Industry, PoolLevel, ReportStatus, TierLevel
from .models import Enterprise, MonthlyReport, SupportGrant


def region_filter(field_name: str) -> django_filters.ModelChoiceFilter:
    """``?region=<code>``: a select of the top-level regions on pages, a code on the API."""
    return django_filters.ModelChoiceFilter(
        field_name=field_name,
        to_field_name="code",
        queryset=Region.objects.top_level(),
        label="区域",
        empty_label="全部区域",
    )


class EnterpriseFilterSet(django_filters.FilterSet):
    region = region_filter("region")
    tier = django_filters.ChoiceFilter(choices=TierLevel.choices, label="梯度", empty_label="全部梯度")
    industry = django_filters.ChoiceFilter(
        choices=Industry.choices, label="产业方向", empty_label="全部产业方向"
    )
    tag = django_filters.ChoiceFilter(
        field_name="tags__tag", choices=FocusTag.choices, label="重点领域", empty_label="全部重点领域"
    )
    pool = django_filters.ChoiceFilter(
        field_name="pool__level", choices=PoolLevel.choices, label="培育层级", empty_label="培育库：全部"
    )
    q = django_filters.CharFilter(method="filter_q", label="名称或统一社会信用代码")

    class Meta:
        model = Enterprise
        fields = ["region", "tier", "industry", "tag", "pool", "q"]

    def filter_q(self, queryset, name, value):
        return queryset.filter(Q(name__icontains=value) | Q(uscc__icontains=value.upper()))


class PeriodField(forms.CharField):
    def to_python(self, value):
        value = super().to_python(value)
        return parse_period(value) if value else None


class PeriodFilter(django_filters.Filter):
    """``?period=YYYY-MM``; a malformed period is a form error (400 on the API), not an exception."""

    field_class = PeriodField


class MonthlyReportFilterSet(django_filters.FilterSet):
    enterprise = PositiveIntegerFilter(field_name="enterprise_id", label="企业")
    region = region_filter("enterprise__region")
    period = PeriodFilter(field_name="period", label="报告期（YYYY-MM）")
    status = django_filters.ChoiceFilter(choices=ReportStatus.choices, label="状态", empty_label="全部状态")

    class Meta:
        model = MonthlyReport
        fields = ["enterprise", "region", "period", "status"]


class SupportGrantFilterSet(django_filters.FilterSet):
    enterprise = PositiveIntegerFilter(field_name="enterprise_id", label="企业")
    region = region_filter("enterprise__region")

    class Meta:
        model = SupportGrant
        fields = ["enterprise", "region", "kind"]
