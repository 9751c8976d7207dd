from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import AcquisitionChange, Building, Designation, Occupancy, RenovationChange


class AcquisitionInline(admin.TabularInline):
    model = AcquisitionChange
    extra = 0


class RenovationInline(admin.TabularInline):
    model = RenovationChange
    extra = 0


@admin.register(Building)
class BuildingAdmin(SimpleHistoryAdmin):
    """For repair work only: ledger changes belong in the pages and the API, which keep the dated records."""

    list_display = [
        "name",
        "region",
        "park",
        "gross_area",
        "acquired_area",
        "letting_area",
        "renovation_status",
    ]
    list_filter = ["region", "renovation_status", "turnkey_ready"]
    search_fields = ["name", "address", "owner"]
    inlines = [AcquisitionInline, RenovationInline]


@admin.register(Occupancy)
class OccupancyAdmin(SimpleHistoryAdmin):
    list_display = ["building", "enterprise", "area", "start_date", "end_date"]
    list_filter = ["building__region"]
    search_fields = ["building__name", "enterprise__name"]
    raw_id_fields = ["building", "enterprise"]


@admin.register(Designation)
class DesignationAdmin(SimpleHistoryAdmin):
    list_display = ["building", "batch", "designated_on", "revoked_on"]
    list_filter = ["batch", "revoked_on"]
    search_fields = ["building__name"]
    raw_id_fields = ["building"]
