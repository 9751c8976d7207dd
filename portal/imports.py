"""Excel in, once for every kind: read an uploaded .xlsx safely, check its sheets and headers, then run each
row through the same services the forms and the API use.

- ``read_upload`` refuses, before any work, a file above the size limit, one that is not a real .xlsx (a
  renamed text file), one whose archive would unpack too large (a zip bomb), unexpected sheets or headers,
  and too many rows. Its refusals are ``ImportRefused`` with a Chinese message.
- ``run_import`` handles every row inside one transaction, each row in its own savepoint, so later rows see
  the earlier ones (a February row is checked against the January row above it). A dry run, or any row with
  an error, rolls the whole transaction back: nothing is written unless every row is good. A kind with an
  ``apply_batch`` (the monthly reports) gets all its rows at once instead: it checks them in memory, in the
  same order and by the same rules, and writes them together only when every row is good.
- A kind (``ImportKind``: columns, scope check, key, apply) lives in each app's ``imports.py``; the same
  columns describe the template (``template_workbook``) and the export, so export → import is a round trip.
- Large files run as a Celery job (``ImportJob``, ``run_import_job``) whose progress the page polls.
"""

from __future__ import annotations

import gc
import zipfile
from collections.abc import Callable, Iterable
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from functools import cached_property
from importlib import import_module
from io import BytesIO

from celery import shared_task
from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.worksheet.datavalidation import DataValidation

from . import taskqueue
from .choices import Role
from .exceptions import TransitionNotAllowed
from .periods import format_period, parse_period

NOTES_SHEET = "填写说明"
OPTIONS_SHEET = "选项"
EXAMPLES_SHEET = "示例"
KNOWN_EXTRA_SHEETS = {NOTES_SHEET, OPTIONS_SHEET, EXAMPLES_SHEET}
IMPORT_ROLES = (Role.CITY, Role.DISTRICT)

CREATED, UPDATED, UNCHANGED, ERROR = "created", "updated", "unchanged", "error"
ACTION_LABELS = {CREATED: "新增", UPDATED: "更新", UNCHANGED: "无变化", ERROR: "错误"}


def limit(name: str, default: int) -> int:
    return int(getattr(settings, name, default))


def max_bytes() -> int:
    return limit("IMPORT_MAX_BYTES", 10 * 1024 * 1024)


def max_rows() -> int:
    return limit("IMPORT_MAX_ROWS", 20_000)


def max_unpacked_bytes() -> int:
    return limit("IMPORT_MAX_UNPACKED_BYTES", 200 * 1024 * 1024)


def background_rows() -> int:
    """Files with more data rows than this run as a Celery job on the page (the API stays synchronous)."""
    return limit("IMPORT_BACKGROUND_ROWS", 500)


@contextmanager
def without_cyclic_gc():
    """An import makes hundreds of thousands of small objects (cells, values, reports), none of them in
    reference cycles; the cyclic garbage collector, triggered again and again as they pile up, rescans
    them all each time (measured: a fifth of the engine's time on a 10,000-row file). Reference counting
    still frees everything as usual; cycles wait until the collector is back on."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


class ImportRefused(Exception):
    """The file as a whole is refused before any row is looked at."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class CellError(Exception):
    pass


# --- columns -----------------------------------------------------------------------------------------------

