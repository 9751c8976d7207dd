import pytest
from django.core.management import call_command

from enterprises.models import Enterprise
from portal.choices import Role
from portal.models import Region, User

pytestmark = pytest.mark.django_db


def snapshot():
    return (
        sorted(User.objects.values_list("username", "role", "region__code", "enterprise__uscc", "password")),
        sorted(Enterprise.objects.values_list("uscc", "name", "region__code")),
    )


def test_seed_demo_creates_the_accounts_of_the_api_contract():
    call_command("seed_demo", "--password", "Demo-pass-2026")
    assert User.objects.get(username="city").role == Role.CITY
    for region in Region.objects.top_level():
        officer = User.objects.get(username=f"district-{region.code}")
        assert (officer.role, officer.region) == (Role.DISTRICT, region)
    assert Enterprise.objects.exists()
    for enterprise in Enterprise.objects.all():
        assert User.objects.get(username=f"ent-{enterprise.uscc}").enterprise == enterprise
    assert User.objects.get(username="district-500109").check_password("Demo-pass-2026")


def test_seed_demo_is_idempotent():
    call_command("seed_demo")
    first = snapshot()
    call_command("seed_demo")
    assert snapshot() == first
