import django_filters
from django.db.models import Q

from .choices import Role
from .models import Region, User


class RegionFilterSet(django_filters.FilterSet):
    parent = django_filters.CharFilter(field_name="parent__code", label="上级区域代码")

    class Meta:
        model = Region
        fields = ["kind", "central_urban", "parent"]


class AccountFilterSet(django_filters.FilterSet):
    role = django_filters.ChoiceFilter(choices=Role.choices, label="角色")
    region = django_filters.CharFilter(method="filter_region", label="区域代码")
    q = django_filters.CharFilter(method="filter_q", label="用户名或企业名称")
    is_active = django_filters.BooleanFilter(label="启用")

    class Meta:
        model = User
        fields = ["role", "region", "q", "is_active"]

    def filter_region(self, queryset, name, value):
        return queryset.filter(Q(region__code=value) | Q(enterprise__region__code=value))

    def filter_q(self, queryset, name, value):
        return queryset.filter(Q(username__icontains=value) | Q(enterprise__name__icontains=value))
