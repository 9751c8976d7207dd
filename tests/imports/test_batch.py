"""The 月报 import's batch path (issue 9): every row is checked in memory, in file order, against the database
and the rows above it by the services' own rules, then everything is written in a fixed number of queries —
with the same results, errors and records as filing each row through the services."""

from datetime import date
from decimal import Decimal

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from enterprises import services
from enterprises.imports import MonthlyReportImport, _uscc
from enterprises.models import FIGURE_FIELDS, Enterprise, MonthlyReport, ReportTransition
from portal import imports
from portal.imports import CREATED, UNCHANGED, UPDATED, RowError, RowRefused
from portal.periods import add_months
from tests import factories

from .conftest import workbook_bytes
from .test_imports import report_row

pytestmark = pytest.mark.django_db

YEAR = timezone.localdate().year - 1  # every month of last year has ended


def month(number: int, year: int = YEAR) -> date:
    return date(year, number, 1)


def run(content: bytes, actor, *, dry_run: bool = False, kind=MonthlyReportImport) -> imports.Report:
    rows, headers = imports.read_bytes(content, kind)
    return imports.run_import(kind, rows, headers, actor=actor, dry_run=dry_run)


def errors_at(report: imports.Report, row: int) -> list[dict]:
    return next(r for r in report.rows if r["row"] == row)["errors"]


def enterprises(count: int, start: int = 0, region: str = "500103") -> list[Enterprise]:
    region_obj = factories.region(region)
    Enterprise.objects.bulk_create(
        [
            Enterprise(
                uscc=factories.make_uscc(6_100_000 + n),
                name=f"重庆批量{n}有限公司",
                region=region_obj,
                industry="software",
            )
            for n in range(start, start + count)
        ]
    )
    codes = [factories.make_uscc(6_100_000 + n) for n in range(start, start + count)]
    return list(Enterprise.objects.filter(uscc__in=codes).order_by("uscc"))


def peers(count: int = 6, periods=(), region: str = "500103") -> None:
    """Accepted reports of other enterprises of the region: the revenue-per-head warning compares with them."""
    for n, enterprise in enumerate(enterprises(count, start=900, region=region)):
        for period in periods:
            factories.ReportFactory(
                enterprise=enterprise,
                period=period,
                status="accepted",
                employees=100 + n,
                operating_revenue=50 * period.month,
            )


def history_count() -> int:
    return MonthlyReport.history.count()


# --- a fixed number of queries ------------------------------------------------------------------------------------


def _queries(content: bytes, actor, *, dry_run: bool) -> list[str]:
    """The SQL of one import, rolled back afterwards so the next run starts from the same data."""
    with transaction.atomic():
        with CaptureQueriesContext(connection) as context:
            report = run(content, actor, dry_run=dry_run)
        assert not report.has_errors, [r for r in report.rows if r["errors"]][:2]
        transaction.set_rollback(True)
    return [q["sql"] for q in context.captured_queries]


def test_a_20_row_and_a_200_row_import_make_the_same_queries(world):
    firms = enterprises(40)
    peers(periods=[month(m) for m in range(1, 6)])
    for firm in (firms[0], firms[4]):  # one existing draft in each file gets new figures
        factories.ReportFactory(enterprise=firm, period=month(1), operating_revenue=400)

    def content(firms_in_file):
        return workbook_bytes(
            "monthly-reports",
            [report_row(f.uscc, month(m), scale=m) for f in firms_in_file for m in range(1, 6)],
        )

    small, large = content(firms[:4]), content(firms[:40])
    for dry_run in (True, False):
        few = _queries(small, world.district, dry_run=dry_run)
        many = _queries(large, world.district, dry_run=dry_run)
        if dry_run or connection.vendor == "postgresql":
            assert len(few) == len(many), (dry_run, few, many)
        else:
            # SQLite takes at most 999 values per INSERT, so Django splits the inserts of many rows; the
            # other queries are the same.
            assert len([q for q in few if not q.startswith("INSERT")]) == len(
                [q for q in many if not q.startswith("INSERT")]
            )
        # Both: the regions, the transaction's savepoint and its end, the enterprises, the reports around
        # the periods and those of the rows' keys. A dry run rolls back. The apply locks the enterprises,
        # reads the settings (created here: 2 inserts) and the region's accepted peers for the warnings, and
        # writes. SQLite: the new reports, their history, the changed one, its history, the transitions.
        # PostgreSQL: the new reports' ids, COPY of the new reports, a temporary table (create, COPY,
        # update from it, drop) for the changed one, COPY of the history and of the transitions.
        writes = 8 if connection.vendor == "postgresql" else 5
        assert len(few) == 6 + (1 if dry_run else 1 + 4 + writes), few


