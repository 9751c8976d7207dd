from django.contrib import admin
from django.contrib.auth.admin import GroupAdmin, UserAdmin
from django.contrib.auth.models import Group
from simple_history.admin import SimpleHistoryAdmin

from .models import Region, User

admin.site.unregister(Group)


@admin.register(Group)
class PortalGroupAdmin(SimpleHistoryAdmin, GroupAdmin):
    """Django's group admin with the history of each group's permissions."""


@admin.register(Region)
class RegionAdmin(SimpleHistoryAdmin):
    list_display = ["code", "name", "kind", "central_urban", "parent", "sort_order"]
    list_filter = ["kind", "central_urban"]
    list_editable = ["central_urban"]
    search_fields = ["code", "name"]


@admin.register(User)
class PortalUserAdmin(SimpleHistoryAdmin, UserAdmin):
    list_display = ["username", "role", "region", "enterprise", "is_active", "last_login"]
    list_filter = ["role", "is_active", "region"]
    search_fields = ["username", "enterprise__name"]
    raw_id_fields = ["enterprise"]
    fieldsets = (*UserAdmin.fieldsets, ("门户角色", {"fields": ("role", "region", "enterprise")}))
    add_fieldsets = (*UserAdmin.add_fieldsets, ("门户角色", {"fields": ("role", "region", "enterprise")}))
