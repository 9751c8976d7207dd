"""The base of every API viewset: scope from ``visible_to`` and role checks, declared once per viewset.

A viewset names its ``model`` and the roles that may read and write; ``get_queryset`` always starts from
``model.objects.visible_to(user)``, so a record outside the caller's scope is a 404 and a new endpoint
cannot forget the scope. ``optimize`` adds the select/prefetch that keep query counts fixed.
"""

from rest_framework import permissions, viewsets

from portal.choices import Role

PUBLIC = "public"
ALL_ROLES = (Role.CITY, Role.DISTRICT, Role.ENTERPRISE)


class RolePermission(permissions.BasePermission):
    """Anonymous → 401 unless the action is public; a role the action is not for → 403."""

    message = "您的角色无权执行此操作。"

    def has_permission(self, request, view):
        roles = view.roles_for(request)
        if PUBLIC in roles:
            return True
        user = request.user
        if not user or not user.is_authenticated:
            return False  # DRF answers 401 through the authenticator's header
        return user.is_active and user.role in roles


class ScopedViewSetMixin:
    model = None
    read_roles: tuple = ALL_ROLES
    write_roles: tuple = ()
    action_roles: dict = {}
    permission_classes = [RolePermission]

    def roles_for(self, request):
        action = getattr(self, "action", None)
        if action in self.action_roles:
            return self.action_roles[action]
        if request.method in permissions.SAFE_METHODS:
            return self.read_roles
        return self.write_roles

    def get_queryset(self):
        return self.optimize(self.model.objects.visible_to(self.request.user))

    def optimize(self, queryset):
        return queryset


class ScopedReadOnlyViewSet(ScopedViewSetMixin, viewsets.ReadOnlyModelViewSet):
    pass


class ScopedModelViewSet(ScopedViewSetMixin, viewsets.ModelViewSet):
    """GET, POST and PATCH; records are never deleted through the API (they are withdrawn or deactivated)."""

    http_method_names = ["get", "post", "patch", "head", "options"]
