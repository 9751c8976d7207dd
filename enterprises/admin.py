"""The admin, for staff repair work. Workflow changes go through the pages and API, not here."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import (
    Enterprise,
    EnterpriseTag,
    Honour,
    MonthlyReport,
    PoolDecision,
    PoolMembership,
    ReportTransition,
    StatisticsSettings,
    SupportGrant,
)


class TagInline(admin.TabularInline):
    model = EnterpriseTag
    extra = 0


class HonourInline(admin.TabularInline):
    model = Honour
    extra = 0


@admin.register(Enterprise)
class EnterpriseAdmin(SimpleHistoryAdmin):
    list_display = ["name", "uscc", "region", "industry", "tier", "tier_year", "reporting"]
    list_filter = ["region", "industry", "tier", "arrival_origin", "reporting"]
    search_fields = ["name", "uscc"]
    readonly_fields = ["tier", "tier_year", "tier_headcount", "tier_revenue"]
    raw_id_fields = ["service_officer"]
    inlines = [TagInline, HonourInline]


class TransitionInline(admin.TabularInline):
    model = ReportTransition
    extra = 0
    can_delete = False
    readonly_fields = ["from_status", "to_status", "actor", "reason", "at"]

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(MonthlyReport)
class MonthlyReportAdmin(SimpleHistoryAdmin):
    list_display = ["enterprise", "period", "status", "employees", "operating_revenue", "software_revenue"]
    list_filter = ["status", "period", "enterprise__region"]
    search_fields = ["enterprise__name", "enterprise__uscc"]
    raw_id_fields = ["enterprise"]
    readonly_fields = ["software_revenue", "status", "warnings", "submitted_at"]
    inlines = [TransitionInline]


@admin.register(SupportGrant)
class SupportGrantAdmin(SimpleHistoryAdmin):
    list_display = ["enterprise", "kind", "amount", "granted_on"]
    list_filter = ["kind"]
    raw_id_fields = ["enterprise"]


@admin.register(PoolMembership)
class PoolMembershipAdmin(SimpleHistoryAdmin):
    list_display = ["enterprise", "level", "admitted_on"]
    list_filter = ["level"]
    raw_id_fields = ["enterprise"]


@admin.register(PoolDecision)
class PoolDecisionAdmin(admin.ModelAdmin):
    """Decisions are the pool's audit record (who decided what, why): read only, made by the pool review."""

    list_display = ["enterprise", "decision", "from_level", "to_level", "decided_on", "decided_by"]
    list_filter = ["decision"]
    raw_id_fields = ["enterprise"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(StatisticsSettings)
class StatisticsSettingsAdmin(SimpleHistoryAdmin):
    """The thresholds of the monthly-statistics checks: one row."""

    list_display = [
        "__str__",
        "headcount_change_pct",
        "revenue_per_head_factor",
        "january_jump_pct",
        "deadline_day",
    ]

    def has_add_permission(self, request):
        return not StatisticsSettings.objects.exists()
