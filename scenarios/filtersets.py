"""One FilterSet per listed model, shared by the HTML lists and the API: scenarios (the public list
``/scenarios/``, the management list ``/scenarios/manage/`` and ``/api/v1/scenarios/``), applications
(``/scenarios/mine/`` and ``/api/v1/scenario-applications/``) and lists (``/scenarios/lists/`` and
``/api/v1/scenario-lists/``)."""

import django_filters
from django.db.models import Q

from enterprises.filtersets import region_filter
from portal.filtersets import PositiveIntegerFilter, YearFilter

from .choices import ApplicationStatus, Domain, Level, ScenarioStatus
from .models import Scenario, ScenarioApplication, ScenarioList


class ScenarioFilterSet(django_filters.FilterSet):
    domain = django_filters.ChoiceFilter(choices=Domain.choices, label="应用领域", empty_label="全部领域")
    region = region_filter("region")
    status = django_filters.ChoiceFilter(choices=ScenarioStatus.choices, label="状态", empty_label="全部状态")
    level = django_filters.ChoiceFilter(choices=Level.choices, label="发布层级", empty_label="市级和区县级")
    list_no = django_filters.CharFilter(field_name="published_list__code", label="清单编号")
    q = django_filters.CharFilter(method="filter_q", label="场景名称或业主单位")

    class Meta:
        model = Scenario
        fields = ["domain", "region", "status", "level", "list_no", "q"]

    def filter_q(self, queryset, name, value):
        return queryset.filter(Q(title__icontains=value) | Q(owner_unit__icontains=value))


class ScenarioApplicationFilterSet(django_filters.FilterSet):
    scenario = PositiveIntegerFilter(field_name="scenario_id", label="应用场景")
    enterprise = PositiveIntegerFilter(field_name="enterprise_id", label="企业")
    region = region_filter("scenario__region")
    status = django_filters.ChoiceFilter(
        choices=ApplicationStatus.choices, label="状态", empty_label="全部状态"
    )

    class Meta:
        model = ScenarioApplication
        fields = ["scenario", "enterprise", "region", "status"]


class ScenarioListFilterSet(django_filters.FilterSet):
    level = django_filters.ChoiceFilter(choices=Level.choices, label="发布层级", empty_label="市级和区县级")
    region = region_filter("region")
    year = YearFilter(label="年度")

    class Meta:
        model = ScenarioList
        fields = ["level", "region", "year"]
