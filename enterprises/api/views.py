from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from portal.api.base import ALL_ROLES, EncodedJSONResponse, RolePermission, ScopedModelViewSet, XLSXRenderer
from portal.choices import Role
from portal.models import Region
from portal.periods import format_period, parse_period

from .. import selectors, services
from ..filtersets import EnterpriseFilterSet, MonthlyReportFilterSet, SupportGrantFilterSet
from ..models import Enterprise, MonthlyReport, SupportGrant
from .serializers import (
    ROW_VALUES,
    CompletenessSerializer,
    EnterpriseSerializer,
    MonthlyReportSerializer,
    ReasonSerializer,
    SupportGrantSerializer,
    enterprise_rows,
)


class EnterpriseViewSet(ScopedModelViewSet):
    """The enterprise registry (SPEC §3). District officers manage their region's; enterprise users edit
    their own contact fields."""

    model = Enterprise
    read_roles = ALL_ROLES
    write_roles = ALL_ROLES
    action_roles = {"create": (Role.CITY, Role.DISTRICT)}
    serializer_class = EnterpriseSerializer
    filterset_class = EnterpriseFilterSet

    def optimize(self, queryset):
        return queryset.select_related("region", "park", "relocated_from", "pool").prefetch_related(
            "tags", "honours"
        )

    def list(self, request, *args, **kwargs):
        renderer = getattr(request, "accepted_renderer", None)
        if isinstance(renderer, XLSXRenderer):
            return self.export_xlsx()
        if type(renderer) is not JSONRenderer:  # the browsable API: not cached
            return self.get_paginated_response(self.page_rows())
        # JSON: the encoded page from the cache (selectors, "The cache of the API's enterprise list"). The
        # caller is authenticated and its role checked by now; the key holds everything its scope depends on.
        user = request.user
        key = selectors.list_cache_key(
            (user.role, user.region_id, user.enterprise_id),
            request.build_absolute_uri(),
            request.accepted_media_type,
        )
        body = selectors.LIST.get_or_compute(
            key,
            lambda: renderer.render(
                self.get_paginated_response(self.page_rows()).data,
                request.accepted_media_type,
                self.get_renderer_context(),
            ),
        )
        return EncodedJSONResponse(body)

    def page_rows(self):
        """The lean path (serializers.enterprise_rows): plain values, the same JSON as the serializer's."""
        queryset = self.filter_queryset(self.model.objects.visible_to(self.request.user))
        return enterprise_rows(self.paginate_queryset(queryset.values(*ROW_VALUES)))

    def perform_create(self, serializer):
        serializer.instance = services.create_enterprise(actor=self.request.user, **serializer.validated_data)

    def perform_update(self, serializer):
        serializer.instance = services.update_enterprise(
            actor=self.request.user, enterprise=serializer.instance, **serializer.validated_data
        )


class SupportGrantViewSet(ScopedModelViewSet):
    """New-entrant support grants (004 task 4): never for an enterprise relocated within Chongqing."""

    model = SupportGrant
    read_roles = ALL_ROLES
    write_roles = (Role.CITY, Role.DISTRICT)
    http_method_names = ["get", "post", "head", "options"]
    serializer_class = SupportGrantSerializer
    filterset_class = SupportGrantFilterSet

    def perform_create(self, serializer):
        serializer.instance = services.record_support_grant(
            actor=self.request.user, **serializer.validated_data
        )


class MonthlyReportViewSet(ScopedModelViewSet):
    """Monthly statistics and their review: draft → submitted → approved (region) → accepted (city)."""

    model = MonthlyReport
    read_roles = ALL_ROLES
    write_roles = (Role.ENTERPRISE, Role.CITY, Role.DISTRICT)
    action_roles = {
        "create": (Role.ENTERPRISE,),
        "partial_update": (Role.ENTERPRISE,),
        "submit": (Role.ENTERPRISE,),
        "approve": (Role.DISTRICT,),
        "accept": (Role.CITY,),
        "return_": (Role.DISTRICT, Role.CITY),
        "unlock": (Role.CITY,),
    }
    serializer_class = MonthlyReportSerializer
    filterset_class = MonthlyReportFilterSet

    def optimize(self, queryset):
        return queryset.select_related("enterprise__region")

    def perform_create(self, serializer):
        serializer.instance = services.create_report(actor=self.request.user, **serializer.validated_data)

    def perform_update(self, serializer):
        serializer.instance = services.update_report(
            actor=self.request.user, report=serializer.instance, **serializer.validated_data
        )

    def _step(self, service, **kwargs):
        report = service(actor=self.request.user, report=self.get_object(), **kwargs)
        return Response(self.get_serializer(report).data)

    @extend_schema(request=None, responses=MonthlyReportSerializer)
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        return self._step(services.submit_report)

    @extend_schema(request=None, responses=MonthlyReportSerializer)
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        return self._step(services.approve_report)

    @extend_schema(request=None, responses=MonthlyReportSerializer)
    @action(detail=True, methods=["post"])
    def accept(self, request, pk=None):
        return self._step(services.accept_report)

    @extend_schema(request=ReasonSerializer, responses=MonthlyReportSerializer)
    @action(detail=True, methods=["post"], url_path="return", url_name="return")
    def return_(self, request, pk=None):
        reason = ReasonSerializer(data=request.data)
        reason.is_valid(raise_exception=True)
        return self._step(services.return_report, reason=reason.validated_data["reason"])

    @extend_schema(request=ReasonSerializer, responses=MonthlyReportSerializer)
    @action(detail=True, methods=["post"])
    def unlock(self, request, pk=None):
        reason = ReasonSerializer(data=request.data)
        reason.is_valid(raise_exception=True)
        return self._step(services.unlock_report, reason=reason.validated_data["reason"])


class CompletenessView(APIView):
    """Reporting completeness of a period, per region: expected, filed, accepted, late, and who is missing.
    City staff see every region; a district officer its own."""

    permission_classes = [RolePermission]

    def roles_for(self, request):
        return (Role.CITY, Role.DISTRICT)

    @extend_schema(
        parameters=[OpenApiParameter("period", str, required=True, description="YYYY-MM")],
        responses=CompletenessSerializer,
    )
    def get(self, request):
        try:
            period = parse_period(request.query_params.get("period", ""))
        except DjangoValidationError as exc:
            raise serializers.ValidationError({"period": exc.messages}) from exc
        regions = Region.objects.top_level()
        if request.user.role == Role.DISTRICT:
            regions = regions.filter(pk=request.user.region_id)
        rows = selectors.completeness(period, list(regions))
        data = {"period": format_period(period), "deadline": selectors.deadline(period), "results": rows}
        return Response(CompletenessSerializer(data).data, status=status.HTTP_200_OK)
