from drf_spectacular.utils import extend_schema
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response

from portal.api.base import ALL_ROLES, PUBLIC, ScopedModelViewSet, ScopedReadOnlyViewSet
from portal.choices import Role

from .. import selectors, services
from ..filtersets import ScenarioApplicationFilterSet, ScenarioFilterSet, ScenarioListFilterSet
from ..models import Scenario, ScenarioApplication, ScenarioList
from .serializers import (
    AwardSerializer,
    DeliverSerializer,
    PublishSerializer,
    ScenarioApplicationSerializer,
    ScenarioListSerializer,
    ScenarioSerializer,
    StartSerializer,
    WithdrawSerializer,
)

STAFF = (Role.CITY, Role.DISTRICT)
READ_ACTIONS = ("list", "retrieve")


class ScenarioViewSet(ScopedModelViewSet):
    """Application scenarios (SPEC §6). Published ones are public; district officers manage their region's
    district-level scenarios, city staff the city-level ones. Lifecycle: ``publish/`` (400 naming each
    missing requirement), ``award/``, ``start/``, ``deliver/``, ``withdraw/``; a wrong state is 409."""

    model = Scenario
    read_roles = (PUBLIC, *ALL_ROLES)
    write_roles = STAFF
    serializer_class = ScenarioSerializer
    filterset_class = ScenarioFilterSet

    def get_queryset(self):
        queryset = super().get_queryset()
        if self.action not in READ_ACTIONS:
            # Another region's published scenario reads like any public one, but is not found for a write.
            queryset = queryset.workable_by(self.request.user)
        return queryset

    def optimize(self, queryset):
        return selectors.with_figures(queryset)

    def list(self, request, *args, **kwargs):
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        scenarios = selectors.attach_winners(page)
        return self.get_paginated_response(self.get_serializer(scenarios, many=True).data)

    def _reread(self, scenario):
        """The scenario as the lists show it, with its figures (``application_count``, ``awarded_amount``):
        the schema documents them in every answer."""
        return self.optimize(Scenario.objects.filter(pk=scenario.pk)).get()

    def perform_create(self, serializer):
        serializer.instance = self._reread(
            services.create_scenario(actor=self.request.user, **serializer.validated_data)
        )

    def perform_update(self, serializer):
        serializer.instance = self._reread(
            services.update_scenario(
                actor=self.request.user, scenario=serializer.instance, **serializer.validated_data
            )
        )

    def _step(self, service, body_serializer):
        """Find the scenario (404 out of scope), read the body (400), run the step (403, 409, 400)."""
        scenario = self.get_object()
        body = body_serializer(data=self.request.data, context=self.get_serializer_context())
        body.is_valid(raise_exception=True)
        scenario = self._reread(service(actor=self.request.user, scenario=scenario, **body.validated_data))
        return Response(self.get_serializer(scenario).data)

    @extend_schema(request=PublishSerializer, responses=ScenarioSerializer)
    @action(detail=True, methods=["post"])
    def publish(self, request, pk=None):
        return self._step(services.publish_scenario, PublishSerializer)

    @extend_schema(request=AwardSerializer, responses=ScenarioSerializer)
    @action(detail=True, methods=["post"])
    def award(self, request, pk=None):
        return self._step(services.award_scenario, AwardSerializer)

    @extend_schema(request=StartSerializer, responses=ScenarioSerializer)
    @action(detail=True, methods=["post"])
    def start(self, request, pk=None):
        return self._step(services.start_scenario, StartSerializer)

    @extend_schema(request=DeliverSerializer, responses=ScenarioSerializer)
    @action(detail=True, methods=["post"])
    def deliver(self, request, pk=None):
        return self._step(services.deliver_scenario, DeliverSerializer)

    @extend_schema(request=WithdrawSerializer, responses=ScenarioSerializer)
    @action(detail=True, methods=["post"])
    def withdraw(self, request, pk=None):
        return self._step(services.withdraw_scenario, WithdrawSerializer)


class ScenarioApplicationViewSet(ScopedModelViewSet):
    """揭榜 applications: an enterprise user applies for its own enterprise (JSON, or multipart with an
    ``attachment``) and sees its own; officers see those to their region's scenarios, city staff all."""

    model = ScenarioApplication
    read_roles = ALL_ROLES
    write_roles = (Role.ENTERPRISE,)
    http_method_names = ["get", "post", "head", "options"]
    serializer_class = ScenarioApplicationSerializer
    filterset_class = ScenarioApplicationFilterSet
    parser_classes = [JSONParser, MultiPartParser, FormParser]

    def optimize(self, queryset):
        return queryset.select_related("scenario", "enterprise")

    def perform_create(self, serializer):
        serializer.instance = services.apply_for_scenario(
            actor=self.request.user, **serializer.validated_data
        )


class ScenarioListViewSet(ScopedReadOnlyViewSet):
    """The published 应用场景清单, city and district, numbered and dated: public."""

    model = ScenarioList
    read_roles = (PUBLIC, *ALL_ROLES)
    serializer_class = ScenarioListSerializer
    filterset_class = ScenarioListFilterSet

    def optimize(self, queryset):
        return selectors.lists_with_counts(queryset)
