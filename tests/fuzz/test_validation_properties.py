"""Properties of the monthly-report checks (SPEC §4; ``enterprises/validation.py``), for any figures:

- money figures are cumulative from January (本年累计): a year whose figures never fall is accepted, in any
  order its months are filed; a figure that falls is refused, under that field, with a Chinese message
  naming it and the month it may not go below (or above), and nothing is written; January starts afresh;
  profit may fall;
- 软件业务收入 is the sum of its four parts, whatever they are, also after an edit;
- a negative figure (profit aside) and an "of which" above its parent are refused under their field;
- the in-memory context the Excel import uses gives the very verdicts the database gives.

The database properties file through ``enterprises.services`` (what the forms and the API call), one
enterprise per example, each example rolled back.
"""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from enterprises import services
from enterprises.models import CUMULATIVE_FIELDS, FIGURE_FIELDS, OF_WHICH, SOFTWARE_PARTS, MonthlyReport
from enterprises.validation import PrefetchedContext, check_report, label
from portal.periods import format_period
from tests import factories

# A year long past, so that every month of it may be filed.
YEAR = timezone.localdate().year - 2
PARENT_OF = {child: parent for parent, children in OF_WHICH.items() for child in children}
# Figures that are not "of which" rows: each month adds any amount to them.
TOP_FIELDS = [name for name in CUMULATIVE_FIELDS if name not in PARENT_OF]

# Each example touches the database a few dozen times: fewer of them, and no deadline.
DB = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


def cents(low: int, high: int):
    return st.integers(low, high).map(lambda n: Decimal(n).scaleb(-2))


@st.composite
def years(draw, min_months=1, max_months=12, year=YEAR):
    """A year of reports whose cumulative figures never fall: each filed month adds a non-negative amount to
    every figure, an "of which" row at most what its parent gains. Profit and headcount move freely."""
    months = sorted(draw(st.sets(st.integers(1, 12), min_size=min_months, max_size=max_months)))
    totals = dict.fromkeys(CUMULATIVE_FIELDS, Decimal(0))
    reports = []
    for month in months:
        added = {name: draw(cents(0, 10**8)) for name in TOP_FIELDS}
        for child, parent in PARENT_OF.items():
            added[child] = draw(cents(0, int(added[parent] * 100)))
        totals = {name: totals[name] + added[name] for name in CUMULATIVE_FIELDS}
        reports.append(
            {
                "period": date(year, month, 1),
                "employees": draw(st.integers(0, 60_000)),
                "profit": draw(cents(-(10**9), 10**9)),
                **totals,
            }
        )
    return reports


def figures(report: dict) -> dict:
    return {name: report[name] for name in FIGURE_FIELDS}


def file(enterprise, report: dict):
    """File one report through the service: the report, or the refusal's errors by field."""
    try:
        return services.create_report(
            actor=None, enterprise=enterprise, period=report["period"], **figures(report)
        )
    except ValidationError as exc:
        return exc.message_dict


@pytest.fixture
def example(db):
    """Run an example in a savepoint that is rolled back, with an enterprise of its own."""

    class Example:
        def __enter__(self):
            self.atomic = transaction.atomic()
            self.atomic.__enter__()
            return factories.EnterpriseFactory()

        def __exit__(self, *exc):
            transaction.set_rollback(True)
            self.atomic.__exit__(*exc)

    return Example


# --- the database path ------------------------------------------------------------------------------------


@DB
@given(years(), st.randoms(use_true_random=False))
def test_a_year_that_never_falls_is_accepted_in_any_filing_order(example, year, random):
    order = list(year)
    random.shuffle(order)
    with example() as enterprise:
        for report in order:
            saved = file(enterprise, report)
            assert isinstance(saved, MonthlyReport), (report["period"], saved)
            saved.refresh_from_db()
            # 软件业务收入 is the sum of its four parts, never typed.
            assert saved.software_revenue == sum(report[part] for part in SOFTWARE_PARTS)
        assert MonthlyReport.objects.filter(enterprise=enterprise).count() == len(year)


@DB
@given(
    years(min_months=2),
    st.sampled_from(CUMULATIVE_FIELDS),
    st.data(),
    st.booleans(),
)
def test_a_figure_that_falls_within_a_year_is_refused_and_nothing_is_written(
    example, year, name, data, forwards
):
    """Lower one figure of one month below the month before it. Filed in date order, that month is refused
    ("不能低于" the month before); filed backwards, the month before it is ("不能高于" this one)."""
    i = data.draw(st.integers(1, len(year) - 1), label="month that falls")
    earlier, later = year[i - 1], year[i]
    assume(earlier[name] > 0)
    later[name] = earlier[name] - data.draw(cents(1, int(earlier[name] * 100)), label="fall")
    for child in OF_WHICH.get(name, ()):  # keep the month's own "of which" rows within it
        later[child] = min(later[child], later[name])
    order = year[: i + 1] if forwards else year[i - 1 :][::-1]
    refused, compared = (later, earlier) if forwards else (earlier, later)
    word = "低于" if forwards else "高于"
    with example() as enterprise:
        for report in order[:-1]:
            assert isinstance(file(enterprise, report), MonthlyReport)
        errors = file(enterprise, order[-1])
        assert isinstance(errors, dict), f"{name} fell but {format_period(refused['period'])} was accepted"
        message = (
            f"{label(name)}是本年累计数，不能{word} {format_period(compared['period'])} 已报的 "
            f"{compared[name]} "
        )
        assert any(text.startswith(message) for text in errors[name]), errors
        # Lowering a parent may also put one of its "of which" rows above it: refused under that row.
        assert set(errors) <= {name, *OF_WHICH.get(name, ())}, errors
        assert not MonthlyReport.objects.filter(enterprise=enterprise, period=refused["period"]).exists()
        assert MonthlyReport.objects.filter(enterprise=enterprise).count() == len(order) - 1


