import django_filters
from django import forms
from django.db.models import Q

from portal.periods import parse_period

from .choices import FocusTag, Industry, PoolLevel, ReportStatus, TierLevel
from .models import Enterprise, MonthlyReport, SupportGrant


class RegionCodeFilter(django_filters.CharFilter):
    """``?region=<code>``: records of the region with that code."""

    def filter(self, qs, value):
        if not value:
            return qs
        return qs.filter(**{f"{self.field_name}__code": value})


class EnterpriseFilterSet(django_filters.FilterSet):
    region = RegionCodeFilter(field_name="region", label="区域代码")
    tier = django_filters.ChoiceFilter(choices=TierLevel.choices, label="梯度")
    industry = django_filters.ChoiceFilter(choices=Industry.choices, label="产业方向")
    tag = django_filters.ChoiceFilter(field_name="tags__tag", choices=FocusTag.choices, label="重点领域")
    pool = django_filters.ChoiceFilter(field_name="pool__level", choices=PoolLevel.choices, label="培育层级")
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
    enterprise = django_filters.NumberFilter(field_name="enterprise_id", label="企业")
    region = RegionCodeFilter(field_name="enterprise__region", label="区域代码")
    period = PeriodFilter(field_name="period", label="报告期（YYYY-MM）")
    status = django_filters.ChoiceFilter(choices=ReportStatus.choices, label="状态")

    class Meta:
        model = MonthlyReport
        fields = ["enterprise", "region", "period", "status"]


class SupportGrantFilterSet(django_filters.FilterSet):
    enterprise = django_filters.NumberFilter(field_name="enterprise_id", label="企业")
    region = RegionCodeFilter(field_name="enterprise__region", label="区域代码")

    class Meta:
        model = SupportGrant
        fields = ["enterprise", "region", "kind"]
