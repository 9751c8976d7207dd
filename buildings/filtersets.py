"""One FilterSet per listed model, shared by the HTML list and the API: the ledger (``BuildingFilterSet``,
``/buildings/`` and ``/api/v1/buildings/``), the public 示范楼宇 list (``DemonstrationBuildingFilterSet``,
``/demonstration-buildings/`` and ``/api/v1/demonstration-buildings/``) and occupancies."""

import django_filters
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from portal.filtersets import PositiveIntegerFilter

from .choices import RenovationStatus
from .models import Building, Designation, Occupancy


def _region_or_park(queryset, region_path: str, park_path: str, value):
    """A region code matches buildings of that region or of that child unit (园城)."""
    return queryset.filter(Q(**{f"{region_path}__code": value}) | Q(**{f"{park_path}__code": value}))


class DemonstrationBuildingFilterSet(django_filters.FilterSet):
    """The public list's filters: region (or 园城) by code, and batch."""

    region = django_filters.CharFilter(method="filter_region", label="区域代码")
    batch = PositiveIntegerFilter(method="filter_batch", label="批次")

    class Meta:
        model = Building
        fields = ["region", "batch"]

    def filter_region(self, queryset, name, value):
        return _region_or_park(queryset, "region", "park", value)

    def filter_batch(self, queryset, name, value):
        current = Designation.objects.filter(building=OuterRef("pk"), revoked_on__isnull=True, batch=value)
        return queryset.filter(Exists(current))


class BuildingFilterSet(DemonstrationBuildingFilterSet):
    """The ledger's filters: region, 园城, name/address/owner, renovation, “拎包入住”, 示范楼宇."""

    q = django_filters.CharFilter(method="filter_q", label="名称、地址或产权单位")
    park = django_filters.CharFilter(field_name="park__code", label="园区代码")
    renovation_status = django_filters.ChoiceFilter(choices=RenovationStatus.choices, label="改造状态")
    turnkey_ready = django_filters.BooleanFilter(label="具备“拎包入住”条件")
    designated = django_filters.BooleanFilter(method="filter_designated", label="当前是示范楼宇")

    class Meta:
        model = Building
        fields = ["region", "park", "q", "renovation_status", "turnkey_ready", "designated", "batch"]

    def filter_q(self, queryset, name, value):
        return queryset.filter(
            Q(name__icontains=value) | Q(address__icontains=value) | Q(owner__icontains=value)
        )

    def filter_designated(self, queryset, name, value):
        current = Exists(Designation.objects.filter(building=OuterRef("pk"), revoked_on__isnull=True))
        return queryset.filter(current if value else ~current)


class OccupancyFilterSet(django_filters.FilterSet):
    building = PositiveIntegerFilter(field_name="building_id", label="楼宇")
    enterprise = PositiveIntegerFilter(field_name="enterprise_id", label="企业")
    region = django_filters.CharFilter(method="filter_region", label="区域代码")
    active = django_filters.BooleanFilter(method="filter_active", label="当前在驻")

    class Meta:
        model = Occupancy
        fields = ["building", "enterprise", "region", "active"]

    def filter_region(self, queryset, name, value):
        return _region_or_park(queryset, "building__region", "building__park", value)

    def filter_active(self, queryset, name, value):
        running = Occupancy.objects.active_on(timezone.localdate()).values("pk")
        return queryset.filter(pk__in=running) if value else queryset.exclude(pk__in=running)
