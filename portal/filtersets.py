import django_filters
from django import forms
from django.db.models import Q
from drf_spectacular.utils import extend_schema_field

from .choices import Role
from .models import Region, User

BIGGEST_ID = 2**63 - 1  # the largest primary key a database holds (a signed 64-bit integer)


@extend_schema_field({"type": "integer", "minimum": 1, "maximum": BIGGEST_ID})
class PositiveIntegerFilter(django_filters.NumberFilter):
    """A whole number from 1, such as a record's id or a batch: anything else is a form error, 400 on the
    API. A decimal used to pass, and one beyond 64 bits crashed SQLite ("Python int too large")."""

    field_class = forms.IntegerField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", BIGGEST_ID)
        super().__init__(*args, **kwargs)


@extend_schema_field({"type": "integer", "minimum": 1, "maximum": 9999})
class YearFilter(PositiveIntegerFilter):
    """``?year=YYYY``: a whole year from 1 to 9999. A year outside ``date``'s range used to crash a
    ``__year`` lookup (500)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_value", 9999)
        super().__init__(*args, **kwargs)


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
