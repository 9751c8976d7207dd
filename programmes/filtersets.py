"""One FilterSet per listed model, shared by the HTML lists and the API."""

import django_filters
from django.db.models import Q
from django.utils import timezone

from enterprises.filtersets import region_filter
from portal.filtersets import YearFilter

from .choices import EventKind, ProjectStage, WorkItemKind, WorkItemStatus
from .models import Event, InvestmentProject, Programme, Target, WorkItem


class ProgrammeFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(method="filter_q", label="标题或文号")

    class Meta:
        model = Programme
        fields = ["q"]

    def filter_q(self, queryset, name, value):
        return queryset.filter(Q(title__icontains=value) | Q(doc_number__icontains=value))


class TargetFilterSet(django_filters.FilterSet):
    programme = django_filters.CharFilter(field_name="programme__code", label="文件编号")
    year = YearFilter(field_name="year", label="目标年度")
    region = django_filters.CharFilter(method="filter_region", label="范围（区域代码，city 为全市）")
    metric = django_filters.CharFilter(field_name="metric", label="进度来源")

    class Meta:
        model = Target
        fields = ["programme", "year", "region", "metric"]

    def filter_region(self, queryset, name, value):
        if value == "city":
            return queryset.filter(region__isnull=True)
        return queryset.filter(region__code=value)


class WorkItemFilterSet(django_filters.FilterSet):
    programme = django_filters.CharFilter(field_name="programme__code", label="文件编号")
    region = django_filters.CharFilter(method="filter_region", label="牵头区域（区域代码，city 为市级）")
    kind = django_filters.ChoiceFilter(choices=WorkItemKind.choices, label="类型", empty_label="全部类型")
    status = django_filters.ChoiceFilter(choices=WorkItemStatus.choices, label="状态", empty_label="全部状态")
    overdue = django_filters.BooleanFilter(method="filter_overdue", label="已逾期")
    q = django_filters.CharFilter(method="filter_q", label="事项或责任单位")

    class Meta:
        model = WorkItem
        fields = ["programme", "region", "kind", "status", "overdue", "q"]

    def filter_region(self, queryset, name, value):
        if value == "city":
            return queryset.filter(region__isnull=True)
        return queryset.filter(region__code=value)

    def filter_overdue(self, queryset, name, value):
        late = Q(due_date__lt=timezone.localdate()) & ~Q(status=WorkItemStatus.DONE)
        return queryset.filter(late) if value else queryset.exclude(late)

    def filter_q(self, queryset, name, value):
        return queryset.filter(Q(title__icontains=value) | Q(responsible_units__icontains=value))


class InvestmentProjectFilterSet(django_filters.FilterSet):
    region = region_filter("region")
    stage = django_filters.ChoiceFilter(choices=ProjectStage.choices, label="阶段", empty_label="全部阶段")
    major = django_filters.BooleanFilter(label="重大项目")
    year = YearFilter(field_name="signed_on__year", label="签约年度")
    q = django_filters.CharFilter(method="filter_q", label="项目名称或投资方")

    class Meta:
        model = InvestmentProject
        fields = ["region", "stage", "major", "year", "q"]

    def filter_q(self, queryset, name, value):
        return queryset.filter(Q(name__icontains=value) | Q(investor__icontains=value))


class EventFilterSet(django_filters.FilterSet):
    region = django_filters.CharFilter(method="filter_region", label="举办区域（区域代码，city 为市级）")
    kind = django_filters.ChoiceFilter(choices=EventKind.choices, label="类型", empty_label="全部类型")
    major = django_filters.BooleanFilter(label="重大活动")
    year = YearFilter(field_name="held_on__year", label="年度")

    class Meta:
        model = Event
        fields = ["region", "kind", "major", "year"]

    def filter_region(self, queryset, name, value):
        if value == "city":
            return queryset.filter(region__isnull=True)
        return queryset.filter(region__code=value)
