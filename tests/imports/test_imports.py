"""Excel import (issue 8): file-level refusals before any work, per-row errors with row and column, dry run,
all-or-nothing apply, idempotent re-import, scope, and the roles that may import."""

import io
import zipfile
from datetime import date
from decimal import Decimal

import pytest

from buildings.models import Building, Occupancy
from enterprises.models import Enterprise, MonthlyReport
from portal.models import ImportJob
from tests import factories

from .conftest import workbook_bytes

pytestmark = pytest.mark.django_db


def enterprise_row(n: int, region: str = "渝中区", **overrides) -> dict:
    row = {
        "统一社会信用代码": factories.make_uscc(5_000_000 + n),
        "企业名称": f"重庆导入软件{n}有限公司",
        "所属区域": region,
        "产业方向": "软件开发",
        "重点领域": "工业软件、开源",
        "入驻日期": date(2024, 3, 1),
        "入驻来源": "新设立",
        "纳入月报": "是",
        "联系人": "李四",
        "联系电话": 2363001234,
    }
    row.update(overrides)
    return row


def building_row(name: str = "导入大厦", region: str = "渝中区", **overrides) -> dict:
    row = {
        "楼宇名称": name,
        "所属区域": region,
        "地址": "重庆市渝中区导入路 8 号",
        "产权单位": "重庆导入投资有限公司",
        "建筑面积（㎡）": 20000,
        "收储面积（㎡）": 15000,
        "收储日期": "2024-05-01",
        "可招商面积（㎡）": 12000,
        "改造状态": "已完成改造",
        "改造状态日期": "2024-08-01",
        "“拎包入住”条件": "网络通讯接入、物业服务到位",
        "支持政策类型": "租金减免",
    }
    row.update(overrides)
    return row


def report_row(uscc: str, period: date, scale: int = 1, **overrides) -> dict:
    from enterprises.imports import MONEY_HEADERS

    figures = factories.report_payload()
    row = {"统一社会信用代码": uscc, "报告期": f"{period:%Y-%m}"}
    for name, header in MONEY_HEADERS.items():
        value = figures[name]
        row[header] = value if name == "employees" else str(Decimal(value) * scale)
    row.update(overrides)
    return row


def errors_of(report: dict, row: int) -> list[dict]:
    return next(r for r in report["rows"] if r["row"] == row)["errors"]


# --- roles ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["buildings", "enterprises", "occupancies", "monthly-reports"])
def test_enterprise_users_cannot_import_any_kind(world, post_import, kind):
    response = post_import(world.enterprise, kind, workbook_bytes(kind, []))
    assert response.status_code == 403


def test_unknown_kind_is_404(world, post_import):
    assert post_import(world.city, "scenarios", b"x").status_code == 404


# --- file-level refusals, before any work ------------------------------------------------------------------


def test_a_renamed_text_file_is_refused(world, post_import):
    response = post_import(world.district, "enterprises", "统一社会信用代码,企业名称\n".encode())
    assert response.status_code == 400
    assert "不是有效的 Excel 工作簿（.xlsx）" in response.data["file"][0]
    assert not Enterprise.objects.exclude(
        pk__in=[world.own_enterprise.pk, world.other_enterprise.pk]
    ).exists()


def test_a_zip_bomb_like_file_is_refused_before_unpacking(world, post_import, settings):
    settings.IMPORT_MAX_UNPACKED_BYTES = 5 * 1024 * 1024
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<workbook/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"\0" * (20 * 1024 * 1024))
    content = buffer.getvalue()
    assert len(content) < 100 * 1024
    response = post_import(world.district, "enterprises", content)
    assert response.status_code == 400
    assert "疑似压缩炸弹" in response.data["file"][0]


def test_a_file_above_the_size_limit_is_refused(world, post_import, settings):
    settings.IMPORT_MAX_BYTES = 2000
    content = workbook_bytes("enterprises", [enterprise_row(i) for i in range(50)])
    response = post_import(world.district, "enterprises", content)
    assert response.status_code == 400
    assert "超过" in response.data["file"][0] and "MB 的上限" in response.data["file"][0]
    assert Enterprise.objects.count() == 2


def test_too_many_rows_are_refused(world, post_import, settings):
    settings.IMPORT_MAX_ROWS = 5
    response = post_import(
        world.district, "enterprises", workbook_bytes("enterprises", [enterprise_row(i) for i in range(6)])
    )
    assert response.status_code == 400
    assert "超过每次 5 行的上限" in response.data["file"][0]
    assert Enterprise.objects.count() == 2