# --- rows are checked against the rows above them -----------------------------------------------------------------


def test_a_row_is_checked_against_the_rows_above_it_not_below(world):
    uscc = world.own_enterprise.uscc
    rows = [
        report_row(uscc, month(2), scale=1),  # nothing filed yet: February is fine
        report_row(uscc, month(1), scale=2),  # January, higher than the February row above it: refused
        report_row(uscc, month(3), scale=3),  # March, higher than February: fine
    ]
    report = run(workbook_bytes("monthly-reports", rows), world.district)
    assert errors_at(report, 2) == [] and errors_at(report, 4) == []
    revenue = next(e for e in errors_at(report, 3) if e["column"] == "主营业务收入（万元）")
    assert revenue["message"] == f"主营业务收入是本年累计数，不能高于 {YEAR}-02 已报的 800.00 万元。"
    assert revenue["cell"] == "D3"
    assert revenue["text"] == f"第 3 行“主营业务收入（万元）”列（D3）：{revenue['message']}"
    assert not MonthlyReport.objects.exists()


def test_a_row_is_checked_against_a_report_changed_by_a_row_above(world):
    uscc = world.own_enterprise.uscc
    world.report("returned", period=month(3), operating_revenue=500, return_reason="请核实")
    rows = [
        report_row(uscc, month(3), scale=3),  # the returned March report now says 2400
        report_row(uscc, month(4), scale=2),  # 1600 would pass against 500, not against 2400
    ]
    report = run(workbook_bytes("monthly-reports", rows), world.district)
    assert [r["action"] for r in report.rows] == [UPDATED, "error"]
    revenue = next(e for e in errors_at(report, 3) if e["column"] == "主营业务收入（万元）")
    assert revenue["message"] == f"主营业务收入是本年累计数，不能低于 {YEAR}-03 已报的 2400.00 万元。"
    assert MonthlyReport.objects.get().operating_revenue == Decimal("500.00")  # nothing written


def test_warnings_compare_with_the_rows_above(world):
    uscc = world.own_enterprise.uscc
    rows = [
        report_row(uscc, month(1)),
        report_row(uscc, month(2), scale=2, **{"从业人员（人）": 200}),  # 120 → 200 in the row above
    ]
    report = run(workbook_bytes("monthly-reports", rows), world.district)
    assert report.committed, report.rows
    february = MonthlyReport.objects.get(period=month(2))
    assert {w["code"]: w["message"] for w in february.warnings} == {
        "headcount_change": "从业人员环比变动 66.7%（上月 120 人，本月 200 人），超过 30% 预警线。"
    }


# --- all or nothing -------------------------------------------------------------------------------------------


def test_one_bad_row_among_good_ones_writes_nothing(world):
    firms = enterprises(12)
    rows = [report_row(f.uscc, month(m), scale=m) for f in firms for m in range(1, 6)]
    rows[43]["其中：云服务（万元）"] = "99999.00"  # sheet row 45: of which above its parent
    content = workbook_bytes("monthly-reports", rows)

    dry = run(content, world.district, dry_run=True)
    assert dry.summary == {"created": 59, "updated": 0, "unchanged": 0, "errors": 1}
    [error] = errors_at(dry, 45)
    assert error["column"] == "其中：云服务（万元）"
    assert error["message"] == "其中项“云服务”（99999.00 万元）不能超过“信息技术服务收入”（1400.00 万元）。"
    assert error["cell"] == "I45"

    applied = run(content, world.district)
    assert not applied.committed and applied.rows == dry.rows
    assert not MonthlyReport.objects.exists()
    assert not ReportTransition.objects.exists()
    assert history_count() == 0


# --- the records written --------------------------------------------------------------------------------------


