"""Non-trivial reads: scenario lists with their application figures, the public list's summary, the winners
announced for a page of scenarios. Each is a fixed number of queries, whatever the number of rows."""

from collections import defaultdict
from decimal import Decimal

from django.db import models
from django.db.models import Count, OuterRef, Q, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from .choices import PUBLISHED_STATES, ApplicationStatus, ScenarioStatus
from .models import ScenarioApplication, ScenarioList

MONEY = models.DecimalField(max_digits=14, decimal_places=2)


def with_figures(queryset):
    """Annotate ``application_count`` and ``awarded_amount`` (the winners' total, 万元, None before 定榜):
    one correlated subquery each, so a page costs one query."""
    applications = ScenarioApplication.objects.filter(scenario=OuterRef("pk")).order_by().values("scenario")
    count = applications.annotate(n=Count("pk")).values("n")
    won = applications.filter(status=ApplicationStatus.WON).annotate(total=Sum("amount")).values("total")
    return queryset.select_related("region", "published_list__region").annotate(
        application_count=Coalesce(Subquery(count, output_field=models.IntegerField()), Value(0)),
        awarded_amount=Subquery(won, output_field=MONEY),
    )


def winners_of(scenarios) -> dict[int, list[ScenarioApplication]]:
    """The announced winners (公示) of some scenarios, by scenario id: one query for a whole page."""
    ids = [scenario.pk for scenario in scenarios]
    found = defaultdict(list)
    if ids:
        winners = (
            ScenarioApplication.objects.public()
            .filter(scenario_id__in=ids)
            .select_related("enterprise")
            .order_by("scenario_id", "-amount", "pk")
        )
        for application in winners:
            found[application.scenario_id].append(application)
    return found


def attach_winners(scenarios) -> list:
    scenarios = list(scenarios)
    winners = winners_of(scenarios)
    for scenario in scenarios:
        scenario.winners = winners.get(scenario.pk, [])
    return scenarios


def public_summary(queryset) -> dict:
    """The public list's headline figures over ``queryset`` (already public and filtered): one query."""
    today = timezone.localdate()
    figures = queryset.order_by().aggregate(
        count=Count("pk"),
        open=Count("pk", filter=Q(status=ScenarioStatus.PUBLISHED, deadline__gte=today)),
        delivered=Count("pk", filter=Q(status=ScenarioStatus.DELIVERED)),
        funding=Sum("funding_amount", filter=Q(status__in=PUBLISHED_STATES)),
    )
    figures["funding"] = (figures["funding"] or Decimal(0)).quantize(Decimal("0.01"))
    return figures


def list_options() -> list[ScenarioList]:
    """Every published 清单, newest first, for the list filter."""
    return list(ScenarioList.objects.select_related("region").order_by("-published_on", "level", "code"))


def lists_with_counts(queryset):
    """清单 with the number of scenarios in each and how many of them are delivered."""
    return (
        queryset.select_related("region")
        .annotate(
            scenario_count=Count("scenarios"),
            delivered_count=Count("scenarios", filter=Q(scenarios__status=ScenarioStatus.DELIVERED)),
        )
        .order_by("-published_on", "level", "code")
    )
