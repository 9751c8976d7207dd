"""API of programmes and targets (reference data, readable by every role; the public reads the published
programmes), manual progress, work items and their notes, investment projects and events (API.md)."""

from django.db.models import Count
from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.response import Response

from portal.api.base import ALL_ROLES, PUBLIC, ScopedModelViewSet
from portal.choices import Role

from .. import selectors, services
from ..filtersets import (
    EventFilterSet,
    InvestmentProjectFilterSet,
    ProgrammeFilterSet,
    TargetFilterSet,
    WorkItemFilterSet,
)
from ..metrics import MetricCache
from ..models import Event, InvestmentProject, Programme, ProgressEntry, Target, WorkItem
from .serializers import (
    EventSerializer,
    InvestmentProjectSerializer,
    ProgrammeSerializer,
    ProgressEntrySerializer,
    TargetSerializer,
    WorkItemNoteSerializer,
    WorkItemSerializer,
)

OFFICERS = (Role.CITY, Role.DISTRICT)
EVERYONE = (PUBLIC, *ALL_ROLES)


class ProgrammeViewSet(ScopedModelViewSet):
    """政策文件: everyone signed in reads all, the public the published ones; city staff add and edit."""

    model = Programme
    read_roles = EVERYONE
    write_roles = (Role.CITY,)
    serializer_class = ProgrammeSerializer
    filterset_class = ProgrammeFilterSet

    def optimize(self, queryset):
        return (
            queryset.select_related("region")
            .annotate(target_count=Count("targets"))
            .order_by("-period_end", "code")
        )

    def perform_create(self, serializer):
        programme = services.create_programme(actor=self.request.user, **serializer.validated_data)
        serializer.instance = self.get_queryset().get(pk=programme.pk)

    def perform_update(self, serializer):
        programme = services.update_programme(
            actor=self.request.user, programme=serializer.instance, **serializer.validated_data
        )
        serializer.instance = self.get_queryset().get(pk=programme.pk)