TEXT, INT, DECIMAL, DATE, PERIOD, CHOICE, MULTI, BOOL, REGION = (
    "text",
    "int",
    "decimal",
    "date",
    "period",
    "choice",
    "multi",
    "bool",
    "region",
)
YES, NO = "是", "否"
CENT = Decimal("0.01")
SEPARATORS = ("、", "，", ",", ";", "；")


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    kind: str = TEXT
    required: bool = False
    choices: tuple = ()  # (value, label) pairs for CHOICE and MULTI
    note: str = ""
    importable: bool = True  # False: exported for reading, accepted and ignored on import
    regions: str = "top"  # REGION columns: "top" (区县/开发区) or "park" (园区)
    width: int = 16

    def labels(self) -> list[str]:
        return [str(label) for _, label in self.choices]

    def parse(self, raw, regions: dict):
        """The cell's value as the service takes it, or ``CellError`` with a Chinese message."""
        if isinstance(raw, str):
            raw = raw.strip()
        if raw is None or raw == "":
            if self.required:
                raise CellError(f"请填写“{self.header}”。")
            return [] if self.kind == MULTI else None
        return self._parser(raw, regions)

    @cached_property
    def _parser(self):
        # Looked up once per column rather than once per cell: a 10,000-row file has 200,000 cells.
        return getattr(self, f"_parse_{self.kind}")

    def _parse_text(self, raw, regions):
        if isinstance(raw, float) and raw.is_integer():
            raw = int(raw)  # a phone number typed as a number
        if isinstance(raw, datetime | date):
            raw = raw.strftime("%Y-%m-%d")
        return str(raw).strip()

    def _parse_int(self, raw, regions):
        if type(raw) is int:  # most cells: the text path below gives the same
            return raw
        try:
            number = Decimal(str(raw))
        except InvalidOperation:
            raise CellError(f"“{raw}”不是整数。") from None
        if number != number.to_integral_value():
            raise CellError(f"“{raw}”不是整数。")
        return int(number)

    def _parse_decimal(self, raw, regions):
        if isinstance(raw, bool):
            raise CellError(f"“{raw}”不是数字。")
        if type(raw) is int:  # most cells: the text path below gives the same
            return Decimal(raw).quantize(CENT)
        text = raw if isinstance(raw, str) else str(raw)
        try:
            number = Decimal(text.replace(",", "") if "," in text else text)
        except InvalidOperation:
            raise CellError(f"“{raw}”不是数字。") from None
        if not number.is_finite():
            raise CellError(f"“{raw}”不是数字。")
        return number.quantize(CENT)

    def _parse_date(self, raw, regions):
        if isinstance(raw, datetime):
            return raw.date()
        if isinstance(raw, date):
            return raw
        text = str(raw).replace("/", "-").replace(".", "-")
        try:
            return date.fromisoformat(text)
        except ValueError:
            raise CellError(f"日期“{raw}”格式错误，应为 YYYY-MM-DD，例如 2025-03-01。") from None

    def _parse_period(self, raw, regions):
        if isinstance(raw, datetime | date):
            return date(raw.year, raw.month, 1)
        try:
            return parse_period(str(raw).replace("/", "-").replace(".", "-"))
        except ValidationError as exc:
            raise CellError(exc.messages[0]) from None

    def _choice(self, text: str):
        for value, label in self.choices:
            if text in (str(label), str(value)):
                return value
        raise CellError(f"“{text}”不是可选值，应为：{'、'.join(self.labels())}。")

    def _parse_choice(self, raw, regions):
        return self._choice(str(raw))

    def _parse_multi(self, raw, regions):
        text = str(raw)
        for separator in SEPARATORS[1:]:
            text = text.replace(separator, SEPARATORS[0])
        return [self._choice(part.strip()) for part in text.split(SEPARATORS[0]) if part.strip()]

    def _parse_bool(self, raw, regions):
        if isinstance(raw, bool):
            return raw
        text = str(raw).strip().lower()
        if text in (YES, "true", "1", "y"):
            return True
        if text in (NO, "false", "0", "n"):
            return False
        raise CellError(f"“{raw}”应填写“是”或“否”。")

    def _parse_region(self, raw, regions):
        region = regions.get(str(raw))
        if region is None or (self.regions == "park") != (region.kind == "park"):
            kind = "园区" if self.regions == "park" else "区县或开发区"
            raise CellError(f"“{raw}”不是已知的{kind}名称或代码。")
        return region

    def display(self, value):
        """A value as the export (and the template's examples) write it: what ``parse`` reads back."""
        if value is None:
            return None
        if self.kind == CHOICE:
            return {v: str(label) for v, label in self.choices}.get(value, value) if value else None
        if self.kind == MULTI:
            labels = {v: str(label) for v, label in self.choices}
            return SEPARATORS[0].join(labels.get(v, v) for v in value) or None
        if self.kind == BOOL:
            return YES if value else NO
        if self.kind == REGION:
            return value.name
        if self.kind == PERIOD:
            return format_period(value)
        return value


