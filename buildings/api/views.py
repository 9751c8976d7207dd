"""API of the ledger (``buildings/``, ``occupancies/``, designation actions) and the public
``demonstration-buildings/`` list (API.md)."""

import json

from django.core.serializers.json import DjangoJSONEncoder
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.exceptions import APIException
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response

from portal.api.base import (
    ALL_ROLES,
    PUBLIC,
    EncodedJSONResponse,
    ScopedModelViewSet,
    ScopedReadOnlyViewSet,
    XLSXRenderer,
)
from portal.choices import Role

from .. import selectors, services
from ..filtersets import BuildingFilterSet, DemonstrationBuildingFilterSet, OccupancyFilterSet
from ..models import Building, Occupancy
from .serializers import (
    BuildingSerializer,
    DemonstrationBuildingSerializer,
    DesignateSerializer,
    DesignationSerializer,
    OccupancySerializer,
    RevokeSerializer,
    StaleSerializer,
)

OFFICERS = (Role.CITY, Role.DISTRICT)


class PreconditionFailed(APIException):
    status_code = status.HTTP_412_PRECONDITION_FAILED
    default_detail = services.STALE
    default_code = "precondition_failed"


def etag(version: int) -> str:
    return f'"{version}"'


ETAG = OpenApiParameter(
    "ETag",
    str,
    OpenApiParameter.HEADER,
    response=[200, 201],
    description='楼宇的版本（如 "3"）：修改时放在 If-Match 请求头中，防止覆盖他人在此期间所做的修改。',
)
IF_MATCH = OpenApiParameter(
    "If-Match",
    str,
    OpenApiParameter.HEADER,
    description="读取楼宇时得到的 ETag（或 *）。楼宇在此期间已被他人修改时答复 412，不写入任何内容；"
    "不带此请求头则不作检查。",
)
STALE_RESPONSE = OpenApiResponse(
    StaleSerializer, description="该楼宇已被他人修改（If-Match 与当前版本不符）。"
)
WRITE_RESPONSES = {200: BuildingSerializer, 412: STALE_RESPONSE}


@extend_schema_view(
    retrieve=extend_schema(parameters=[ETAG]),
    create=extend_schema(parameters=[ETAG]),
    partial_update=extend_schema(parameters=[IF_MATCH, ETAG], responses=WRITE_RESPONSES),
)
class BuildingViewSet(ScopedModelViewSet):
    """存量楼宇台账: district officers keep their region's, city staff all; city staff designate 示范楼宇."""

    # Optimistic concurrency (HTTP's conditional requests): a building's answer carries its version as the
    # ETag; a PATCH with If-Match is refused with 412 when the building changed since, and the check is
    # repeated atomically under the row lock in services.update_building. Without If-Match an edit is not
    # checked (API.md's clients send none). Weak tags (W/"3", as a compressing proxy may make them) are
    # compared by their value.

    model = Building
    read_roles = OFFICERS
    write_roles = OFFICERS
    action_roles = {"designate": (Role.CITY,), "revoke": (Role.CITY,)}
    serializer_class = BuildingSerializer
    filterset_class = BuildingFilterSet

    def optimize(self, queryset):
        return queryset.select_related("region", "park").with_figures().with_designation()

    def perform_create(self, serializer):
        building = services.create_building(actor=self.request.user, **serializer.validated_data)
        serializer.instance = self.get_queryset().get(pk=building.pk)

    def perform_update(self, serializer):
        try:
            building = services.update_building(
                actor=self.request.user,
                building=serializer.instance,
                expected_version=self._expected_version(serializer.instance),
                **serializer.validated_data,
            )
        except services.StaleBuilding as exc:
            raise PreconditionFailed(exc.message) from exc
        serializer.instance = self.get_queryset().get(pk=building.pk)

    def _expected_version(self, building) -> int | None:
        """The version ``If-Match`` names, for the service to compare under its lock; None without one or
        with ``*``. A header naming no current version is 412 at once."""
        header = self.request.headers.get("If-Match")
        if header is None or header.strip() == "*":
            return None
        tags = {tag.strip().removeprefix("W/") for tag in header.split(",")}
        if etag(building.version) not in tags:
            raise PreconditionFailed()
        return building.version

    def _with_etag(self, response):
        if response.status_code < 300 and "version" in response.data:
            response["ETag"] = etag(response.data["version"])
        return response

    def retrieve(self, request, *args, **kwargs):
        return self._with_etag(super().retrieve(request, *args, **kwargs))

    def create(self, request, *args, **kwargs):
        return self._with_etag(super().create(request, *args, **kwargs))

    def update(self, request, *args, **kwargs):
        return self._with_etag(super().update(request, *args, **kwargs))

    @extend_schema(request=DesignateSerializer, responses={201: DesignationSerializer})
    @action(detail=True, methods=["post"])
    def designate(self, request, pk=None):
        """授牌示范楼宇 in a numbered batch (city staff). Twice in one batch → 400; already current → 409."""
        building = self.get_object()
        serializer = DesignateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        designation = services.designate_building(
            actor=request.user, building=building, **serializer.validated_data
        )
        return Response(DesignationSerializer(designation).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=RevokeSerializer, responses={200: DesignationSerializer})
    @action(detail=True, methods=["post"])
    def revoke(self, request, pk=None):
        """撤销示范楼宇 with a reason (city staff). Not a current 示范楼宇 → 409."""
        building = self.get_object()
        serializer = RevokeSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        designation = services.revoke_designation(
            actor=request.user, building=building, **serializer.validated_data
        )
        return Response(DesignationSerializer(designation).data)


