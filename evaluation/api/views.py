from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.response import Response

from portal.api.base import ScopedModelViewSet, ScopedReadOnlyViewSet
from portal.choices import Role

from .. import services
from ..models import ManualScore, Run, Scheme
from .serializers import (
    ManualScoreSerializer,
    RefusalSerializer,
    RunQueuedSerializer,
    RunSerializer,
    SchemeSerializer,
)


class SchemeViewSet(ScopedModelViewSet):
    """Evaluation schemes (SPEC §7): city staff set them up and run them; district officers read theirs."""

    model = Scheme
    read_roles = (Role.CITY, Role.DISTRICT)
    write_roles = (Role.CITY,)
    http_method_names = ["get", "post", "head", "options"]
    action_roles = {"recompute": (Role.CITY,)}
    serializer_class = SchemeSerializer

    def optimize(self, queryset):
        return queryset.prefetch_related("regions", "indicators")

    def perform_create(self, serializer):
        serializer.instance = services.create_scheme(actor=self.request.user, **serializer.validated_data)

    @extend_schema(methods=["GET"], responses=ManualScoreSerializer(many=True))
    @extend_schema(methods=["POST"], request=ManualScoreSerializer, responses={201: ManualScoreSerializer})
    @action(
        detail=True,
        methods=["get", "post"],
        url_path="manual-scores",
        url_name="manual-scores",
        # A plain list of the scheme's entries: neither paged nor filtered.
        pagination_class=None,
        filter_backends=[],
    )
    def manual_scores(self, request, pk=None):
        scheme = self.get_object()
        if request.method == "POST":  # city staff only: write_roles
            serializer = ManualScoreSerializer(data=request.data, context=self.get_serializer_context())
            serializer.is_valid(raise_exception=True)
            entry = services.set_manual_score(actor=request.user, scheme=scheme, **serializer.validated_data)
            return Response(ManualScoreSerializer(entry).data, status=status.HTTP_201_CREATED)
        entries = ManualScore.objects.visible_to(request.user).filter(scheme=scheme).select_related("region")
        return Response(ManualScoreSerializer(entries, many=True).data)

    @extend_schema(
        request=None,
        responses={
            202: RunQueuedSerializer,
            409: OpenApiResponse(RefusalSerializer, description="该方案正在计算中，完成后才能再次计算。"),
            503: OpenApiResponse(RefusalSerializer, description="后台任务服务暂不可用，计算未能开始。"),
        },
    )
    @action(detail=True, methods=["post"])
    def recompute(self, request, pk=None):
        """Queue a run (202). A run already waiting in the queue is the one answered (its snapshot
        refreshed); one computing now is 409; the task queue down is 503 and the run is marked failed."""
        run = services.request_recompute(actor=request.user, scheme=self.get_object())
        return Response({"run": run.pk}, status=status.HTTP_202_ACCEPTED)


class RunViewSet(ScopedReadOnlyViewSet):
    """Runs of a scheme: status, progress, results, and differences from the published run."""

    model = Run
    read_roles = (Role.CITY, Role.DISTRICT)
    serializer_class = RunSerializer
    http_method_names = ["get", "patch", "post", "head", "options"]
    action_roles = {"publish": (Role.CITY,), "partial_update": (Role.CITY,)}

    def optimize(self, queryset):
        return queryset.select_related("scheme")

    def partial_update(self, request, pk=None):
        run = self.get_object()
        # The serializer checks the body (an object; ``note`` text of at most 500 characters) before the
        # service writes it: a longer one used to reach the database and fail there.
        serializer = self.get_serializer(run, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        run = services.update_run_note(
            actor=request.user, run=run, note=serializer.validated_data.get("note", "")
        )
        return Response(self.get_serializer(run).data)

    @extend_schema(request=None, responses=RunSerializer)
    @action(detail=True, methods=["post"])
    def publish(self, request, pk=None):
        run = services.publish_run(actor=request.user, run=self.get_object())
        return Response(self.get_serializer(run).data)
