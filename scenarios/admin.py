"""The admin, for staff repair work. Lifecycle steps go through the pages and API, not here."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import Scenario, ScenarioApplication, ScenarioList, ScenarioSettings, ScenarioTransition


class TransitionInline(admin.TabularInline):
    model = ScenarioTransition
    extra = 0
    can_delete = False
    readonly_fields = ["from_status", "to_status", "actor", "reason", "note", "at"]

    def has_add_permission(self, request, obj=None):
        return False


class ApplicationInline(admin.TabularInline):
    model = ScenarioApplication
    extra = 0
    can_delete = False
    fields = ["enterprise", "status", "amount", "applied_on", "attachment"]
    readonly_fields = ["enterprise", "status", "amount", "applied_on"]

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Scenario)
class ScenarioAdmin(SimpleHistoryAdmin):
    list_display = [
        "title",
        "level",
        "region",
        "domain",
        "status",
        "funding_amount",
        "published_list",
        "deadline",
    ]
    list_filter = ["status", "level", "domain", "owner_type", "region"]
    search_fields = ["title", "owner_unit"]
    readonly_fields = [
        "status",
        "published_list",
        "published_on",
        "awarded_on",
        "started_on",
        "delivered_on",
        "withdrawn_on",
        "created_by",
    ]
    inlines = [ApplicationInline, TransitionInline]


@admin.register(ScenarioList)
class ScenarioListAdmin(admin.ModelAdmin):
    list_display = ["code", "level", "region", "year", "number", "published_on"]
    list_filter = ["level", "year", "region"]
    search_fields = ["code"]

    def has_add_permission(self, request):
        return False  # lists are made by publishing

    # A list is a published record, kept without a history of its own: nobody edits or deletes it here.
    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ScenarioApplication)
class ScenarioApplicationAdmin(SimpleHistoryAdmin):
    list_display = ["scenario", "enterprise", "status", "amount", "applied_on"]
    list_filter = ["status", "scenario__region"]
    search_fields = ["scenario__title", "enterprise__name", "enterprise__uscc"]
    raw_id_fields = ["scenario", "enterprise", "applied_by"]
    readonly_fields = ["status", "amount"]


@admin.register(ScenarioSettings)
class ScenarioSettingsAdmin(SimpleHistoryAdmin):
    list_display = ["__str__", "application_days", "attachment_max_mb"]

    def has_add_permission(self, request):
        return not ScenarioSettings.objects.exists()
