"""The base of every HTML view that shows records: login, role, and scope from ``visible_to``.

Out-of-scope records are simply absent from ``get_queryset()``, so DetailView/UpdateView answer 404.
"""

from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError

from .api.base import ALL_ROLES


class ScopedViewMixin(LoginRequiredMixin):
    model = None
    allowed_roles: tuple = ALL_ROLES

    def dispatch(self, request, *args, **kwargs):
        user = request.user
        if user.is_authenticated and user.role not in self.allowed_roles:
            raise PermissionDenied("您的角色无权访问此页面。")
        return super().dispatch(request, *args, **kwargs)

    def get_queryset(self):
        return self.optimize(self.model.objects.visible_to(self.request.user))

    def optimize(self, queryset):
        return queryset


def add_service_errors(form, exc: ValidationError) -> None:
    """Show a service's ValidationError on the form: field messages by their field, the rest on top."""
    if hasattr(exc, "error_dict"):
        for field, messages in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, messages)
    else:
        form.add_error(None, exc.messages)
