"""seed_demo's programmes data: projects, events, work-item progress and manual progress that make the
dashboards tell a story; deterministic and idempotent."""

import pytest
from django.core.management import call_command
from django.utils import timezone

from programmes.models import Event, InvestmentProject, ProgressEntry, WorkItem, WorkItemNote

pytestmark = pytest.mark.django_db


def snapshot():
    return (
        list(
            InvestmentProject.objects.order_by("pk").values_list(
                "name", "region__code", "amount", "major", "stage", "signed_on", "landed_on"
            )
        ),
        list(Event.objects.order_by("pk").values_list("name", "kind", "region__code", "held_on", "major")),
        list(WorkItem.objects.order_by("pk").values_list("number", "status", "completed_on", "due_date")),
        list(WorkItemNote.objects.order_by("pk").values_list("work_item__number", "noted_on", "status")),
        list(ProgressEntry.objects.order_by("pk").values_list("target__name", "reported_on", "value")),
        InvestmentProject.history.count() + Event.history.count() + WorkItem.history.count(),
    )


def test_seed_demo_tells_a_story_and_is_idempotent(client):
    call_command("seed_demo")
    today = timezone.localdate()
    projects = InvestmentProject.objects.all()
    assert projects.count() >= 50
    assert projects.filter(stage="landed").count() >= 0.4 * projects.count()
    assert projects.filter(major=True).exists()
    assert not projects.filter(signed_on__gt=today).exists()
    assert Event.objects.filter(held_on__year=today.year).exists()
    assert Event.objects.filter(region__isnull=True, major=True).exists()
    assert WorkItem.objects.filter(status="done").exists()
    overdue = WorkItem.objects.overdue(today)
    assert overdue.exists() and overdue.count() < WorkItem.objects.count() / 2
    assert WorkItem.objects.filter(kind="annual", due_date__year=today.year).count() == 10
    assert ProgressEntry.objects.count() >= 8

    first = snapshot()
    call_command("seed_demo")
    assert snapshot() == first

    client.force_login(__import__("portal.models", fromlist=["User"]).User.objects.get(username="city"))
    page = client.get("/dashboard/").content.decode()
    assert "各区县对比" in page and "逾期工作事项" in page