@DB
@given(years(year=YEAR - 1), years(year=YEAR))
def test_january_starts_a_new_year(example, last_year, this_year):
    """Whatever last year's figures were (every one of them higher than this year's, say), this year's
    are compared only with this year's."""
    for report in last_year:
        for name in CUMULATIVE_FIELDS:
            report[name] += Decimal(10**9)
    with example() as enterprise:
        for report in last_year + this_year:
            assert isinstance(file(enterprise, report), MonthlyReport), report["period"]


@DB
@given(years(min_months=1), st.data())
def test_software_revenue_stays_the_sum_of_its_parts_after_an_edit(example, year, data):
    with example() as enterprise:
        for report in year:
            assert isinstance(file(enterprise, report), MonthlyReport)
        last = MonthlyReport.objects.filter(enterprise=enterprise).order_by("-period").first()
        # Raising the latest month's parts keeps the year from falling.
        changes = {part: getattr(last, part) + data.draw(cents(0, 10**6)) for part in SOFTWARE_PARTS}
        changes["operating_revenue"] = last.operating_revenue
        edited = services.update_report(actor=None, report=last, **changes)
        edited.refresh_from_db()
        assert edited.software_revenue == sum(changes[part] for part in SOFTWARE_PARTS)


# --- the rules on one report (no other report to compare with) --------------------------------------------


def alone(report: dict) -> dict | None:
    """The verdict on a report of an enterprise with no other report: None, or the errors by field."""
    unsaved = MonthlyReport(enterprise_id=1, period=report["period"], **figures(report))
    unsaved.software_revenue = sum(report[part] for part in SOFTWARE_PARTS)
    try:
        check_report(unsaved, PrefetchedContext(enterprises=[], periods=[]))
    except ValidationError as exc:
        return exc.message_dict
    return None


@given(years(max_months=2))
def test_valid_figures_pass(year):
    assert alone(year[-1]) is None


@given(years(max_months=2), st.sampled_from(["employees", *CUMULATIVE_FIELDS]), cents(1, 10**8))
def test_a_negative_figure_is_refused_under_its_field(year, name, minus):
    report = year[-1]
    report[name] = -minus if name != "employees" else -int(minus * 100)
    errors = alone(report)
    assert errors is not None and name in errors
    assert f"{label(name)}不能为负数" in errors[name][0]


@given(years(max_months=2), cents(-(10**9), -1))
def test_profit_may_be_negative(year, profit):
    report = year[-1]
    report["profit"] = profit
    assert alone(report) is None


@given(years(max_months=2), st.sampled_from(sorted(PARENT_OF)), cents(1, 10**8))
def test_an_of_which_above_its_parent_is_refused_under_it(year, child, excess):
    report = year[-1]
    report[child] = report[PARENT_OF[child]] + excess
    errors = alone(report)
    assert errors is not None and set(errors) == {child}
    assert f"其中项“{label(child)}”" in errors[child][0] and label(PARENT_OF[child]) in errors[child][0]


@given(years(max_months=2, year=timezone.localdate().year + 1))
def test_a_month_not_yet_over_is_refused(year):
    this_month = timezone.localdate().replace(day=1)
    report = dict(year[0], period=this_month)
    assert "period" in alone(report)
    assert "period" in alone(year[0])  # next year's


# --- the import's in-memory context and the database agree -------------------------------------------------


@DB
@given(years(min_months=1), st.data(), st.randoms(use_true_random=False))
def test_the_import_context_gives_the_verdicts_the_database_gives(example, year, data, random):
    """Random figures moved up or down, filed in a random order: the import (``PrefetchedContext``, each
    accepted report ``put`` in memory) and the forms and API (the database) accept and refuse alike."""
    for report in year:
        for name in data.draw(st.lists(st.sampled_from(CUMULATIVE_FIELDS), max_size=3), label="moved"):
            report[name] = max(Decimal("0.00"), report[name] + data.draw(cents(-(10**8), 10**8), label="by"))
    random.shuffle(year)
    with example() as enterprise:
        context = PrefetchedContext(enterprises=[enterprise], periods=[r["period"] for r in year])
        for report in year:
            in_database = file(enterprise, report)
            unsaved = MonthlyReport(enterprise=enterprise, period=report["period"], **figures(report))
            unsaved.software_revenue = sum(report[part] for part in SOFTWARE_PARTS)
            try:
                check_report(unsaved, context)
                in_memory = None
                context.put(unsaved)
            except ValidationError as exc:
                in_memory = exc.message_dict
            if isinstance(in_database, MonthlyReport):
                assert in_memory is None, (report["period"], in_memory)
            else:
                assert in_memory == in_database, report["period"]
