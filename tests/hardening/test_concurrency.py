"""Concurrency: two people doing the same thing at the same moment change the ledger once.

The races run on two real PostgreSQL connections (two threads, each with its own Django connection),
started together; ``HoldFirst`` keeps whichever writer gets there first inside its transaction until the
other is seen waiting for its lock, so each test proves the lock rather than hoping for an interleaving.
"""

import threading

import pytest
from django.db import connection
from django.db.models.signals import post_save
from django.utils import timezone

from buildings.models import Building
from enterprises.models import MonthlyReport, ReportTransition
from evaluation import services as evaluation_services
from evaluation.indicators import SOURCES, Source
from evaluation.models import Run, RunResult
from portal import taskqueue
from tests import factories
from tests.conftest import require

from .conftest import HoldFirst, holding, race, token_client

STALE = "该楼宇已被他人修改，请刷新后重试。"
race_db = pytest.mark.django_db(transaction=True)


def needs_postgresql():
    require(
        connection.vendor == "postgresql", "needs PostgreSQL (DATABASE_URL): row locks across connections"
    )


@pytest.fixture
def sent(monkeypatch):
    """Tasks queued, recorded instead of sent: the races are about the requests, not the computation."""
    queued = []
    monkeypatch.setattr(taskqueue, "send", lambda task, *args, **kwargs: queued.append((task.name, args)))
    return queued


# --- two reviewers approve the same monthly report ------------------------------------------------------


@race_db
def test_two_reviewers_approving_one_report_record_one_transition(world):
    needs_postgresql()
    report = world.report(status="submitted")
    second = factories.district_user("500103", username="officer-yuzhong-2")
    reviewers = [token_client(world.district), token_client(second)]
    url = f"/api/v1/monthly-reports/{report.pk}/approve/"

    with holding(post_save, MonthlyReport, HoldFirst()) as hold:
        responses = race(*(lambda c=client: c.post(url) for client in reviewers))

    assert hold.saw_waiter, "the second approval never waited for the report's row lock"
    assert sorted(r.status_code for r in responses) == [200, 409]
    refusal = next(r for r in responses if r.status_code == 409).json()["detail"]
    assert "不能审核通过" in refusal, refusal
    steps = ReportTransition.objects.filter(report=report, to_status="approved")
    assert steps.count() == 1
    assert MonthlyReport.objects.get(pk=report.pk).status == "approved"


# --- two edits of one building ----------------------------------------------------------------------------


@race_db
def test_two_edits_of_one_building_from_the_same_version_save_one(world):
    needs_postgresql()
    building = factories.make_building("500103", operator="原运营团队")
    editors = {"甲运营团队": token_client(world.district), "乙运营团队": token_client(world.city)}
    url = f"/api/v1/buildings/{building.pk}/"
    assert token_client(world.city).get(url)["ETag"] == '"1"'
    history = building.history.count()

    def edit(client, operator):
        return lambda: client.patch(url, {"operator": operator}, format="json", HTTP_IF_MATCH='"1"')

    with holding(post_save, Building, HoldFirst()) as hold:
        responses = race(*(edit(client, operator) for operator, client in editors.items()))

    assert hold.saw_waiter, "the second edit never waited for the building's row lock"
    assert sorted(r.status_code for r in responses) == [200, 412]
    saved = next(r for r in responses if r.status_code == 200)
    refused = next(r for r in responses if r.status_code == 412)
    assert refused.json() == {"detail": STALE}
    assert saved["ETag"] == '"2"' and saved.json()["version"] == 2
    building = Building.objects.get(pk=building.pk)
    assert (building.operator, building.version) == (saved.json()["operator"], 2)
    assert building.history.count() == history + 1  # the refused edit wrote nothing


def test_a_building_answers_its_version_and_refuses_a_stale_if_match(world, api):
    building = factories.make_building("500103", operator="原运营团队")
    client = api.as_user(world.district)
    url = f"/api/v1/buildings/{building.pk}/"
    read = client.get(url)
    assert (read["ETag"], read.data["version"]) == ('"1"', 1)

    saved = client.patch(url, {"operator": "新团队"}, format="json", HTTP_IF_MATCH=read["ETag"])
    assert (saved.status_code, saved["ETag"], saved.data["version"]) == (200, '"2"', 2)

    history = building.history.count()
    for stale in ('"1"', '"abc"', '"1", "3"', "1"):
        refused = client.patch(url, {"operator": "旧页面的修改"}, format="json", HTTP_IF_MATCH=stale)
        assert (refused.status_code, refused.data) == (412, {"detail": STALE}), stale
    building.refresh_from_db()
    assert (building.operator, building.version, building.history.count()) == ("新团队", 2, history)

    # Several tags, a weak one (as a compressing proxy makes them), "*", or none (API.md's clients): accepted.
    for header, version in (('"7", "2"', 3), ('W/"3"', 4), ("*", 5), (None, 6)):
        extra = {"HTTP_IF_MATCH": header} if header else {}
        response = client.patch(url, {"operator": f"第{version}版"}, format="json", **extra)
        assert (response.status_code, response["ETag"]) == (200, f'"{version}"'), header