def test_wrong_headers_are_refused_naming_the_column(world, post_import):
    headers = ["统一社会信用代码", "企业名称", "所属区县"]
    response = post_import(world.district, "enterprises", workbook_bytes("enterprises", [], headers=headers))
    assert response.status_code == 400
    assert response.data["file"] == ["表头第 C 列“所属区县”不是企业名录模板中的列，请使用模板的表头。"]


def test_missing_headers_are_refused(world, post_import):
    headers = ["统一社会信用代码", "企业名称"]
    response = post_import(
        world.district, "enterprises", workbook_bytes("enterprises", [{}], headers=headers)
    )
    assert response.status_code == 400
    assert response.data["file"][0].startswith("表头缺少列：所属区域、")


def test_unexpected_sheets_are_refused(world, post_import):
    content = workbook_bytes("enterprises", [enterprise_row(1)], extra_sheets=["Sheet2"])
    response = post_import(world.district, "enterprises", content)
    assert response.status_code == 400
    assert "模板以外的工作表：Sheet2" in response.data["file"][0]
    wrong = workbook_bytes("enterprises", [enterprise_row(1)], sheet="Sheet1")
    response = post_import(world.district, "enterprises", wrong)
    assert "模板以外的工作表：Sheet1" in response.data["file"][0]
    assert Enterprise.objects.count() == 2


# --- per-row errors: row, column, message, and nothing written ------------------------------------------------


def test_a_bad_uscc_in_row_57_is_reported_and_nothing_is_written(world, post_import):
    rows = [enterprise_row(i) for i in range(56)]
    rows[55]["统一社会信用代码"] = "91500103MA00000000"  # the 56th data row is sheet row 57
    response = post_import(world.district, "enterprises", workbook_bytes("enterprises", rows))
    assert response.status_code == 400
    report = response.data
    assert report["summary"] == {"created": 55, "updated": 0, "unchanged": 0, "errors": 1}
    [error] = errors_of(report, 57)
    assert error["column"] == "统一社会信用代码"
    assert error["cell"] == "A57"
    assert error["message"] == "统一社会信用代码“91500103MA00000000”无效：应为 18 位代码且校验位正确。"
    assert error["text"].startswith("第 57 行“统一社会信用代码”列（A57）：")
    assert Enterprise.objects.count() == 2


def test_a_duplicate_row_inside_the_file_is_an_error(world, post_import):
    rows = [enterprise_row(1), enterprise_row(2), enterprise_row(1, 企业名称="重庆重复软件有限公司")]
    response = post_import(world.district, "enterprises", workbook_bytes("enterprises", rows))
    assert response.status_code == 400
    [error] = errors_of(response.data, 4)
    assert error["column"] == "统一社会信用代码"
    assert error["message"] == "与第 2 行重复（统一社会信用代码相同），同一记录只能出现一次。"
    assert Enterprise.objects.count() == 2


def test_a_row_for_another_region_is_an_error_for_a_district_officer(world, post_import):
    rows = [building_row("本区大厦"), building_row("江北大厦", region="江北区")]
    response = post_import(world.district, "buildings", workbook_bytes("buildings", rows))
    assert response.status_code == 400
    assert errors_of(response.data, 2) == []
    [error] = errors_of(response.data, 3)
    assert error["column"] == "所属区域"
    assert error["message"] == "区县用户只能导入本区域的楼宇：本行为“江北区”，不是“渝中区”。"
    assert not Building.objects.exists()
    # City staff import every region's rows.
    response = post_import(world.city, "buildings", workbook_bytes("buildings", rows))
    assert response.status_code == 200, response.data
    assert Building.objects.count() == 2


def test_another_regions_enterprise_is_not_found_in_a_monthly_report_import(world, post_import):
    period = factories.past_period(2)
    rows = [report_row(world.other_enterprise.uscc, period)]
    response = post_import(world.district, "monthly-reports", workbook_bytes("monthly-reports", rows))
    assert response.status_code == 400
    [error] = errors_of(response.data, 2)
    assert error["column"] == "统一社会信用代码"
    assert "不存在或不在您管辖的区域内" in error["message"]
    assert not MonthlyReport.objects.exists()


def test_a_cumulative_revenue_lower_than_last_month_is_an_error(world, post_import):
    from portal.periods import add_months

    february = factories.past_period(2)
    january = add_months(february, -1)
    if january.year != february.year:  # cumulative figures restart in January
        february, january = add_months(february, -1), add_months(february, -2)
    uscc = world.own_enterprise.uscc
    rows = [report_row(uscc, january, scale=2), report_row(uscc, february, scale=1)]
    response = post_import(world.district, "monthly-reports", workbook_bytes("monthly-reports", rows))
    assert response.status_code == 400
    errors = errors_of(response.data, 3)
    revenue = next(e for e in errors if e["column"] == "主营业务收入（万元）")
    assert revenue["message"] == (f"主营业务收入是本年累计数，不能低于 {january:%Y-%m} 已报的 1600.00 万元。")
    assert revenue["cell"] == "D3"
    assert errors_of(response.data, 2) == []
    assert not MonthlyReport.objects.exists()


