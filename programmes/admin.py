from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import Event, InvestmentProject, Programme, ProgressEntry, Target, WorkItem, WorkItemNote


class TargetInline(admin.TabularInline):
    model = Target
    extra = 0
    fields = ["name", "metric", "unit", "year", "region", "comparison", "target_value", "order"]


@admin.register(Programme)
class ProgrammeAdmin(SimpleHistoryAdmin):
    list_display = [
        "code",
        "short_name",
        "doc_number",
        "issuer",
        "issued_on",
        "period_start",
        "period_end",
        "published",
    ]
    search_fields = ["title", "doc_number"]
    inlines = [TargetInline]


@admin.register(Target)
class TargetAdmin(SimpleHistoryAdmin):
    list_display = ["name", "programme", "year", "region", "metric", "comparison", "target_value", "unit"]
    list_filter = ["programme", "year"]


@admin.register(ProgressEntry)
class ProgressEntryAdmin(SimpleHistoryAdmin):
    list_display = ["target", "reported_on", "value", "evidence", "entered_by"]


class WorkItemNoteInline(admin.TabularInline):
    model = WorkItemNote
    extra = 0


@admin.register(WorkItem)
class WorkItemAdmin(SimpleHistoryAdmin):
    list_display = ["programme", "number", "title", "region", "due_date", "status"]
    list_filter = ["programme", "status", "kind"]
    search_fields = ["title", "responsible_units"]
    inlines = [WorkItemNoteInline]


@admin.register(InvestmentProject)
class InvestmentProjectAdmin(SimpleHistoryAdmin):
    list_display = ["name", "investor", "region", "amount", "major", "stage", "signed_on", "landed_on"]
    list_filter = ["stage", "major", "region"]
    search_fields = ["name", "investor"]


@admin.register(Event)
class EventAdmin(SimpleHistoryAdmin):
    list_display = ["name", "kind", "region", "held_on", "major"]
    list_filter = ["kind", "major"]
