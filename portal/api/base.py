"""The base of every API viewset: scope from ``visible_to`` and role checks, declared once per viewset.

A viewset names its ``model`` and the roles that may read and write; ``get_queryset`` always starts from
``model.objects.visible_to(user)``, so a record outside the caller's scope is a 404 and a new endpoint
cannot forget the scope. ``optimize`` adds the select/prefetch that keep query counts fixed.
"""

import json
from decimal import Decimal
from importlib import import_module
from importlib.util import find_spec

from django.http import HttpResponse
from django.utils import timezone
from django.utils.functional import cached_property
from drf_spectacular.utils import OpenApiParameter
from rest_framework import permissions, renderers, serializers, viewsets

from portal import xlsx
from portal.choices import Role

from .schema import PortalAutoSchema

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


class EncodedJSONResponse(HttpResponse):
    """JSON bytes rendered once and cached: the bytes and Content-Type that DRF's ``Response`` gives with its
    ``JSONRenderer``. ``data`` (what a DRF response carries, and what API tests read) is decoded only when
    asked for."""

    def __init__(self, body: bytes):
        super().__init__(body, content_type=renderers.JSONRenderer.media_type)

    @cached_property
    def data(self):
        return json.loads(self.content)


class XLSXRenderer(renderers.BaseRenderer):
    """``?format=xlsx`` on a list. ``ScopedViewSetMixin.list`` answers it with a streamed export of the
    whole filtered list; a list that overrides ``list`` gets what it rendered (its page) as a sheet."""

    media_type = xlsx.XLSX
    format = "xlsx"
    charset = None
    render_style = "binary"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        if isinstance(data, dict) and "results" in data:
            data = data["results"]
        rows = data if isinstance(data, list) else [data]
        header = list(rows[0].keys()) if rows and isinstance(rows[0], dict) else ["内容"]
        workbook = xlsx.new_workbook()
        xlsx.add_sheet(
            workbook,
            "数据",
            header,
            [[_cell(row.get(h)) for h in header] if isinstance(row, dict) else [_cell(row)] for row in rows],
        )
        return xlsx.workbook_bytes(workbook)


def _cell(value):
    if isinstance(value, list | dict):
        return json.dumps(value, ensure_ascii=False)
    return value


def _exporter(model):
    """The app's export columns for a model (``<app>/exports.py`` ``EXPORTERS``), or None."""
    module = f"{model._meta.app_label}.exports"
    if find_spec(module) is None:
        return None
    return getattr(import_module(module), "EXPORTERS", {}).get(model)


class ExportSchema(PortalAutoSchema):
    """Documents ``?format=xlsx`` on every list of a scoped viewset (the ``list`` action only: that is where
    ``get_renderers`` offers it; a detail action that answers a list has no export)."""

    def get_override_parameters(self):
        parameters = super().get_override_parameters()
        if self.method == "GET" and getattr(self.view, "action", None) == "list":
            parameters = [
                *parameters,
                OpenApiParameter(
                    "format",
                    str,
                    enum=["json", "xlsx"],
                    description="xlsx：以 Excel 文件导出当前筛选条件下的全部记录（不分页）。",
                ),
            ]
        return parameters

    def get_operation(self, *args, **kwargs):
        operation = super().get_operation(*args, **kwargs)
        # The export is a workbook, not the page of JSON the list's serializer describes.
        for response in (operation or {}).get("responses", {}).values():
            if xlsx.XLSX in response.get("content", {}):
                response["content"][xlsx.XLSX] = {"schema": {"type": "string", "format": "binary"}}
        return operation


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

    # --- ?format=xlsx: every list exports its filtered rows ---------------------------------------------

    schema = ExportSchema()

    def get_renderers(self):
        renderers_ = super().get_renderers()
        if getattr(self, "action", None) == "list":
            renderers_.append(XLSXRenderer())
        return renderers_

    def list(self, request, *args, **kwargs):
        renderer = getattr(request, "accepted_renderer", None)
        if isinstance(renderer, XLSXRenderer):
            return self.export_xlsx()
        return super().list(request, *args, **kwargs)

    def handle_exception(self, exc):
        """Errors are JSON (API.md) even when an export was asked for: a 400 for a bad filter must not
        arrive as a spreadsheet."""
        response = super().handle_exception(exc)
        if isinstance(getattr(self.request, "accepted_renderer", None), XLSXRenderer):
            self.request.accepted_renderer = renderers.JSONRenderer()
            self.request.accepted_media_type = renderers.JSONRenderer.media_type
        return response

    def export_xlsx(self):
        """The same filtered list (scope, FilterSet, ordering; no paging) as a streamed .xlsx."""
        queryset = self.filter_queryset(self.get_queryset())
        name = str(self.model._meta.verbose_name)
        filename = f"{name}-{timezone.localdate():%Y%m%d}.xlsx"
        kind_class = _exporter(self.model)
        if kind_class is not None:
            kind = kind_class(self.request.user)
            header = [column.header for column in kind.columns]
            rows = (kind.export_row(obj) for obj in kind.export_queryset(queryset).iterator(chunk_size=2000))
            return xlsx.stream_response(kind.sheet, header, rows, filename)
        serializer = self.get_serializer()
        fields = [(n, f) for n, f in serializer.fields.items() if not f.write_only]
        header = [str(f.label or n) for n, f in fields]

        def rows():
            for obj in queryset.iterator(chunk_size=2000):
                data = self.get_serializer(obj).data
                yield [_export_value(f, data.get(n)) for n, f in fields]

        return xlsx.stream_response(name, header, rows(), filename)


class ScopedReadOnlyViewSet(ScopedViewSetMixin, viewsets.ReadOnlyModelViewSet):
    pass


class ScopedModelViewSet(ScopedViewSetMixin, viewsets.ModelViewSet):
    """GET, POST and PATCH; records are never deleted through the API (they are withdrawn or deactivated)."""

    http_method_names = ["get", "post", "patch", "head", "options"]


def _export_value(field, value):
    if value is None:
        return None
    if isinstance(field, serializers.DecimalField):
        return Decimal(value)
    return _cell(value)
