"""``seed_demo --scale N``: city-scale data for the benchmark, at a small N. Counts in proportion, the same
seed the same data, the portal's rules kept (cumulative figures, capacity, areas, tiers), refused on a
database that already holds data, and nothing left behind by a failure."""

import hashlib
import io
from collections import defaultdict

import pytest
from django.core.management import CommandError, call_command
from django.db import connection, transaction
from django.utils import timezone
from rest_framework.authtoken.models import Token

from buildings.models import AcquisitionChange, Building, Designation, Occupancy, RenovationChange
from enterprises import services as enterprise_services
from enterprises.models import CUMULATIVE_FIELDS, FIGURE_FIELDS, Enterprise, MonthlyReport, ReportTransition
from evaluation.models import Scheme
from portal import scale
from portal.choices import Role
from portal.models import Region, User
from scenarios.models import Scenario, ScenarioApplication, ScenarioList
from tests import factories
from tests.conftest import require

pytestmark = pytest.mark.django_db

SIZE = 60


def seed(*args: str) -> str:
    out = io.StringIO()
    call_command("seed_demo", "--scale", str(SIZE), *args, stdout=out)
    return out.getvalue()


def fingerprint() -> str:
    """A hash of the generated rows by natural keys, in a fixed order. Ids, password salts, token keys and
    the timestamps bulk_create sets to now differ from run to run and are left out."""
    rows = [
        Enterprise.objects.order_by("uscc").values_list(
            "uscc", "name", "region__code", "park__code", "industry", "arrival_date", "arrival_origin",
            "relocated_from__code", "reporting", "tier", "tier_year", "tier_headcount", "tier_revenue",
        ),
        MonthlyReport.objects.order_by("enterprise__uscc", "period").values_list(
            "enterprise__uscc", "period", "status", "submitted_at", "return_reason", *FIGURE_FIELDS
        ),
        Building.objects.order_by("region__code", "name").values_list(
            "region__code", "name", "park__code", "gross_area", "acquired_area", "acquired_on", "letting_area",
            "incubation_area", "renovation_status", "turnkey_ready",
        ),
        Occupancy.objects.order_by("building__name", "enterprise__uscc").values_list(
            "building__name", "enterprise__uscc", "area", "start_date", "end_date"
        ),
        Designation.objects.order_by("building__name", "batch").values_list(
            "building__name", "batch", "designated_on", "revoked_on"
        ),
        Scenario.objects.order_by("region__code", "title").values_list(
            "region__code", "title", "level", "status", "funding_amount", "published_list__code",
            "published_on", "deadline", "awarded_on", "delivered_on",
        ),
        ScenarioApplication.objects.order_by("scenario__title", "enterprise__uscc").values_list(
            "scenario__title", "enterprise__uscc", "status", "amount", "applied_on"
        ),
        User.objects.order_by("username").values_list("username", "role", "region__code", "enterprise__uscc"),
    ]  # fmt: skip
    return hashlib.sha256(repr([list(query) for query in rows]).encode()).hexdigest()


def seeded_fingerprint(*args: str) -> str:
    """Seed, hash, and roll the seed back: a flushed database for the next run, cheaply."""
    with transaction.atomic():
        seed(*args)
        digest = fingerprint()
        transaction.set_rollback(True)
    return digest


def test_counts_are_in_proportion_to_the_city():
    output = seed()
    top_level = list(Region.objects.top_level())
    assert Enterprise.objects.count() == SIZE
    assert set(Enterprise.objects.values_list("region", flat=True)) <= {r.pk for r in top_level}
    filers = Enterprise.objects.filter(reporting=True).count()
    reports = MonthlyReport.objects.count()
    assert filers >= 0.9 * SIZE
    assert 0.75 * filers * scale.MONTHS <= reports <= filers * scale.MONTHS
    assert ReportTransition.objects.count() == reports
    assert MonthlyReport.objects.filter(status="accepted").count() > 0.9 * reports
    # The review queues have content: last month's reports are still moving.
    assert (
        MonthlyReport.objects.exclude(status="accepted").filter(period__gte=factories.past_period(2)).exists()
    )
    assert not MonthlyReport.objects.exclude(status="accepted").filter(period__lt=factories.past_period(2))
    assert Building.objects.count() == Scenario.objects.count() == round(5_000 * SIZE / scale.CITY)
    assert Occupancy.objects.exists() and Designation.objects.exists()
    assert ScenarioList.objects.exists() and ScenarioApplication.objects.exists()

    city = User.objects.get(username="city")
    assert (city.role, city.is_superuser) == (Role.CITY, True)
    assert city.check_password("portal-demo")
    for region in top_level:
        officer = User.objects.get(username=f"district-{region.code}")
        assert (officer.role, officer.region) == (Role.DISTRICT, region)
    assert 1 <= User.objects.filter(role=Role.ENTERPRISE).count() <= len(top_level)
    assert Token.objects.count() == User.objects.count()
    assert Token.objects.filter(user__username__startswith="district-").count() == len(top_level)

    year = timezone.localdate().year
    half = Scheme.objects.get(name=f"中心城区软件和信息服务业发展评估（{year}年上半年）")
    assert (half.year, half.period) == (year, "H1")
    assert set(half.regions.all()) == set(Region.objects.central_urban())
    assert f"{SIZE} 家企业" in output