def test_the_edit_form_refuses_a_page_loaded_before_someone_else_saved(world, client):
    from django.test import Client

    building = factories.make_building("500103", operator="原运营团队")
    url = f"/buildings/{building.pk}/edit/"
    first, second = Client(), client
    first.force_login(world.city)
    second.force_login(world.district)
    pages = [c.get(url).content.decode() for c in (first, second)]
    assert all('<input type="hidden" name="version" value="1"' in page for page in pages)

    form = {
        "name": building.name,
        "region": building.region_id,
        "address": building.address,
        "owner": building.owner,
        "gross_area": "20000.00",
        "acquired_area": "15000.00",
        "letting_area": "12000.00",
        "renovation_status": building.renovation_status,
        "version": "1",
    }
    assert first.post(url, {**form, "operator": "市级改的"}).status_code == 302
    history = building.history.count()
    response = second.post(url, {**form, "operator": "区县改的"})
    assert response.status_code == 409
    assert STALE in response.content.decode()
    building.refresh_from_db()
    assert (building.operator, building.version, building.history.count()) == ("市级改的", 2, history)


# --- two recomputes of one scheme -----------------------------------------------------------------------


@race_db
def test_two_recompute_requests_at_once_make_one_run(world, year_2025, make_scheme, sent):
    needs_postgresql()
    scheme = make_scheme()
    staff = [token_client(world.city), token_client(factories.city_user(username="city-staff-2"))]
    url = f"/api/v1/evaluation/schemes/{scheme.pk}/recompute/"

    with holding(post_save, Run, HoldFirst()) as hold:
        responses = race(*(lambda c=client: c.post(url) for client in staff))

    assert hold.saw_waiter, "the second request never waited for the scheme's row lock"
    assert [r.status_code for r in responses] == [202, 202]
    runs = list(Run.objects.filter(scheme=scheme))
    assert len(runs) == 1 and {r.json()["run"] for r in responses} == {runs[0].pk}
    # Each request sent the task; a second copy finds the run taken (next test) and computes nothing.
    assert sent == [("evaluation.tasks.compute_run", (runs[0].pk,))] * 2


@race_db
def test_one_run_delivered_twice_at_once_is_computed_once(year_2025, make_scheme, sent, monkeypatch):
    needs_postgresql()
    scheme = make_scheme()
    run = evaluation_services.request_recompute(actor=None, scheme=scheme)
    computed, guard, other_returned = [], threading.Lock(), threading.Event()

    def counting(name, source):
        def compute(*args, **kwargs):
            with guard:
                computed.append(name)
                first = len(computed) == 1
            if first:  # mid-computation until the other delivery has come and gone
                other_returned.wait(10)
            return source.compute(*args, **kwargs)

        return Source(source.label, source.unit, compute, source.records)

    for name, source in list(SOURCES.items()):
        monkeypatch.setitem(SOURCES, name, counting(name, source))

    def deliver():
        try:
            return evaluation_services.compute_run(run_id=run.pk).status
        finally:
            other_returned.set()

    statuses = race(deliver, deliver)

    assert sorted(statuses) == ["done", "running"], statuses  # the twin found the run taken
    assert sorted(computed) == sorted(i["source"] for i in run.inputs["indicators"])  # once each
    run.refresh_from_db()
    assert (run.status, RunResult.objects.filter(run=run).count()) == ("done", 4)


def test_recompute_joins_a_queued_run_and_is_refused_while_one_computes(world, api, make_scheme, sent):
    scheme = make_scheme()
    client = api.as_user(world.city)
    url = f"/api/v1/evaluation/schemes/{scheme.pk}/recompute/"
    first = client.post(url)
    again = client.post(url)
    assert (first.status_code, again.status_code) == (202, 202)
    assert first.data == again.data and Run.objects.count() == 1

    run = Run.objects.get()
    # A worker has taken it up (what services.compute_run's claim writes).
    Run.objects.filter(pk=run.pk).update(status="running", progress=40, started_at=timezone.now())
    refused = client.post(url)
    assert refused.status_code == 409
    assert refused.data == {
        "detail": f"该方案正在计算中（计算 #{run.pk}，进度 40%），请等待完成后再重新计算。"
    }
    assert Run.objects.count() == 1

    # The page says the same and stays on the scheme.
    from django.test import Client

    page = Client()
    page.force_login(world.city)
    response = page.post(f"/evaluation/schemes/{scheme.pk}/recompute/", follow=True)
    assert response.redirect_chain[-1][0] == f"/evaluation/schemes/{scheme.pk}/"
    assert f"该方案正在计算中（计算 #{run.pk}" in response.content.decode()
    assert Run.objects.count() == 1