def test_history_and_transitions_carry_the_importing_user(world):
    uscc = world.own_enterprise.uscc
    returned = world.report("returned", period=month(5), return_reason="利润有误", operating_revenue=500)
    filed_at = returned.created_at
    rows = [report_row(uscc, month(5), scale=2), report_row(uscc, month(4), scale=1)]
    report = run(workbook_bytes("monthly-reports", rows), world.district)
    assert report.summary == {"created": 1, "updated": 1, "unchanged": 0, "errors": 0}

    created = MonthlyReport.objects.get(period=month(4))
    assert (created.status, created.software_revenue) == ("submitted", Decimal("700.00"))
    assert created.submitted_at is not None
    assert list(created.transitions.values_list("from_status", "to_status", "actor")) == [
        ("", "draft", world.district.pk),
        ("draft", "submitted", world.district.pk),
    ]
    assert list(created.history.values_list("history_type", "history_user", "status")) == [
        ("+", world.district.pk, "submitted")
    ]

    returned.refresh_from_db()
    assert (returned.status, returned.return_reason) == ("submitted", "")
    assert returned.operating_revenue == Decimal("1600.00")
    assert returned.created_at == filed_at and returned.updated_at > filed_at
    assert list(returned.transitions.values_list("from_status", "to_status", "actor")) == [
        ("returned", "submitted", world.district.pk)
    ]
    assert list(returned.history.filter(history_type="~").values_list("history_user", flat=True)) == [
        world.district.pk
    ]

    # The same file again changes nothing: no new history, no new transition.
    again = run(workbook_bytes("monthly-reports", rows), world.district)
    assert again.summary == {"created": 0, "updated": 0, "unchanged": 2, "errors": 0}
    assert history_count() == 3 and ReportTransition.objects.count() == 3  # the returned one's "+" too


def test_city_staff_import_drafts_with_their_name_on_them(world):
    rows = [report_row(world.other_enterprise.uscc, month(6))]
    report = run(workbook_bytes("monthly-reports", rows), world.city)
    assert report.committed
    draft = MonthlyReport.objects.get()
    assert (draft.status, draft.warnings, draft.submitted_at) == ("draft", [], None)
    assert list(draft.transitions.values_list("from_status", "to_status", "actor")) == [
        ("", "draft", world.city.pk)
    ]
    assert draft.history.get().history_user == world.city


# --- the same outcome as filing each row through the services ------------------------------------------------


class ReportsRowByRow(MonthlyReportImport):
    """The 月报 kind on the engine's row-by-row path: each row in its savepoint through create_report,
    update_report and submit_report, as the forms and the API file one report."""

    apply_batch = None

    def prepare(self, rows):
        self.enterprises = {
            e.uscc: e
            for e in Enterprise.objects.visible_to(self.actor).filter(
                uscc__in=[_uscc(r["uscc"]) for r in rows]
            )
        }

    def apply(self, values):
        enterprise = self.enterprises.get(_uscc(values["uscc"]))
        if enterprise is None:
            raise RowRefused(
                [
                    RowError(
                        "统一社会信用代码",
                        f"统一社会信用代码“{values['uscc']}”对应的企业不存在或不在您管辖的区域内，请先登记企业。",
                    )
                ]
            )
        figures = {name: values[name] for name in FIGURE_FIELDS}
        report = MonthlyReport.objects.filter(enterprise=enterprise, period=values["period"]).first()
        if report is None:
            report = services.create_report(
                actor=self.actor, enterprise=enterprise, period=values["period"], **figures
            )
            action = CREATED
        elif all(getattr(report, name) == value for name, value in figures.items()):
            return UNCHANGED
        else:
            report = services.update_report(actor=self.actor, report=report, **figures)
            action = UPDATED
        if self._submits():
            services.submit_report(actor=self.actor, report=report)
        return action


def _state():
    return {
        (r.enterprise.uscc, r.period): (
            r.status,
            r.warnings,
            r.return_reason,
            r.submitted_at is not None,
            *(getattr(r, name) for name in FIGURE_FIELDS),
            r.software_revenue,
            list(r.transitions.values_list("from_status", "to_status", "actor")),
        )
        for r in MonthlyReport.objects.select_related("enterprise")
    }


def _tricky_world(world):
    """Peers for the revenue-per-head median, last December for the January jump, reports in every state."""
    peers(periods=[month(12, YEAR - 1), *(month(m) for m in range(1, 5))])
    own, firms = world.own_enterprise, enterprises(3)
    factories.ReportFactory(
        enterprise=own, period=month(12, YEAR - 1), operating_revenue=300, status="accepted"
    )
    world.report("draft", period=month(2), **_figures(2, employees=100))
    world.report("returned", period=month(4), return_reason="请核实", **_figures(5))
    factories.ReportFactory(enterprise=firms[0], period=month(2), status="accepted", **_figures(2))
    return own, firms


def _figures(scale: int, **overrides) -> dict:
    """A report's figures as ``report_row(…, scale=scale)`` writes them."""
    figures = {
        name: value if name == "employees" else Decimal(value) * scale
        for name, value in factories.report_payload().items()
    }
    figures["software_revenue"] = sum(
        figures[name]
        for name in ("software_product_revenue", "it_service_revenue", "security_revenue", "embedded_revenue")
    )
    return figures | overrides