def region_lookup() -> dict:
    """Every region by name and by code (a few dozen rows, read once per import)."""
    from .models import Region

    lookup = {}
    for region in Region.objects.all():
        lookup[region.name] = region
        lookup[region.code] = region
    return lookup


# --- kinds -------------------------------------------------------------------------------------------------


@dataclass
class RowError:
    column: str | None
    message: str


class RowRefused(Exception):
    def __init__(self, errors: list[RowError]):
        super().__init__(errors)
        self.errors = errors


# What refuses one row (and leaves the others to be checked): the kinds' own refusals and the services'.
ROW_ERRORS = (RowRefused, ValidationError, TransitionNotAllowed, PermissionDenied)


class ImportKind:
    """One importable (and exportable) list. Subclasses name the columns and implement ``apply`` (one row
    at a time, each in a savepoint) or ``apply_batch`` (all rows at once)."""

    slug: str = ""
    title: str = ""  # 楼宇台账, 企业名录 …
    sheet: str = ""  # the data sheet's name
    columns: tuple[Column, ...] = ()
    notes: str = ""  # a paragraph on top of the notes sheet
    examples: tuple[dict, ...] = ()  # rows by column key, written as displayed
    key_columns: tuple[str, ...] = ()  # column keys that identify a row (duplicates in one file are errors)
    field_columns: dict = {}  # a service's error field → the column key it belongs to

    def __init__(self, actor):
        self.actor = actor

    # import
    @property
    def import_columns(self) -> list[Column]:
        return [c for c in self.columns if c.importable]

    def column(self, key: str) -> Column | None:
        return next((c for c in self.columns if c.key == key), None)

    def prepare(self, rows: list[dict]) -> None:
        """Load, in a fixed number of queries, what the rows refer to (existing records by key)."""

    def check_scope(self, values: dict) -> None:
        """Raise ``RowRefused`` for a row the actor may not import (another region's)."""

    def apply(self, values: dict) -> str:
        """Write one row through the services; return CREATED, UPDATED or UNCHANGED."""
        raise NotImplementedError

    # A kind whose rows can be checked in memory defines ``apply_batch(rows, *, write)``: it gets the rows
    # that passed their cell, scope and duplicate checks (their values, in file order), checks each against
    # the database and the rows above it exactly as ``apply`` would, and returns for each row its action or
    # the exception (one of ``ROW_ERRORS``) that refused it. It writes, in a fixed number of queries, only
    # when ``write`` and every row passed.
    apply_batch = None

    def row_key(self, values: dict):
        return tuple(v.pk if hasattr(v, "pk") else v for v in (values.get(k) for k in self.key_columns))

    def district_region_error(self, values: dict, key: str, what: str) -> None:
        region = values.get(key)
        actor = self.actor
        if (
            actor is not None
            and actor.role == Role.DISTRICT
            and region is not None
            and region.pk != actor.region_id
        ):
            raise RowRefused(
                [
                    RowError(
                        self.column(key).header,
                        f"区县用户只能导入本区域的{what}：本行为“{region.name}”，不是“{actor.region.name}”。",
                    )
                ]
            )

    # export
    def export_queryset(self, queryset):
        return queryset

    def export_values(self, obj) -> dict:
        """Column key → value (as the service takes it) of one record."""
        raise NotImplementedError

    def export_row(self, obj) -> list:
        values = self.export_values(obj)
        return [column.display(values.get(column.key)) for column in self.columns]


def kinds() -> dict[str, type[ImportKind]]:
    found = {}
    for module in getattr(settings, "IMPORT_KIND_MODULES", ("enterprises.imports", "buildings.imports")):
        for kind in import_module(module).KINDS:
            found[kind.slug] = kind
    return found


