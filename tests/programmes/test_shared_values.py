"""The dashboards at scale: a query count that does not grow with the enterprises and reports, with and without
the shared values, and shared values that last exactly until the data they come from change."""

from datetime import date, timedelta

import pytest
from django.core.cache import cache
from django.db import transaction
from django.utils import timezone

from enterprises import selectors as enterprise_selectors
from enterprises import services as enterprise_services
from enterprises.models import MonthlyReport
from portal.models import Region
from portal.periods import add_months, month_start
from programmes import metrics
from programmes.selectors import last_month_completeness
from tests.factories import EnterpriseFactory, ReportFactory, make_project, make_uscc, region

pytestmark = pytest.mark.django_db

DASHBOARDS = ["/dashboard/", "/dashboard/region/?region=500109", "/progress/"]


def grow(n: int, start: int = 0):
    """``n`` more enterprises in four regions and a 园城, each with accepted reports this year and last year
    (a December among them), some arrived this year."""
    today = timezone.localdate()
    this_month, last_year = month_start(today), date(today.year - 1, 12, 1)
    for i in range(start, start + n):
        code = ["500103", "500105", "500109", "500112"][i % 4]
        enterprise = EnterpriseFactory(
            region=region(code),
            park=region("500109-01") if code == "500109" and i % 8 == 2 else None,
            uscc=make_uscc(6400000 + i, code),
            arrival_date=today - timedelta(days=20) if i % 3 == 0 else None,
        )
        ReportFactory(enterprise=enterprise, period=last_year, status="accepted", employees=40 + i)
        ReportFactory(enterprise=enterprise, period=this_month, status="accepted", employees=50 + i)


def queries(django_assert_max_num_queries, client, url, *, cold: bool) -> int:
    if cold:
        cache.clear()
    with django_assert_max_num_queries(60) as captured:
        assert client.get(url).status_code == 200
    return len(captured.captured_queries)


@pytest.mark.parametrize("url", DASHBOARDS)
def test_dashboards_query_count_does_not_grow_with_the_data(
    url, client, world, django_assert_max_num_queries
):
    client.force_login(world.city)
    grow(3)
    client.get(url)  # per-process caches (settings rows, content types)
    small_cold = queries(django_assert_max_num_queries, client, url, cold=True)
    small_warm = queries(django_assert_max_num_queries, client, url, cold=False)
    grow(24, start=3)
    large_cold = queries(django_assert_max_num_queries, client, url, cold=True)
    large_warm = queries(django_assert_max_num_queries, client, url, cold=False)
    assert large_cold == small_cold, f"{url}: {small_cold} queries with little data, {large_cold} with more"
    assert large_warm == small_warm
    assert small_warm < small_cold  # the shared values spare the metric queries


def employees_of(response, code: str):
    return next(row["values"]["employees"] for row in response.context["table"] if row["region"].code == code)


def test_shared_values_last_until_accepted_data_change(
    client, world, django_capture_on_commit_callbacks, django_assert_max_num_queries
):
    this_month = month_start(timezone.localdate())
    first = world.report(status="accepted", period=this_month, employees=77)
    client.force_login(world.city)
    assert employees_of(client.get("/dashboard/"), "500103") == 77

    # A write that bypasses the ORM sends no signal: the shared value stays (and is what the page shows).
    MonthlyReport.objects.filter(pk=first.pk).update(employees=99)
    warm = queries(django_assert_max_num_queries, client, "/dashboard/", cold=False)
    assert employees_of(client.get("/dashboard/"), "500103") == 77

    # Accepting a report through the service bumps the version once it commits.
    newcomer = EnterpriseFactory(region=region("500103"), uscc=make_uscc(6500001, "500103"))
    second = ReportFactory(enterprise=newcomer, period=this_month, status="approved", employees=11)
    with django_capture_on_commit_callbacks(execute=True):
        enterprise_services.accept_report(actor=world.city, report=second)
    assert queries(django_assert_max_num_queries, client, "/dashboard/", cold=False) > warm
    assert employees_of(client.get("/dashboard/"), "500103") == 99 + 11

    # So does unlocking it again.
    with django_capture_on_commit_callbacks(execute=True):
        enterprise_services.unlock_report(actor=world.city, report=second, reason="更正")
    assert employees_of(client.get("/dashboard/"), "500103") == 99