def test_the_same_seed_gives_the_same_data_and_another_seed_other_data():
    first = seeded_fingerprint("--seed", "7")
    assert Enterprise.objects.count() == 0  # rolled back
    assert seeded_fingerprint("--seed", "7") == first
    assert seeded_fingerprint("--seed", "8") != first


def test_the_data_keeps_the_portals_rules():
    seed("--password", "Scale-pass-2026")
    assert User.objects.get(username="district-LJXQ").check_password("Scale-pass-2026")

    # Cumulative figures never fall within a year; 软件业务收入 is the sum of its parts, as the service sums.
    reports = MonthlyReport.objects.order_by("enterprise", "period")
    previous = {}
    for report in reports:
        key = (report.enterprise_id, report.period.year)
        if key in previous:
            for name in CUMULATIVE_FIELDS:
                assert getattr(report, name) >= getattr(previous[key], name), (report, name)
        previous[key] = report
        assert report.software_revenue == enterprise_services._software_revenue(report)

    # Occupancy within capacity on every day it changes; areas and dates match the dated change records.
    occupancies = defaultdict(list)
    for occupancy in Occupancy.objects.all():
        occupancies[occupancy.building_id].append(occupancy)
    for building in Building.objects.all():
        rows = occupancies[building.pk]
        for day in {row.start_date for row in rows}:
            assert sum(row.area for row in rows if row.is_active_on(day)) <= building.letting_area
        assert len({row.enterprise_id for row in rows}) == len(rows)
        assert building.acquired_area <= building.gross_area and building.letting_area <= building.gross_area
        changes = list(AcquisitionChange.objects.filter(building=building).order_by("changed_on", "pk"))
        assert (
            sum(change.area_added for change in changes)
            == building.acquired_area
            == changes[-1].acquired_area
        )
        assert changes[-1].changed_on == building.acquired_on
        renovation = RenovationChange.objects.filter(building=building).latest("changed_on", "pk")
        assert (renovation.status, renovation.changed_on) == (
            building.renovation_status,
            building.renovation_on,
        )

    # Tiers are what the tier recompute gives from the accepted December reports.
    stored = {e.pk: (e.tier, e.tier_year, e.tier_headcount, e.tier_revenue) for e in Enterprise.objects.all()}
    assert any(tier for tier, *_ in stored.values())
    for enterprise in Enterprise.objects.all():
        again = enterprise_services.recompute_tier(enterprise=enterprise)
        assert (again.tier, again.tier_year, again.tier_headcount, again.tier_revenue) == stored[
            enterprise.pk
        ]

    # Scenario amounts stay within their funding.
    for scenario in Scenario.objects.filter(awarded_on__isnull=False):
        won = sum(a.amount for a in scenario.applications.filter(status="won"))
        assert 0 < won <= scenario.funding_amount


def test_a_database_with_data_is_refused_and_nothing_is_written():
    factories.EnterpriseFactory()
    users = User.objects.count()
    with pytest.raises(CommandError, match="数据库中已有数据（企业 1 条）.*未写入任何内容"):
        seed()
    assert (Enterprise.objects.count(), User.objects.count(), MonthlyReport.objects.count()) == (1, users, 0)
    assert not Building.objects.exists() and not Scenario.objects.exists() and not Token.objects.exists()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--scale", "town"], "--scale 应为 city 或企业数（正整数），收到“town”。"),
        (["--scale", "0"], "--scale 应为 city 或企业数（正整数），收到“0”。"),
        (["--seed", "3"], "--seed 只能与 --scale 一起使用。"),
    ],
)
def test_bad_arguments_are_refused_and_nothing_is_written(args, message):
    with pytest.raises(CommandError) as refused:
        call_command("seed_demo", *args, stdout=io.StringIO())
    assert str(refused.value) == message
    assert not User.objects.exists() and not Enterprise.objects.exists()


def foreign_keys() -> list:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) FROM pg_constraint "
            "WHERE contype = 'f' ORDER BY 1, 2"
        )
        return cursor.fetchall()


def failing_scenarios(monkeypatch):
    def fail(_scale):
        raise RuntimeError("场景生成失败")

    monkeypatch.setattr("scenarios.scale.load", fail)


def test_a_failure_leaves_nothing_behind(monkeypatch):
    failing_scenarios(monkeypatch)
    with pytest.raises(RuntimeError, match="场景生成失败"):
        seed()
    assert not Enterprise.objects.exists() and not MonthlyReport.objects.exists()
    assert not Building.objects.exists() and not User.objects.exists()


def test_the_foreign_keys_lifted_for_copy_are_put_back(monkeypatch):
    require(connection.vendor == "postgresql", "COPY and the lifted foreign keys are PostgreSQL's")
    before = foreign_keys()
    assert before
    with monkeypatch.context() as patch:
        failing_scenarios(patch)
        with pytest.raises(RuntimeError):
            seed()
    assert foreign_keys() == before  # rolled back with the failed load
    seed()
    assert foreign_keys() == before  # re-added after a successful one