def kind_for_model(model) -> type[ImportKind] | None:
    for kind in kinds().values():
        if getattr(kind, "model", None) is model:
            return kind
    return None


# --- reading the file --------------------------------------------------------------------------------------


def _check_archive(data: bytes) -> None:
    if not zipfile.is_zipfile(BytesIO(data)):
        raise ImportRefused("文件不是有效的 Excel 工作簿（.xlsx）。请用模板填写后另存为 .xlsx 再上传。")
    try:
        with zipfile.ZipFile(BytesIO(data)) as archive:
            infos = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError):
        raise ImportRefused("文件不是有效的 Excel 工作簿（.xlsx），或已损坏。") from None
    names = {info.filename for info in infos}
    if "xl/workbook.xml" not in names or "[Content_Types].xml" not in names:
        raise ImportRefused("文件不是有效的 Excel 工作簿（.xlsx）。请用模板填写后另存为 .xlsx 再上传。")
    unpacked = sum(info.file_size for info in infos)
    if unpacked > max_unpacked_bytes() or any(
        info.compress_size and info.file_size / info.compress_size > 1000 for info in infos
    ):
        raise ImportRefused(
            f"文件解压后达 {unpacked / 1024 / 1024:.0f} MB，超过 {max_unpacked_bytes() / 1024 / 1024:.0f} MB "
            "的上限（疑似压缩炸弹），已拒绝。"
        )


def read_upload(upload, kind: type[ImportKind]) -> tuple[list[dict], list[str]]:
    """The data rows of an uploaded file as ``{"row": n, "cells": {header: value}}``, and the headers.

    Everything here happens before any row is validated or written."""
    size = getattr(upload, "size", None)
    if size is not None and size > max_bytes():
        raise ImportRefused(_size_message(size))
    data = upload.read(max_bytes() + 1)
    return read_bytes(data, kind)


def _size_message(size: int) -> str:
    return (
        f"文件大小 {size / 1024 / 1024:.1f} MB，超过 {max_bytes() / 1024 / 1024:.0f} MB 的上限，请分批导入。"
    )


