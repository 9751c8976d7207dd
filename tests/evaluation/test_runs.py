from datetime import date
from decimal import Decimal

import pytest

from evaluation import selectors, services
from evaluation.models import Run
from tests.factories import EnterpriseFactory, ReportFactory, make_uscc

from .conftest import DEVELOPMENT, run_now

pytestmark = pytest.mark.django_db


def table(run):
    return [
        (
            r["region"],
            r["rank"],
            r["total_score"],
            r["award"],
            [(i["code"], i["value"], i["score"]) for i in r["indicators"]],
        )
        for r in selectors.results_table(run)
    ]


def test_annual_scoring_on_hand_made_data(year_2025, make_scheme):
    run = run_now(make_scheme())
    assert run.status == "done" and run.progress == 100
    assert table(run) == [
        (
            "500103",
            1,
            "90.00",
            "3000.00",
            [
                ("acquired", "10000.00", "20.00"),
                ("used", "2000.00", "10.00"),
                ("enterprises", "2.00", "30.00"),
                ("employees", "100.00", "30.00"),
            ],
        ),
        (
            "500105",
            2,
            "45.00",
            "2500.00",
            [
                ("acquired", "5000.00", "10.00"),
                ("used", "1000.00", "5.00"),
                ("enterprises", "1.00", "15.00"),
                ("employees", "50.00", "15.00"),
            ],
        ),
        (
            "500107",
            3,
            "20.00",
            "2000.00",
            [
                ("acquired", "0.00", "0.00"),
                ("used", "4000.00", "20.00"),
                ("enterprises", "0.00", "0.00"),
                ("employees", "0.00", "0.00"),
            ],
        ),
        (
            "500106",
            4,
            "0.00",
            "0.00",
            [
                ("acquired", "0.00", "0.00"),
                ("used", "0.00", "0.00"),
                ("enterprises", "0.00", "0.00"),
                ("employees", "-30.00", "0.00"),
            ],
        ),
    ]


def test_half_year_uses_january_to_june_only(year_2025, make_scheme):
    run = run_now(make_scheme(period="H1", table=()))
    values = {
        r["region"]: {i["code"]: i["value"] for i in r["indicators"]} for r in selectors.results_table(run)
    }
    assert values["500103"] == {
        "acquired": "10000.00",
        "used": "2000.00",
        "enterprises": "1.00",
        "employees": "0.00",
    }
    # B: the August acquisition and September letting are outside H1; June's 210 counts, December's 250 not.
    assert values["500105"] == {
        "acquired": "0.00",
        "used": "0.00",
        "enterprises": "1.00",
        "employees": "10.00",
    }
    assert values["500107"]["used"] == "4000.00"
    assert {r["award"] for r in selectors.results_table(run)} == {"0.00"}


def test_relocations_within_chongqing_are_a_scheme_setting(year_2025, make_scheme):
    with_relocations = [
        dict(i, source="new_enterprises_with_relocations") if i["code"] == "enterprises" else i
        for i in DEVELOPMENT
    ]
    excluded = run_now(make_scheme())
    included = run_now(make_scheme(indicators=with_relocations))

    def count(run):
        return next(
            i["value"] for i in selectors.results_table(run)[0]["indicators"] if i["code"] == "enterprises"
        )

    assert (count(excluded), count(included)) == ("2.00", "3.00")


def test_manual_indicator_scores(year_2025, make_scheme, world):
    indicators = DEVELOPMENT[:3] + [
        {"code": "mechanism", "name": "工作机制", "weight": "30", "source": "manual"}
    ]
    scheme = make_scheme(indicators=indicators)
    services.set_manual_score(
        actor=world.city,
        scheme=scheme,
        region=year_2025["C"],
        indicator="mechanism",
        score="28.5",
        comment="专班推进，机制健全",
    )
    rows = {r["region"]: r for r in selectors.results_table(run_now(scheme))}
    assert rows["500106"]["total_score"] == "28.50"
    assert rows["500106"]["indicators"][3] == {"code": "mechanism", "value": "28.50", "score": "28.50"}


def test_published_run_never_changes_and_a_new_run_shows_the_difference(year_2025, make_scheme, world):
    scheme = make_scheme()
    published = services.publish_run(actor=world.city, run=run_now(scheme))
    before = table(published)
    # New data for C: an enterprise that arrived in 2025 is registered late.
    EnterpriseFactory(region=year_2025["C"], uscc=make_uscc(9300009, "500106"), arrival_date=date(2025, 7, 1))
    draft = run_now(scheme)
    published.refresh_from_db()
    assert table(published) == before and published.status == "published"
    diff = {row["region"]: row for row in selectors.diff_from_published(draft)}
    assert diff["500106"]["changed"] is True, diff
    assert selectors.diff_from_published(published) is None
    # Recomputing a published run (a re-delivered task) leaves it as it is.
    assert services.compute_run(run_id=published.pk).status == "published"
    assert table(Run.objects.get(pk=published.pk)) == before


