import pytest
from django.core.management import call_command

from enterprises.models import Enterprise, MonthlyReport
from portal.choices import Role
from portal.models import Region, User

pytestmark = pytest.mark.django_db


def snapshot():
    return (
        sorted(User.objects.values_list("username", "role", "region__code", "enterprise__uscc", "password")),
        sorted(Enterprise.objects.values_list("uscc", "name", "region__code", "tier")),
        sorted(
            MonthlyReport.objects.values_list("enterprise__uscc", "period", "status", "operating_revenue")
        ),
    )


def test_seed_demo_creates_the_accounts_of_the_api_contract():
    call_command("seed_demo", "--password", "Demo-pass-2026")
    assert User.objects.get(username="city").role == Role.CITY
    for region in Region.objects.top_level():
        officer = User.objects.get(username=f"district-{region.code}")
        assert (officer.role, officer.region) == (Role.DISTRICT, region)
    assert Enterprise.objects.count() >= 60
    assert set(Enterprise.objects.exclude(tier="").values_list("tier", flat=True)) == {
        "super",
        "beidou",
        "qiming",
    }
    assert set(MonthlyReport.objects.values_list("status", flat=True)) == {
        "draft",
        "submitted",
        "approved",
        "accepted",
        "returned",
    }
    for enterprise in Enterprise.objects.all():
        assert User.objects.get(username=f"ent-{enterprise.uscc}").enterprise == enterprise
    assert User.objects.get(username="district-500109").check_password("Demo-pass-2026")


def test_seed_demo_is_idempotent():
    call_command("seed_demo")
    first = snapshot()
    call_command("seed_demo")
    assert snapshot() == first