def test_a_bad_cell_names_its_column(world, post_import):
    rows = [building_row(**{"建筑面积（㎡）": "两万", "收储日期": "2024年5月"})]
    response = post_import(world.district, "buildings", workbook_bytes("buildings", rows))
    errors = {e["column"]: e["message"] for e in errors_of(response.data, 2)}
    assert errors == {
        "建筑面积（㎡）": "“两万”不是数字。",
        "收储日期": "日期“2024年5月”格式错误，应为 YYYY-MM-DD，例如 2025-03-01。",
    }


# --- dry run, apply, idempotency ------------------------------------------------------------------------------


def test_dry_run_reports_and_writes_nothing_then_apply_then_reimport_is_unchanged(world, post_import):
    content = workbook_bytes("enterprises", [enterprise_row(i) for i in range(3)])
    response = post_import(world.district, "enterprises", content, dry_run=True)
    assert response.status_code == 200
    assert response.data["summary"] == {"created": 3, "updated": 0, "unchanged": 0, "errors": 0}
    assert [r["action"] for r in response.data["rows"]] == ["created"] * 3
    assert Enterprise.objects.count() == 2

    response = post_import(world.district, "enterprises", content)
    assert response.status_code == 200
    assert Enterprise.objects.count() == 5
    created = Enterprise.objects.get(uscc=factories.make_uscc(5_000_000))
    assert sorted(created.tags.values_list("tag", flat=True)) == ["industrial_software", "open_source"]
    assert created.contact_phone == "2363001234"
    assert created.history.first().history_user == world.district

    response = post_import(world.district, "enterprises", content)
    assert response.data["summary"] == {"created": 0, "updated": 0, "unchanged": 3, "errors": 0}

    changed = workbook_bytes(
        "enterprises", [enterprise_row(0, 企业名称="重庆导入软件改名有限公司"), enterprise_row(1)]
    )
    response = post_import(world.district, "enterprises", changed)
    assert response.data["summary"] == {"created": 0, "updated": 1, "unchanged": 1, "errors": 0}
    created.refresh_from_db()
    assert created.name == "重庆导入软件改名有限公司"


def test_dry_run_with_errors_is_200_and_apply_with_errors_is_400(world, post_import):
    content = workbook_bytes("enterprises", [enterprise_row(1, 产业方向="造船")])
    dry = post_import(world.district, "enterprises", content, dry_run=True)
    assert dry.status_code == 200
    [error] = errors_of(dry.data, 2)
    assert error["column"] == "产业方向" and error["message"].startswith("“造船”不是可选值，应为：软件开发、")
    assert post_import(world.district, "enterprises", content).status_code == 400


def test_buildings_and_occupancies_import_and_reimport(world, post_import):
    buildings = workbook_bytes("buildings", [building_row("导入一号楼"), building_row("导入二号楼")])
    assert post_import(world.district, "buildings", buildings).status_code == 200
    building = Building.objects.get(name="导入一号楼")
    assert building.turnkey_checklist == ["network", "property_service"]
    assert building.renovation_status == "done"
    rows = [
        {
            "楼宇名称": "导入一号楼",
            "楼宇所在区域": "500103",
            "企业统一社会信用代码": world.own_enterprise.uscc,
            "使用面积（㎡）": 800,
            "入驻日期": date(2024, 9, 1),
        }
    ]
    occupancies = workbook_bytes("occupancies", rows)
    response = post_import(world.district, "occupancies", occupancies)
    assert response.status_code == 200, response.data
    assert Occupancy.objects.get().area == Decimal("800.00")
    again = post_import(world.district, "occupancies", occupancies)
    assert again.data["summary"] == {"created": 0, "updated": 0, "unchanged": 1, "errors": 0}
    assert post_import(world.district, "buildings", buildings).data["summary"]["unchanged"] == 2

    rows[0]["迁出日期"] = date(2025, 1, 31)
    response = post_import(world.district, "occupancies", workbook_bytes("occupancies", rows))
    assert response.data["summary"]["updated"] == 1
    assert Occupancy.objects.get().end_date == date(2025, 1, 31)

    # The capacity rule of the service holds in imports too.
    rows[0].update({"入驻日期": date(2025, 3, 1), "使用面积（㎡）": 50000, "迁出日期": None})
    response = post_import(world.district, "occupancies", workbook_bytes("occupancies", rows))
    assert response.status_code == 400
    [error] = errors_of(response.data, 2)
    assert error["column"] == "使用面积（㎡）" and "超过可招商面积" in error["message"]