class TargetViewSet(ScopedModelViewSet):
    """目标 with live progress: actual, share reached, share of the period elapsed, status."""

    model = Target
    read_roles = EVERYONE
    write_roles = (Role.CITY,)
    action_roles = {"progress": EVERYONE}
    serializer_class = TargetSerializer
    filterset_class = TargetFilterSet

    def optimize(self, queryset):
        return queryset.select_related("programme", "region")

    def _data(self, targets, *, many: bool = False):
        rows = list(targets) if many else [targets]
        context = {
            **self.get_serializer_context(),
            "progress": {p.target.pk: p for p in selectors.progress(rows, cache=MetricCache(shared=True))},
        }
        return TargetSerializer(rows if many else targets, many=many, context=context).data

    def _input(self, *args, **kwargs):
        return TargetSerializer(*args, context={**self.get_serializer_context(), "progress": {}}, **kwargs)

    def list(self, request, *args, **kwargs):
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        return self.get_paginated_response(self._data(page, many=True))

    def retrieve(self, request, *args, **kwargs):
        return Response(self._data(self.get_object()))

    def create(self, request, *args, **kwargs):
        serializer = self._input(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        programme = data.pop("programme")
        target = services.create_target(actor=request.user, programme=programme, **data)
        return Response(self._data(self.get_queryset().get(pk=target.pk)), status=status.HTTP_201_CREATED)

    def update(self, request, *args, partial=False, **kwargs):
        target = self.get_object()
        serializer = self._input(target, data=request.data, partial=partial)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        data.pop("programme", None)
        services.update_target(actor=request.user, target=target, **data)
        return Response(self._data(self.get_queryset().get(pk=target.pk)))

    @extend_schema(methods=["GET"], responses=ProgressEntrySerializer(many=True))
    @extend_schema(
        methods=["POST"], request=ProgressEntrySerializer, responses={201: ProgressEntrySerializer}
    )
    # A plain list of the target's entries: neither paged nor filtered.
    @action(detail=True, methods=["get", "post"], pagination_class=None, filter_backends=[])
    def progress(self, request, pk=None):
        """人工填报进度: GET lists a manual target's entries; POST (city staff) adds one — dated within the
        programme's period, non-negative, with evidence."""
        target = self.get_object()
        if request.method == "GET":
            entries = (
                ProgressEntry.objects.visible_to(request.user)
                .filter(target=target)
                .select_related("entered_by")
            )
            return Response(ProgressEntrySerializer(entries, many=True).data)
        if request.user.is_anonymous or request.user.role != Role.CITY:
            self.permission_denied(request, message="只有市经济信息委可以填报目标进展。")
        serializer = ProgressEntrySerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        entry = services.record_progress(actor=request.user, target=target, **serializer.validated_data)
        return Response(ProgressEntrySerializer(entry).data, status=status.HTTP_201_CREATED)


class WorkItemViewSet(ScopedModelViewSet):
    """工作事项: city staff add and edit; a district officer updates its own region's items' status and
    progress notes (another region's are 404)."""

    model = WorkItem
    read_roles = OFFICERS
    write_roles = OFFICERS
    action_roles = {"create": (Role.CITY,)}
    serializer_class = WorkItemSerializer
    filterset_class = WorkItemFilterSet

    def optimize(self, queryset):
        return queryset.select_related("programme", "region")

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "today": timezone.localdate()}

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        data.pop("status", None)
        programme = data.pop("programme")
        item = services.create_work_item(actor=self.request.user, programme=programme, **data)
        serializer.instance = self.get_queryset().get(pk=item.pk)

    def perform_update(self, serializer):
        data = dict(serializer.validated_data)
        data.pop("programme", None)
        item = services.update_work_item(actor=self.request.user, work_item=serializer.instance, **data)
        serializer.instance = self.get_queryset().get(pk=item.pk)

    @extend_schema(methods=["GET"], responses=WorkItemNoteSerializer(many=True))
    @extend_schema(methods=["POST"], request=WorkItemNoteSerializer, responses={201: WorkItemNoteSerializer})
    # A plain list of the item's notes: neither paged nor filtered.
    @action(detail=True, methods=["get", "post"], pagination_class=None, filter_backends=[])
    def notes(self, request, pk=None):
        """Dated progress notes; POST adds one (and may change the status)."""
        item = self.get_object()
        if request.method == "GET":
            notes = item.notes.select_related("author")
            return Response(WorkItemNoteSerializer(notes, many=True).data)
        serializer = WorkItemNoteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        note = services.add_work_item_note(actor=request.user, work_item=item, **serializer.validated_data)
        return Response(WorkItemNoteSerializer(note).data, status=status.HTTP_201_CREATED)


class InvestmentProjectViewSet(ScopedModelViewSet):
    """重点招商项目库: district officers keep their region's projects, city staff all."""

    model = InvestmentProject
    read_roles = OFFICERS
    write_roles = OFFICERS
    serializer_class = InvestmentProjectSerializer
    filterset_class = InvestmentProjectFilterSet

    def optimize(self, queryset):
        return queryset.select_related("region", "park")

    def perform_create(self, serializer):
        serializer.instance = services.create_project(actor=self.request.user, **serializer.validated_data)

    def perform_update(self, serializer):
        serializer.instance = services.update_project(
            actor=self.request.user, project=serializer.instance, **serializer.validated_data
        )


class EventViewSet(ScopedModelViewSet):
    """活动: district officers record their region's events, city staff city-level ones and any region's."""

    model = Event
    read_roles = OFFICERS
    write_roles = OFFICERS
    serializer_class = EventSerializer
    filterset_class = EventFilterSet

    def optimize(self, queryset):
        return queryset.select_related("region")

    def perform_create(self, serializer):
        serializer.instance = services.create_event(actor=self.request.user, **serializer.validated_data)

    def perform_update(self, serializer):
        serializer.instance = services.update_event(
            actor=self.request.user, event=serializer.instance, **serializer.validated_data
        )