def read_bytes(data: bytes, kind: type[ImportKind]) -> tuple[list[dict], list[str]]:
    if len(data) > max_bytes():
        raise ImportRefused(_size_message(len(data)))
    if not data:
        raise ImportRefused("上传的文件是空的。")
    _check_archive(data)
    try:
        workbook = load_workbook(BytesIO(data), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds of errors on a damaged file
        raise ImportRefused("文件不是有效的 Excel 工作簿（.xlsx），或已损坏。") from None
    try:
        with without_cyclic_gc():
            return _read_sheet(workbook, kind)
    finally:
        workbook.close()


def _read_sheet(workbook, kind) -> tuple[list[dict], list[str]]:
    unexpected = [name for name in workbook.sheetnames if name not in KNOWN_EXTRA_SHEETS | {kind.sheet}]
    if unexpected:
        raise ImportRefused(
            f"工作簿中有模板以外的工作表：{'、'.join(unexpected)}。{kind.title}模板只有“{kind.sheet}”"
            f"（数据）、“{NOTES_SHEET}”、“{EXAMPLES_SHEET}”和“{OPTIONS_SHEET}”工作表。"
        )
    if kind.sheet not in workbook.sheetnames:
        raise ImportRefused(f"工作簿中没有“{kind.sheet}”工作表，请使用{kind.title}导入模板。")
    sheet = workbook[kind.sheet]
    if sheet.max_row is not None and sheet.max_row - 1 > max_rows() * 2:
        raise ImportRefused(_rows_message(sheet.max_row - 1))
    lines = sheet.iter_rows(values_only=True)
    header_cells = next(lines, None) or ()
    headers = [str(h).strip() if h is not None else "" for h in header_cells]
    while headers and not headers[-1]:
        headers.pop()
    _check_headers(headers, kind)
    rows = []
    for number, line in enumerate(lines, start=2):
        cells = dict(zip(headers, line[: len(headers)], strict=False))
        if all(v is None or (isinstance(v, str) and not v.strip()) for v in cells.values()):
            continue
        rows.append({"row": number, "cells": cells})
        if len(rows) > max_rows():
            raise ImportRefused(_rows_message(len(rows), at_least=True))
    if not rows:
        raise ImportRefused(f"“{kind.sheet}”工作表中没有数据行（第 1 行为表头，数据从第 2 行开始）。")
    return rows, headers


def _rows_message(count: int, at_least: bool = False) -> str:
    more = "超过" if at_least else ""
    return f"数据行数{more} {count} 行，超过每次 {max_rows()} 行的上限，请分批导入。"


def _check_headers(headers: list[str], kind) -> None:
    known = {c.header for c in kind.columns}
    for index, header in enumerate(headers, start=1):
        letter = get_column_letter(index)
        if not header:
            raise ImportRefused(f"表头第 {letter} 列为空，请使用模板的表头。")
        if header not in known:
            raise ImportRefused(f"表头第 {letter} 列“{header}”不是{kind.title}模板中的列，请使用模板的表头。")
        if headers.count(header) > 1:
            raise ImportRefused(f"表头“{header}”出现了不止一次（第 {letter} 列）。")
    missing = [c.header for c in kind.columns if c.importable and c.header not in headers]
    if missing:
        raise ImportRefused(f"表头缺少列：{'、'.join(missing)}。请使用{kind.title}导入模板。")


# --- running the rows ----------------------------------------------------------------------------------------


@dataclass
class Report:
    rows: list[dict] = field(default_factory=list)
    summary: dict = field(default_factory=lambda: {CREATED: 0, UPDATED: 0, UNCHANGED: 0, "errors": 0})
    committed: bool = False

    @property
    def has_errors(self) -> bool:
        return self.summary["errors"] > 0

    def as_dict(self) -> dict:
        return {"summary": self.summary, "rows": self.rows}


def _error_dict(kind: ImportKind, row: int, headers: list[str], error: RowError) -> dict:
    column = error.column
    cell = None
    if column and column in headers:
        cell = f"{get_column_letter(headers.index(column) + 1)}{row}"
    where = f"第 {row} 行" + (f"“{column}”列" if column else "") + (f"（{cell}）" if cell else "")
    return {"column": column, "cell": cell, "message": error.message, "text": f"{where}：{error.message}"}


def _service_errors(kind: ImportKind, exc: Exception) -> list[RowError]:
    """A service's refusal as row errors, each under the column of the field it names."""
    if isinstance(exc, ValidationError) and hasattr(exc, "error_dict"):
        errors = []
        for name, messages in exc.message_dict.items():
            key = kind.field_columns.get(name, name)
            column = kind.column(key) if name != NON_FIELD_ERRORS else None
            header = column.header if column else None
            errors += [RowError(header, message) for message in messages]
        return errors
    if isinstance(exc, TransitionNotAllowed):
        return [RowError(None, exc.message)]
    if isinstance(exc, ValidationError):
        return [RowError(None, message) for message in exc.messages]
    return [RowError(None, str(exc) or "您的角色无权导入本行。")]


def run_import(
    kind_class: type[ImportKind],
    rows: list[dict],
    headers: list[str],
    *,
    actor,
    dry_run: bool,
    progress: Callable[[int], None] | None = None,
    finish: Callable[[Report], None] | None = None,
) -> Report:
    """Every row through the services in one transaction; committed only when not a dry run and no row has
    an error. ``finish`` (e.g. recording the job's result) runs inside the transaction when it commits, so
    the record and the data are written together, or after the rollback otherwise."""
    kind = kind_class(actor)
    report = Report()
    regions = region_lookup()
    columns = [(column.key, column.header, column.parse) for column in kind.import_columns]
    with without_cyclic_gc(), transaction.atomic():
        parsed = []
        for line in rows:
            cells, values, errors = line["cells"], {}, []
            for key, header, parse in columns:
                try:
                    values[key] = parse(cells.get(header), regions)
                except CellError as exc:
                    errors.append(RowError(header, str(exc)))
            parsed.append((line["row"], values, errors))
        kind.prepare([values for _, values, errors in parsed if not errors])
        if kind.apply_batch is not None:
            results = _apply_batch(kind, parsed, write=not dry_run, progress=progress)
        else:
            results = _apply_rows(kind, parsed, progress)
        for (number, _values, _errors), (action, errors) in zip(parsed, results, strict=True):
            if errors:
                report.summary["errors"] += 1
            else:
                report.summary[action] += 1
            report.rows.append(
                {
                    "row": number,
                    "action": action,
                    "errors": [_error_dict(kind, number, headers, e) for e in errors] if errors else [],
                }
            )
        report.committed = not dry_run and not report.has_errors
        if report.committed:
            if finish is not None:
                finish(report)
        else:
            transaction.set_rollback(True)
    if not report.committed and finish is not None:
        finish(report)
    return report


def _check_row(kind: ImportKind, number: int, values: dict, seen: dict) -> None:
    """The checks the engine makes of every row: the actor's scope, and the same key twice in the file."""
    kind.check_scope(values)
    key = kind.row_key(values)
    if key in seen:
        headers_of_key = "、".join(kind.column(k).header for k in kind.key_columns)
        raise RowRefused(
            [
                RowError(
                    kind.column(kind.key_columns[0]).header,
                    f"与第 {seen[key]} 行重复（{headers_of_key}相同），同一记录只能出现一次。",
                )
            ]
        )
    seen[key] = number


def _row_errors(kind: ImportKind, exc: Exception) -> list[RowError]:
    return exc.errors if isinstance(exc, RowRefused) else _service_errors(kind, exc)


def _apply_rows(kind: ImportKind, parsed: list, progress) -> list[tuple[str, list[RowError]]]:
    """Row by row through ``kind.apply``, each in a savepoint, so a refused row leaves no trace."""
    results = []
    seen: dict = {}
    total = len(parsed)
    for index, (number, values, errors) in enumerate(parsed, start=1):
        action = ERROR
        if not errors:
            try:
                _check_row(kind, number, values, seen)
                with transaction.atomic():
                    action = kind.apply(values)
            except ROW_ERRORS as exc:
                errors = _row_errors(kind, exc)
        results.append((ERROR if errors else action, errors))
        if progress is not None and (index % 100 == 0 or index == total):
            progress(int(index * 100 / total))
    return results


def _apply_batch(
    kind: ImportKind, parsed: list, *, write: bool, progress
) -> list[tuple[str, list[RowError]]]:
    """All rows through ``kind.apply_batch``; it writes only when nothing is refused and this is no dry run."""
    results: list = [None] * len(parsed)
    pending = []
    seen: dict = {}
    for index, (number, values, errors) in enumerate(parsed):
        if not errors:
            try:
                _check_row(kind, number, values, seen)
            except ROW_ERRORS as exc:
                errors = _row_errors(kind, exc)
        if errors:
            results[index] = (ERROR, errors)
        else:
            pending.append(index)
    outcomes = kind.apply_batch([parsed[i][1] for i in pending], write=write and len(pending) == len(parsed))
    for index, outcome in zip(pending, outcomes, strict=True):
        if isinstance(outcome, Exception):
            results[index] = (ERROR, _row_errors(kind, outcome))
        else:
            results[index] = (outcome, [])
    if progress is not None:
        progress(100)
    return results


# --- templates ---------------------------------------------------------------------------------------------

HEADER_FILL = PatternFill("solid", fgColor="DCE6F2")
REQUIRED_FILL = PatternFill("solid", fgColor="FCE4D6")


def _options(column: Column) -> list[str]:
    from .models import Region

    if column.kind in (CHOICE, MULTI):
        return column.labels()
    if column.kind == BOOL:
        return [YES, NO]
    if column.kind == REGION:
        regions = Region.objects.all()
        regions = regions.filter(kind="park") if column.regions == "park" else regions.top_level()
        return [r.name for r in regions]
    return []


FORMATS = {
    TEXT: "文本",
    INT: "整数",
    DECIMAL: "数字，最多两位小数",
    DATE: "日期 YYYY-MM-DD",
    PERIOD: "报告期 YYYY-MM",
    CHOICE: "从下拉列表中选择",
    MULTI: "可多选，用“、”分隔",
    BOOL: "是 / 否",
    REGION: "区域名称（下拉选择）或代码",
}


def template_workbook(kind_class: type[ImportKind]) -> Workbook:
    """The .xlsx template: the data sheet (Chinese headers, drop-downs for choice columns), the notes, the
    examples and the option lists."""
    workbook = Workbook()
    data = workbook.active
    data.title = kind_class.sheet
    columns = [c for c in kind_class.columns if c.importable]
    options_sheet = workbook.create_sheet(OPTIONS_SHEET)
    notes = workbook.create_sheet(NOTES_SHEET)
    examples = workbook.create_sheet(EXAMPLES_SHEET)
    option_column = 0
    for index, column in enumerate(columns, start=1):
        letter = get_column_letter(index)
        cell = data.cell(row=1, column=index, value=column.header)
        cell.font = Font(bold=True)
        cell.fill = REQUIRED_FILL if column.required else HEADER_FILL
        data.column_dimensions[letter].width = max(column.width, len(column.header) * 2 + 2)
        values = _options(column)
        if values and column.kind != MULTI:
            option_column += 1
            option_letter = get_column_letter(option_column)
            options_sheet.cell(row=1, column=option_column, value=column.header).font = Font(bold=True)
            for row, value in enumerate(values, start=2):
                options_sheet.cell(row=row, column=option_column, value=value)
            source = f"{quote_sheetname(OPTIONS_SHEET)}!${option_letter}$2:${option_letter}${len(values) + 1}"
            validation = DataValidation(
                type="list",
                formula1=source,
                allow_blank=not column.required,
                showErrorMessage=column.kind != REGION,  # a region may also be typed as its code
                errorTitle="请从下拉列表中选择",
                error=f"“{column.header}”请从下拉列表中选择。",
            )
            validation.add(f"{letter}2:{letter}{max_rows() + 1}")
            data.add_data_validation(validation)
        if column.kind in (DATE,):
            for row in range(2, 202):
                data.cell(row=row, column=index).number_format = "yyyy-mm-dd"
        if column.kind in (TEXT, PERIOD):
            for row in range(2, 202):
                data.cell(row=row, column=index).number_format = "@"
    data.freeze_panes = "A2"

    notes.append([f"{kind_class.title}导入模板 · 填写说明"])
    notes["A1"].font = Font(bold=True, size=14)
    notes.append([kind_class.notes])
    notes.append(
        [
            f"在“{kind_class.sheet}”工作表第 2 行起逐行填写，不要修改表头；橙色表头为必填列。“{EXAMPLES_SHEET}”"
            "工作表是示例，不会被导入。先“试导入”查看每行的结果，确认无误后再正式导入；任何一行有错误则整批不写入。"
            f"每次最多 {max_rows()} 行、{max_bytes() // 1024 // 1024} MB。"
        ]
    )
    notes.append([])
    notes.append(["列名", "是否必填", "格式", "说明", "可选值"])
    for cell in notes[5]:
        cell.font = Font(bold=True)
        cell.fill = HEADER_FILL
    for column in columns:
        values = _options(column)
        notes.append(
            [
                column.header,
                "必填" if column.required else "选填",
                FORMATS[column.kind],
                column.note,
                "、".join(values) if column.kind != REGION else "见“选项”工作表",
            ]
        )
    for letter, width in zip("ABCDE", (24, 10, 22, 60, 60), strict=True):
        notes.column_dimensions[letter].width = width
    for row in notes.iter_rows(min_row=2):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")

    examples.append([c.header for c in columns])
    for cell in examples[1]:
        cell.font = Font(bold=True)
    for example in kind_class.examples:
        examples.append([example.get(c.key) for c in columns])
    for index, column in enumerate(columns, start=1):
        examples.column_dimensions[get_column_letter(index)].width = max(
            column.width, len(column.header) * 2 + 2
        )
    return workbook


# --- background jobs ---------------------------------------------------------------------------------------


def progress_key(job_id: int) -> str:
    return f"imports:job-progress:{job_id}"


def job_progress(job) -> int:
    """Live progress of a running job (written to the cache: the job row is inside the import's
    transaction until it commits), else the row's own figure."""
    if job.status == "running":
        return int(cache.get(progress_key(job.pk), job.progress) or 0)
    return job.progress


def execute_job(job) -> None:
    """Run an ``ImportJob`` now (the page calls it for small files, the Celery task for large ones)."""
    from .models import ImportJob

    kind_class = kinds()[job.kind]
    ImportJob.objects.filter(pk=job.pk).update(status=ImportJob.Status.RUNNING, progress=0)
    job.status = ImportJob.Status.RUNNING
    try:
        rows, headers = read_bytes(bytes(job.content), kind_class)
    except ImportRefused as exc:
        ImportJob.objects.filter(pk=job.pk).update(
            status=ImportJob.Status.FAILED, error=exc.message, finished_at=timezone.now()
        )
        return

    def progress(percent: int) -> None:
        cache.set(progress_key(job.pk), percent, timeout=3600)

    def finish(report: Report) -> None:
        ImportJob.objects.filter(pk=job.pk).update(
            status=ImportJob.Status.DONE,
            progress=100,
            summary=report.summary,
            rows=report.rows,
            committed=report.committed,
            finished_at=timezone.now(),
        )

    run_import(
        kind_class, rows, headers, actor=job.actor, dry_run=job.dry_run, progress=progress, finish=finish
    )
    cache.delete(progress_key(job.pk))


@shared_task(acks_late=True, autoretry_for=(ConnectionError,), retry_backoff=True, max_retries=3)
def run_import_job(job_id: int) -> str | None:
    """Idempotent: a finished job is left as it is; an interrupted one (its transaction rolled back) runs
    again from the start."""
    from .models import ImportJob

    job = ImportJob.objects.select_related("actor__region").filter(pk=job_id).first()
    if job is None or job.status in (ImportJob.Status.DONE, ImportJob.Status.FAILED):
        return job.status if job else None
    execute_job(job)
    return ImportJob.objects.values_list("status", flat=True).get(pk=job_id)


def queue_import_job(job) -> None:
    """Hand a large import to Celery once its job row is committed (at once outside a transaction).

    When the broker is down the job is marked failed with the reason (no worker would ever take it, and a
    job left queued would keep its page polling forever) and ``TaskQueueUnavailable`` is raised for the
    caller to answer: a 503 on the API, an error message on the page."""
    from .models import ImportJob

    def send() -> None:
        try:
            taskqueue.send(run_import_job, job.pk)
        except taskqueue.TaskQueueUnavailable:
            finished_at = timezone.now()
            ImportJob.objects.filter(pk=job.pk, status=ImportJob.Status.QUEUED).update(
                status=ImportJob.Status.FAILED, error=taskqueue.UNAVAILABLE, finished_at=finished_at
            )
            job.status, job.error, job.finished_at = (
                ImportJob.Status.FAILED,
                taskqueue.UNAVAILABLE,
                finished_at,
            )
            raise

    transaction.on_commit(send)


def display_rows(report_rows: Iterable[dict]) -> list[dict]:
    """Rows for the page: each with its Chinese action label."""
    return [dict(row, label=ACTION_LABELS[row["action"]]) for row in report_rows]


def chunks(values: list, size: int = 2000):
    """``values`` in slices of ``size``: the import kinds prefetch their lookups a slice at a time."""
    for start in range(0, len(values), size):
        yield values[start : start + size]
