"""Fuzzing and property tests: bounded, reproducible Hypothesis settings and a small seeded world.

The ``fuzz`` profile (the default) is derandomized, so a run in CI draws the same examples every time;
``HYPOTHESIS_PROFILE=fuzz-explore`` draws fresh random examples, many more of them, to hunt for new bugs
locally.
"""

import os
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.signals import request_finished, request_started
from django.db import close_old_connections, transaction
from django.test import override_settings
from django.utils import timezone
from hypothesis import HealthCheck, settings

from tests import factories
from tests.conftest import World

settings.register_profile(
    "fuzz",
    max_examples=150,
    derandomize=True,
    database=None,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.register_profile("fuzz-explore", max_examples=2000, database=None, deadline=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "fuzz"))


@pytest.fixture
def direct_wsgi():
    """Requests sent straight to the WSGI application must not close the test's database connection: Django
    closes it on ``request_finished`` when it is inside a transaction, which every pytest-django test is.
    Django's own test client detaches the same receivers."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture(scope="module")
def fuzz_world(django_db_setup, django_db_blocker):
    """The ``world`` cast of tests/conftest.py plus a record of every kind in several states, so that
    fuzzed path parameters hit real objects. Seeded once per module in a transaction that is rolled back at
    its end; each test runs in a savepoint inside it (pytest-django's ``db``)."""
    # The MD5 hasher of tests/conftest.py is function-scoped; the seed's accounts need it too.
    fast = override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"])
    with django_db_blocker.unblock(), transaction.atomic(), fast:
        world = _seed()
        yield world
        transaction.set_rollback(True)


def _seed() -> World:
    from buildings import services as building_services
    from evaluation import services as evaluation_services
    from portal.models import ImportJob
    from programmes import services as programme_services
    from programmes.models import Target

    own = factories.EnterpriseFactory(region=factories.region("500103"), uscc=factories.make_uscc(8000001))
    other = factories.EnterpriseFactory(
        region=factories.region("500105"), uscc=factories.make_uscc(8000002, "500105")
    )
    world = World(
        city=factories.city_user(username="fuzz-city"),
        own_region_code="500103",
        other_region_code="500105",
        own_enterprise=own,
        other_enterprise=other,
        district=factories.district_user("500103", username="fuzz-officer-yuzhong"),
        other_district=factories.district_user("500105", username="fuzz-officer-jiangbei"),
        enterprise=factories.enterprise_user(own, username="fuzz-filer-own"),
        other_enterprise_user=factories.enterprise_user(other, username="fuzz-filer-other"),
    )

    # Monthly reports in every state, for both regions (written directly: set-up, not the rule under test).
    for months_ago, status in enumerate(("draft", "submitted", "approved", "accepted", "returned"), start=2):
        for enterprise in (own, other):
            factories.ReportFactory(
                enterprise=enterprise, period=factories.past_period(months_ago), status=status
            )
    world.grant()

    # Buildings of both regions, occupied; one a current 示范楼宇, one revoked.
    for code, enterprise in (("500103", own), ("500105", other)):
        building = factories.make_building(code)
        factories.make_occupancy(building, enterprise=enterprise, area="800.00")
        factories.designate(building, batch=1)
    revoked = factories.make_building("500103")
    factories.designate(revoked, batch=1, days_ago=60)
    building_services.revoke_designation(
        actor=None, building=revoked, reason="测试撤销", revoked_on=timezone.localdate() - timedelta(days=5)
    )

    # Scenarios in every state, district- and city-level, with applications.
    for status in ("collected", "published", "awarded", "in_progress", "delivered", "withdrawn"):
        factories.make_scenario("500103", status=status)
    factories.make_scenario("500105", status="published", applicants=[own])
    factories.make_scenario("500103", status="awarded", level="city")

    # An evaluation scheme with a manual indicator, one published run and one draft run.
    scheme = evaluation_services.create_scheme(
        actor=None,
        name="模糊测试评价方案",
        year=timezone.localdate().year - 1,
        period="Y",
        regions=[factories.region("500103"), factories.region("500105")],
        indicators=[
            {"code": "enterprises", "name": "新增企业数", "weight": "60", "source": "new_enterprises"},
            {"code": "ecology", "name": "产业生态建设", "weight": "40", "source": "manual"},
        ],
        award_table=[Decimal("3000"), Decimal("2500")],
    )
    evaluation_services.set_manual_score(
        actor=None, scheme=scheme, region=factories.region("500103"), indicator="ecology", score="30"
    )
    for publish in (True, False):
        run = evaluation_services.request_recompute(actor=None, scheme=scheme)
        run = evaluation_services.compute_run(run_id=run.pk)
        if publish:
            evaluation_services.publish_run(actor=None, run=run)

    # Programmes and targets come from the data migration; add the ledgers and a manual progress entry.
    factories.make_project("500103")
    factories.make_project("500105")
    factories.make_event("500103")
    factories.make_event(None)
    item = factories.make_work_item("500103")
    factories.make_work_item(None, number="T-2")
    programme_services.add_work_item_note(actor=None, work_item=item, note="已启动", status="in_progress")
    manual = Target.objects.filter(metric="manual").select_related("programme").first()
    if manual is not None:
        programme_services.record_progress(
            actor=None,
            target=manual,
            reported_on=min(manual.programme.period_end, timezone.localdate()),
            value="1",
            evidence="测试证明材料",
        )
    for actor in (world.city, world.district, world.other_district):
        ImportJob.objects.create(kind="buildings", actor=actor, filename="fuzz.xlsx", content=b"")
    return world