def test_scorecard_drills_down_to_the_records(year_2025, make_scheme):
    run = run_now(make_scheme())
    card = selectors.scorecard(run, "500103")
    rows = {row["code"]: row for row in card["rows"]}
    assert [r["value"] for r in rows["acquired"]["records"]] == [Decimal("10000.00")]
    assert [r["value"] for r in rows["used"]["records"]] == [Decimal("2000.00")]
    assert len(rows["enterprises"]["records"]) == 2  # the relocated one is not behind the number
    assert [(r["label"], r["value"]) for r in rows["employees"]["records"]][0][1] == Decimal(100)
    assert rows["employees"]["rank"] == 1


def test_accepting_a_report_recomputes_affected_schemes(
    year_2025, make_scheme, world, api, django_capture_on_commit_callbacks
):
    scheme = make_scheme(codes=["500103", "500105"], table=("3000", "2500"))
    other_year = make_scheme(codes=["500103", "500105"], table=())
    other_year.year = 2024
    other_year.save()
    report = ReportFactory(enterprise=world.own_enterprise, period=date(2025, 3, 1), status="approved")
    with django_capture_on_commit_callbacks(execute=True):
        api.as_user(world.city).post(f"/api/v1/monthly-reports/{report.pk}/accept/")
    assert list(Run.objects.filter(scheme=scheme).values_list("trigger", "status")) == [("data", "done")]
    assert not Run.objects.filter(scheme=other_year).exists()


def test_recomputes_are_debounced(make_scheme, monkeypatch):
    from evaluation import tasks

    scheme = make_scheme()
    queued = []
    monkeypatch.setattr(
        tasks.recompute_scheme,
        "apply_async",
        lambda args, kwargs=None, countdown=None, **options: queued.append((args, countdown)),
    )
    assert tasks.schedule_recompute(scheme.pk) is True
    assert tasks.schedule_recompute(scheme.pk) is False  # already pending
    assert queued == [((scheme.pk, "data"), tasks.DEBOUNCE_SECONDS)]
    monkeypatch.undo()
    tasks.recompute_scheme(scheme.pk)  # the pending task runs: the next change may schedule again
    monkeypatch.setattr(
        tasks.recompute_scheme, "apply_async", lambda args, *a, **options: queued.append(args)
    )
    assert tasks.schedule_recompute(scheme.pk) is True


def test_beat_recomputes_a_period_that_just_closed(make_scheme, monkeypatch):
    from django.utils import timezone

    from evaluation import tasks

    scheme = make_scheme()
    scheme.year = timezone.localdate().year - 1  # closed last 31 December; "today" is 2 January
    scheme.save()
    monkeypatch.setattr(tasks.timezone, "localdate", lambda: date(scheme.year + 1, 1, 2))
    assert tasks.recompute_closed_periods() != []
    assert tasks.recompute_closed_periods() == []  # a run since the close: nothing more to do


def test_a_building_change_recomputes_affected_schemes(make_scheme, django_capture_on_commit_callbacks):
    from tests.factories import make_building

    scheme = make_scheme(codes=["500103", "500105"], table=("3000", "2500"))
    with django_capture_on_commit_callbacks(execute=True):
        make_building("500103", acquired_area=Decimal(8000), acquired_on=date(2025, 5, 1))
    assert list(Run.objects.filter(scheme=scheme).values_list("trigger", flat=True)) == ["data"]
    with django_capture_on_commit_callbacks(execute=True):
        make_building("500106", acquired_area=Decimal(8000), acquired_on=date(2025, 5, 1))  # not evaluated
    assert Run.objects.filter(scheme=scheme).count() == 1


def test_scenario_scheme_on_hand_made_data(db):
    from django.utils import timezone

    from tests.factories import make_scenario, region

    make_scenario("500103", status="published")
    make_scenario("500103", status="delivered", amount="200.00")
    make_scenario("500105", status="awarded", amount="100.00")
    make_scenario("500105", status="withdrawn")  # a withdrawn scenario counts nowhere
    scheme = services.create_scheme(
        actor=None,
        name="中心城区应用场景建设评价（测试）",
        year=timezone.localdate().year,
        period="Y",
        regions=[region("500103"), region("500105")],
        indicators=[
            {"code": "published", "name": "发布场景数", "weight": "30", "source": "published_scenarios"},
            {"code": "awarded", "name": "揭榜金额", "weight": "40", "source": "awarded_amount"},
            {"code": "delivered", "name": "落地场景数", "weight": "30", "source": "delivered_scenarios"},
        ],
        award_table=["500", "400"],
        award_cap=500,
    )
    assert table(run_now(scheme)) == [
        (
            "500103",
            1,
            "100.00",
            "500.00",
            [("published", "2.00", "30.00"), ("awarded", "200.00", "40.00"), ("delivered", "1.00", "30.00")],
        ),
        (
            "500105",
            2,
            "35.00",
            "400.00",
            [("published", "1.00", "15.00"), ("awarded", "100.00", "20.00"), ("delivered", "0.00", "0.00")],
        ),
    ]
