"""seed_demo's scenarios: 40 across domains, regions and both levels, in every state, with applications,
winners, deliveries and one withdrawal; deterministic and idempotent, dates relative to today."""

import pytest
from django.core.management import call_command
from django.db.models import Count, Sum
from django.utils import timezone

from scenarios.models import Scenario, ScenarioApplication, ScenarioList, ScenarioTransition

pytestmark = pytest.mark.django_db


def snapshot():
    return (
        sorted(
            Scenario.objects.values_list(
                "region__code",
                "title",
                "level",
                "domain",
                "owner_type",
                "owner_unit",
                "funding_amount",
                "funding_source",
                "status",
                "published_list__code",
                "published_on",
                "deadline",
                "awarded_on",
                "started_on",
                "delivered_on",
                "withdrawn_on",
            )
        ),
        sorted(
            ScenarioApplication.objects.values_list(
                "scenario__title",
                "enterprise__uscc",
                "status",
                "amount",
                "applied_on",
                "applied_by__username",
            )
        ),
        sorted(ScenarioList.objects.values_list("code", "published_on")),
        ScenarioTransition.objects.count(),
    )


def test_seed_demo_scenarios_in_every_state_and_idempotent():
    call_command("seed_demo")
    first = snapshot()
    call_command("seed_demo")
    assert snapshot() == first

    assert Scenario.objects.count() == 40
    states = dict(Scenario.objects.values_list("status").annotate(n=Count("pk")))
    assert set(states) == {"collected", "published", "awarded", "in_progress", "delivered", "withdrawn"}
    assert states["withdrawn"] == 1
    assert Scenario.objects.filter(status="withdrawn").exclude(withdraw_reason="").exists()
    today = timezone.localdate()
    open_now = Scenario.objects.filter(status="published", deadline__gte=today).count()
    assert open_now >= 5 and Scenario.objects.filter(status="published", deadline__lt=today).exists()
    # One being collected still lacks its funding: it cannot be published yet.
    assert Scenario.objects.filter(status="collected", funding_amount__isnull=True).count() == 1
    assert Scenario.objects.values("domain").distinct().count() == 10
    assert Scenario.objects.values("region").distinct().count() >= 10
    assert set(Scenario.objects.values_list("level", flat=True)) == {"city", "district"}
    assert ScenarioList.objects.filter(level="city").exists()

    # Applications come from demo enterprises of the region and elsewhere, filed by their own accounts.
    applications = ScenarioApplication.objects.select_related("scenario", "enterprise", "applied_by")
    assert applications.count() >= 60
    assert any(a.enterprise.region_id != a.scenario.region_id for a in applications)
    assert all(a.applied_by.enterprise_id == a.enterprise_id for a in applications)
    assert all(a.scenario.published_on <= a.applied_on <= a.scenario.deadline for a in applications)
    # Every awarded scenario has winners within its funding; delivered ones carry date and evidence.
    for scenario in Scenario.objects.filter(status__in=["awarded", "in_progress", "delivered"]):
        won = scenario.applications.filter(status="won").aggregate(total=Sum("amount"))["total"]
        assert won and won <= scenario.funding_amount
    assert not Scenario.objects.filter(status="delivered", delivered_on__gt=today).exists()
    assert not Scenario.objects.filter(status="delivered", delivery_evidence="").exists()
    # Each step was taken by the account that manages the scenario.
    district_steps = ScenarioTransition.objects.filter(scenario__level="district", to_status="published")
    assert all(t.actor.username == f"district-{t.scenario.region.code}" for t in district_steps)
