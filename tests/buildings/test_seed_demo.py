"""seed_demo's buildings: ~80 across the central urban regions, occupied, two batches, one revocation,
realistic areas; deterministic and idempotent."""

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db.models import Count
from django.utils import timezone

from buildings.models import AcquisitionChange, Building, Designation, Occupancy, RenovationChange
from portal.models import Region

pytestmark = pytest.mark.django_db


def snapshot():
    return (
        list(
            Building.objects.order_by("pk").values_list(
                "region__code",
                "park__code",
                "name",
                "gross_area",
                "acquired_area",
                "acquired_on",
                "letting_area",
                "renovation_status",
                "turnkey_ready",
            )
        ),
        list(
            Occupancy.objects.order_by("pk").values_list(
                "building__name", "enterprise__uscc", "area", "start_date", "end_date"
            )
        ),
        list(
            Designation.objects.order_by("pk").values_list(
                "building__name", "batch", "designated_on", "revoked_on"
            )
        ),
        AcquisitionChange.objects.count(),
        RenovationChange.objects.count(),
        Building.history.count() + Occupancy.history.count() + Designation.history.count(),
    )


def test_seed_demo_builds_a_believable_ledger_and_is_idempotent():
    call_command("seed_demo")
    buildings = Building.objects.all()
    assert 70 <= buildings.count() <= 90
    central = set(Region.objects.central_urban().values_list("code", flat=True))
    assert set(buildings.values_list("region__code", flat=True)) == central
    assert buildings.filter(park__isnull=False, region__code="500109").exists()
    big = buildings.filter(gross_area__gte=10_000).count()
    assert big >= 0.8 * buildings.count()
    assert not buildings.filter(gross_area__gt=80_000).exists()
    assert Occupancy.objects.count() >= buildings.count()
    assert Building.objects.with_figures().filter(used_area__gt=0).count() >= 0.8 * buildings.count()
    batches = dict(Designation.objects.order_by().values_list("batch").annotate(n=Count("pk")))
    assert set(batches) == {1, 2} and batches[2] >= 10
    assert Designation.objects.filter(revoked_on__isnull=False).count() == 1
    assert Building.objects.public().count() == sum(batches.values()) - 1
    # Something was acquired in the last half-year, so the current period's figures are alive.
    assert AcquisitionChange.objects.filter(
        changed_on__gte=timezone.localdate() - timedelta(days=180)
    ).exists()

    first = snapshot()
    call_command("seed_demo")
    assert snapshot() == first
