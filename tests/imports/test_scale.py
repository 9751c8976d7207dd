"""Scale (issue 8): a 10,000-row monthly report import through the real services (not timed: its speed
belongs to the benchmark issue), and the queries an import makes per row stay fixed."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from enterprises.models import Enterprise, MonthlyReport
from portal import imports
from portal.periods import add_months
from tests import factories

from .conftest import workbook_bytes
from .test_imports import enterprise_row, report_row

pytestmark = pytest.mark.django_db


def _enterprises(count: int) -> list[Enterprise]:
    region = factories.region("500103")
    Enterprise.objects.bulk_create(
        [
            Enterprise(
                uscc=factories.make_uscc(6_000_000 + n),
                name=f"重庆月报{n}有限公司",
                region=region,
                industry="software",
            )
            for n in range(count)
        ]
    )
    return list(Enterprise.objects.filter(name__startswith="重庆月报").order_by("pk"))


def _run(kind, content, actor, dry_run=False):
    rows, headers = imports.read_bytes(content, imports.kinds()[kind])
    return imports.run_import(imports.kinds()[kind], rows, headers, actor=actor, dry_run=dry_run)


def test_ten_thousand_monthly_reports_through_the_services(world):
    enterprises = _enterprises(2000)
    last = factories.past_period(1)
    periods = [add_months(last, -n) for n in range(5)]
    rows = [
        report_row(e.uscc, period, scale=1 + periods[::-1].index(period) if period.year == last.year else 1)
        for e in enterprises
        for period in periods
    ]
    # Cumulative figures must not fall within a year: scale grows month by month; across a new year any is fine.
    assert len(rows) == 10_000
    content = workbook_bytes("monthly-reports", rows)
    report = _run("monthly-reports", content, world.district)
    assert report.summary == {"created": 10_000, "updated": 0, "unchanged": 0, "errors": 0}, [
        r for r in report.rows if r["errors"]
    ][:3]
    assert MonthlyReport.objects.filter(status="submitted").count() == 10_000


def _count(kind, content, actor, dry_run=True) -> int:
    with CaptureQueriesContext(connection) as context:
        report = _run(kind, content, actor, dry_run=dry_run)
    assert not report.has_errors, report.rows[:2]
    return len(context.captured_queries)


def test_queries_per_row_are_fixed(world):
    """New rows cost what the services cost, the same for every row; unchanged rows cost nothing."""
    five = _count(
        "enterprises", workbook_bytes("enterprises", [enterprise_row(i) for i in range(5)]), world.district
    )
    ten = _count(
        "enterprises", workbook_bytes("enterprises", [enterprise_row(i) for i in range(10)]), world.district
    )
    twenty = _count(
        "enterprises", workbook_bytes("enterprises", [enterprise_row(i) for i in range(20)]), world.district
    )
    per_row = (ten - five) / 5
    assert twenty - ten == per_row * 10
    assert per_row <= 12  # savepoint ×2, the service's lock/exists/insert/history/tags

    content = workbook_bytes("enterprises", [enterprise_row(i) for i in range(20)])
    _run("enterprises", content, world.district)
    unchanged_20 = _count("enterprises", content, world.district)
    unchanged_5 = _count(
        "enterprises", workbook_bytes("enterprises", [enterprise_row(i) for i in range(5)]), world.district
    )
    assert unchanged_20 - unchanged_5 == 15 * 2  # only the savepoint around each row