class OccupancyViewSet(ScopedModelViewSet):
    """楼宇入驻: which enterprise occupies how much of a building, when. Enterprise users read their own."""

    model = Occupancy
    read_roles = ALL_ROLES
    write_roles = OFFICERS
    serializer_class = OccupancySerializer
    filterset_class = OccupancyFilterSet

    def optimize(self, queryset):
        return queryset.select_related("building", "enterprise")

    def perform_create(self, serializer):
        serializer.instance = services.create_occupancy(actor=self.request.user, **serializer.validated_data)

    def perform_update(self, serializer):
        serializer.instance = services.update_occupancy(
            actor=self.request.user, occupancy=serializer.instance, **serializer.validated_data
        )


def _plain(data):
    """Serializer output as plain JSON data, safe to cache."""
    return json.loads(json.dumps(data, cls=DjangoJSONEncoder))


class DemonstrationBuildingViewSet(ScopedReadOnlyViewSet):
    """The public 示范楼宇 list: no login, current designations only, no private field. Cached; every
    write to buildings, occupancies or designations invalidates it."""

    model = Building
    read_roles = (PUBLIC,)
    serializer_class = DemonstrationBuildingSerializer
    filterset_class = DemonstrationBuildingFilterSet

    def get_queryset(self):
        # Public data is the same for everyone, signed in or not: the queryset's public(), not visible_to.
        return (
            Building.objects.public()
            .select_related("region", "park")
            .with_figures()
            .with_designation()
            .order_by("batch", "region__sort_order", "name", "pk")
        )

    def _serialize(self, buildings, many):
        context = self.get_serializer_context()
        ids = [building.pk for building in buildings] if many else [buildings.pk]
        context["main_industries"] = selectors.main_industries(ids)
        return DemonstrationBuildingSerializer(buildings, many=many, context=context).data

    def list(self, request, *args, **kwargs):
        if isinstance(getattr(request, "accepted_renderer", None), XLSXRenderer):
            return self.export_xlsx()  # the whole filtered list, not the cached page

        def compute():
            queryset = self.filter_queryset(self.get_queryset())
            page = self.paginate_queryset(queryset)
            return _plain(self.get_paginated_response(self._serialize(page, many=True)).data)

        # The scheme and host are in the answer's next/previous links.
        params = {"query": sorted(request.query_params.lists()), "base": request.build_absolute_uri("/")}
        renderer = request.accepted_renderer
        if type(renderer) is JSONRenderer and request.accepted_media_type == renderer.media_type:
            # Plain JSON (what nearly every client asks for): the encoded bytes are cached, the same bytes
            # DRF's Response would render. Authentication and permissions have run (initial()); a filter
            # error raises in compute() and is never cached.
            def encode():
                return renderer.render(compute(), renderer.media_type, self.get_renderer_context())

            body = selectors.cached_public("api-list-json", params, encode)
            return EncodedJSONResponse(body)
        return Response(selectors.cached_public("api-list", params, compute))

    def retrieve(self, request, *args, **kwargs):
        def compute():
            return _plain(self._serialize(self.get_object(), many=False))

        return Response(selectors.cached_public("api-detail", {"pk": kwargs.get("pk")}, compute))