def test_registry_and_ledger_changes_show_at_once(client, world, django_capture_on_commit_callbacks):
    """Enterprises and projects send no accepted_data_changed: their saves bump the version themselves."""
    today = timezone.localdate()
    client.force_login(world.city)

    def cells(code):
        response = client.get("/dashboard/region/", {"region": code})
        return {item["label"]: item["value"] for item in response.context["standing"]}

    before = cells("500109")
    with django_capture_on_commit_callbacks(execute=True):
        EnterpriseFactory(region=region("500109"), uscc=make_uscc(6500002, "500109"), arrival_date=today)
        make_project("500109", name="共享值测试项目", stage="landed", landed_on=today, signed_on=today)
    after = cells("500109")
    assert after["本年新增企业（家）"] == before["本年新增企业（家）"] + 1
    assert after["本年落地项目（个）"] == before["本年落地项目（个）"] + 1


def test_filing_bumps_only_the_filings_version(world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        report = world.report(status="draft")  # with the set-up's writes, committed
    accepted, filings = metrics.data_version(metrics.ACCEPTED_DATA), metrics.data_version(metrics.FILINGS)
    with django_capture_on_commit_callbacks(execute=True):
        enterprise_services.submit_report(actor=world.enterprise, report=report)
    assert metrics.data_version(metrics.ACCEPTED_DATA) == accepted  # no metric reads a submitted report
    assert metrics.data_version(metrics.FILINGS) > filings  # the completeness card does


def test_one_bump_per_transaction_however_many_rows(world, django_capture_on_commit_callbacks, monkeypatch):
    bumped = []
    for data, versions in metrics.VERSIONS.items():
        monkeypatch.setattr(versions, "bump", lambda data=data: bumped.append(data))
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        for i in range(5):
            EnterpriseFactory(region=region("500103"), uscc=make_uscc(6500100 + i, "500103"))
    assert sorted(bumped) == [metrics.ACCEPTED_DATA, metrics.FILINGS]
    with django_capture_on_commit_callbacks(execute=True):
        EnterpriseFactory(region=region("500103"), uscc=make_uscc(6500200, "500103"))
    assert len(bumped) == 4  # the next commit bumps again


def test_the_completeness_card_shows_a_submission_at_once(client, world, django_capture_on_commit_callbacks):
    last_month = add_months(month_start(timezone.localdate()), -1)
    report = world.report(status="draft", period=last_month)
    client.force_login(world.city)
    filed = client.get("/dashboard/").context["completeness"]["filed"]
    with django_capture_on_commit_callbacks(execute=True):
        enterprise_services.submit_report(actor=world.enterprise, report=report)
    assert client.get("/dashboard/").context["completeness"]["filed"] == filed + 1


def test_completeness_card_equals_the_completeness_pages_totals(world):
    """The card's one-query totals against ``enterprises.selectors.completeness``, region by region and in
    total: filed on time and late, accepted, drafts, returned, not expected (not reporting, arrived after the
    month), and reports of other months."""
    today = timezone.localdate()
    period = add_months(month_start(today), -1)
    due = enterprise_selectors.deadline(period)
    on_time = timezone.make_aware(timezone.datetime.combine(due, timezone.datetime.min.time()))
    late = on_time + timedelta(days=3)
    cases = [
        ("500103", {}, [(period, "submitted", on_time)]),
        ("500103", {}, [(period, "accepted", late)]),
        ("500103", {}, [(period, "approved", on_time), (add_months(period, -1), "accepted", on_time)]),
        ("500103", {}, [(period, "draft", None)]),
        ("500105", {}, [(period, "returned", late)]),
        ("500105", {}, [(add_months(period, -1), "accepted", on_time)]),  # filed an older month only
        ("500105", {"reporting": False}, [(period, "accepted", on_time)]),  # not expected to file
        ("500105", {"arrival_date": add_months(period, 1)}, []),  # arrived after the month
        ("500109", {"park": region("500109-01"), "arrival_date": period}, [(period, "submitted", late)]),
    ]
    for i, (code, fields, reports) in enumerate(cases):
        enterprise = EnterpriseFactory(region=region(code), uscc=make_uscc(6600000 + i, code), **fields)
        for month, status, submitted_at in reports:
            ReportFactory(enterprise=enterprise, period=month, status=status, submitted_at=submitted_at)
    for regions in (list(Region.objects.top_level()), [region("500103")], [region("500109")]):
        rows = enterprise_selectors.completeness(period, regions)
        card = last_month_completeness(today=today, regions=regions)
        assert (card["expected"], card["filed"], card["accepted"], card["late"]) == (
            sum(r.expected for r in rows),
            sum(r.filed for r in rows),
            sum(r.accepted for r in rows),
            sum(r.late for r in rows),
        )
    everything = last_month_completeness(today=today, regions=Region.objects.top_level())
    # world's two enterprises are expected too and have not filed; late: the accepted one and the 园城's
    assert (everything["expected"], everything["filed"], everything["accepted"], everything["late"]) == (
        9,
        4,
        1,
        2,
    )