def test_an_acquired_area_change_is_dated_and_reimport_is_unchanged(world, post_import):
    assert (
        post_import(world.district, "buildings", workbook_bytes("buildings", [building_row()])).status_code
        == 200
    )
    changed = workbook_bytes(
        "buildings", [building_row(**{"收储面积（㎡）": 16000, "收储日期": "2024-10-01"})]
    )
    response = post_import(world.district, "buildings", changed)
    assert response.data["summary"]["updated"] == 1
    building = Building.objects.get()
    assert building.acquired_area == Decimal("16000.00") and building.acquired_on == date(2024, 10, 1)
    assert list(building.acquisitions.values_list("area_added", flat=True)) == [
        Decimal("15000.00"),
        Decimal("1000.00"),
    ]
    assert post_import(world.district, "buildings", changed).data["summary"]["unchanged"] == 1


def test_monthly_reports_from_a_district_officer_arrive_submitted_from_city_staff_as_drafts(
    world, post_import
):
    period = factories.past_period(2)
    rows = [report_row(world.own_enterprise.uscc, period)]
    content = workbook_bytes("monthly-reports", rows)
    response = post_import(world.district, "monthly-reports", content)
    assert response.status_code == 200, response.data
    report = MonthlyReport.objects.get()
    assert report.status == "submitted"
    assert report.software_revenue == Decimal("700.00")
    assert list(report.transitions.values_list("to_status", "actor")) == [
        ("draft", world.district.pk),
        ("submitted", world.district.pk),
    ]
    assert post_import(world.district, "monthly-reports", content).data["summary"]["unchanged"] == 1

    other = workbook_bytes("monthly-reports", [report_row(world.other_enterprise.uscc, period)])
    response = post_import(world.city, "monthly-reports", other)
    assert response.status_code == 200
    assert MonthlyReport.objects.get(enterprise=world.other_enterprise).status == "draft"


def test_a_locked_report_cannot_be_changed_by_import(world, post_import):
    period = factories.past_period(2)
    world.report(status="accepted", period=period)
    rows = [report_row(world.own_enterprise.uscc, period)]
    response = post_import(world.district, "monthly-reports", workbook_bytes("monthly-reports", rows))
    assert response.status_code == 400
    [error] = errors_of(response.data, 2)
    assert "只有草稿或已退回的月报可以修改" in error["message"]


# --- templates ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["buildings", "enterprises", "occupancies", "monthly-reports"])
def test_templates_have_headers_notes_dropdowns_and_examples(world, api, kind):
    from portal import imports

    from .conftest import read_xlsx

    response = api.as_user(world.district).get(f"/api/v1/imports/{kind}/template/")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    workbook = read_xlsx(response.content)
    kind_class = imports.kinds()[kind]
    assert workbook.sheetnames == [kind_class.sheet, "选项", "填写说明", "示例"]
    data = workbook[kind_class.sheet]
    headers = [c.value for c in data[1]]
    assert headers == [c.header for c in kind_class.columns if c.importable]
    notes = [row[0] for row in workbook["填写说明"].iter_rows(values_only=True)]
    assert set(headers) <= set(notes)
    choice_columns = [
        c for c in kind_class.columns if c.importable and c.kind in ("choice", "bool", "region")
    ]
    assert len(data.data_validations.dataValidation) == len(choice_columns)
    assert workbook["示例"].max_row >= 2
    # The template as downloaded (no data) is refused with a clear message, not imported.
    response = api.as_user(world.district).post(
        f"/api/v1/imports/{kind}/", {"file": io.BytesIO(response.content)}, format="multipart"
    )
    assert response.status_code == 400
    assert "没有数据行" in response.data["file"][0]


# --- background jobs ------------------------------------------------------------------------------------------


def test_a_background_import_reports_progress_on_its_job(
    world, post_import, api, django_capture_on_commit_callbacks
):
    content = workbook_bytes("enterprises", [enterprise_row(i) for i in range(3)])
    with django_capture_on_commit_callbacks(execute=True):
        response = post_import(world.district, "enterprises", content, background=1)
    assert response.status_code == 202
    job = ImportJob.objects.get(pk=response.data["id"])
    assert job.status == "done" and job.committed
    data = api.as_user(world.district).get(f"/api/v1/imports/jobs/{job.pk}/").data
    assert data["progress"] == 100
    assert data["summary"] == {"created": 3, "updated": 0, "unchanged": 0, "errors": 0}
    assert Enterprise.objects.count() == 5
    # Idempotent: running the task again changes nothing.
    from portal.imports import run_import_job

    assert run_import_job(job.pk) == "done"
    assert Enterprise.objects.count() == 5
    assert api.as_user(world.other_district).get(f"/api/v1/imports/jobs/{job.pk}/").status_code == 404