@pytest.mark.parametrize("who", ["district", "city"])
def test_a_good_file_ends_as_filing_row_by_row_through_the_services(world, who):
    own, firms = _tricky_world(world)
    actor = world.user(who)
    rows = [
        report_row(own.uscc, month(1), scale=1),  # 800 after 300 last December: the January jump
        report_row(own.uscc, month(2), scale=2),  # the draft changes
        report_row(own.uscc, month(3), scale=3, **{"从业人员（人）": 400}),  # headcount change
        report_row(own.uscc, month(4), scale=4),  # the returned report is filed again
        report_row(firms[0].uscc, month(1), scale=1, **{"从业人员（人）": 1}),  # far from the peers' median
        report_row(firms[0].uscc, month(2), scale=2),  # equal to the accepted report: unchanged
        report_row(firms[1].uscc, month(3), scale=1),
        report_row(firms[1].uscc, month(1), scale=1),  # January, not above the March row above it: fine
        *(report_row(firms[2].uscc, month(m), scale=m) for m in range(1, 5)),
    ]
    content = workbook_bytes("monthly-reports", rows)
    with transaction.atomic():
        by_services = run(content, actor, kind=ReportsRowByRow)
        assert by_services.committed, [r for r in by_services.rows if r["errors"]]
        expected = _state()
        transaction.set_rollback(True)
    before = _state()
    batch = run(content, actor)
    assert batch.as_dict() == by_services.as_dict()
    assert batch.summary == {"created": 9, "updated": 2, "unchanged": 1, "errors": 0}
    assert _state() == expected != before
    if who == "district":
        codes = {(uscc, p.month): {w["code"] for w in state[1]} for (uscc, p), state in expected.items()}
        assert "january_jump" in codes[own.uscc, 1]
        assert "headcount_change" in codes[own.uscc, 3]
        assert "revenue_per_head" in codes[firms[0].uscc, 1]


@pytest.mark.parametrize("who", ["district", "city"])
def test_a_bad_file_gets_the_errors_of_filing_row_by_row(world, who):
    own, firms = _tricky_world(world)
    this_month = timezone.localdate().replace(day=1)
    rows = [
        report_row(own.uscc, month(2), scale=2),  # the draft's headcount changes
        report_row(own.uscc, month(1), scale=3),  # higher than the February row above it
        report_row(firms[0].uscc, month(2), scale=3),  # the accepted report is locked
        report_row(firms[0].uscc, month(2), scale=2),  # the same key twice
        report_row(firms[1].uscc, this_month),  # the current month has not ended
        report_row(firms[1].uscc, add_months(this_month, 1)),  # a future month
        report_row(firms[1].uscc, month(5), **{"软件业务出口（万美元）": "-1"}),
        report_row(firms[1].uscc, month(6), **{"其中：工控安全（万元）": "21.00"}),
        report_row(firms[2].uscc, month(3), scale=3),
        report_row(firms[2].uscc, month(2), scale=4),  # higher than the March row above it
        report_row(world.other_enterprise.uscc, month(3)),  # another region's, for the district officer
        report_row(factories.make_uscc(6_999_999), month(3)),  # not registered
        report_row(own.uscc, month(4), scale=1),  # the returned April report, lower than February
    ]
    content = workbook_bytes("monthly-reports", rows)
    for dry_run in (True, False):
        expected = run(content, world.user(who), dry_run=dry_run, kind=ReportsRowByRow)
        batch = run(content, world.user(who), dry_run=dry_run)
        assert batch.as_dict() == expected.as_dict()
        messages = {r["row"]: " ".join(e["message"] for e in r["errors"]) for r in batch.rows}
        assert f"不能高于 {YEAR}-02 已报的" in messages[3]
        assert "只有草稿或已退回的月报可以修改" in messages[4]
        assert "与第 4 行重复" in messages[5]
        assert "尚未结束" in messages[6] and "是未来月份" in messages[7]
        assert "不能为负数" in messages[8] and "不能超过“信息安全收入”" in messages[9]
        assert messages[10] == "" and f"不能高于 {YEAR}-03 已报的" in messages[11]
        assert "不存在或不在您管辖的区域内" in messages[13]
        assert f"不能低于 {YEAR}-02 已报的" in messages[14]
    assert MonthlyReport.objects.filter(enterprise__in=firms[1:]).count() == 0
