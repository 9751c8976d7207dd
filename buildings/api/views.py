"""API of the ledger (``buildings/``, ``occupancies/``, designation actions) and the public
``demonstration-buildings/`` list (API.md)."""

import json

from django.core.serializers.json import DjangoJSONEncoder
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.response import Response

from portal.api.base import ALL_ROLES, PUBLIC, ScopedModelViewSet, ScopedReadOnlyViewSet, XLSXRenderer
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
)

OFFICERS = (Role.CITY, Role.DISTRICT)


class BuildingViewSet(ScopedModelViewSet):
    """存量楼宇台账: district officers keep their region's, city staff all; city staff designate 示范楼宇."""

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
        building = services.update_building(
            actor=self.request.user, building=serializer.instance, **serializer.validated_data
        )
        serializer.instance = self.get_queryset().get(pk=building.pk)

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

        params = {"query": sorted(request.query_params.lists()), "host": request.get_host()}
        return Response(selectors.cached_public("api-list", params, compute))

    def retrieve(self, request, *args, **kwargs):
        def compute():
            return _plain(self._serialize(self.get_object(), many=False))

        return Response(selectors.cached_public("api-detail", {"pk": kwargs.get("pk")}, compute))
