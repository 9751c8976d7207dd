"""Excel out, the same way everywhere: openpyxl, Chinese headers, numbers as numbers, and text that looks
like a formula (=, +, -, @) kept as text so a downloaded sheet never runs anything."""

import tempfile
from collections.abc import Iterable
from datetime import date, datetime
from io import BytesIO

from django.http import FileResponse, HttpResponse
from django.utils import timezone
from django.utils.encoding import escape_uri_path
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

FORMULA_STARTS = ("=", "+", "-", "@")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def add_sheet(workbook: Workbook, title: str, header: list[str], rows) -> None:
    sheet = workbook.create_sheet(title=title[:31])
    sheet.append(header)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for values in rows:
        sheet.append([None] * len(values))
        for column, value in enumerate(values, start=1):
            cell = sheet.cell(row=sheet.max_row, column=column)
            cell.value = value
            if isinstance(value, str) and value.startswith(FORMULA_STARTS):
                cell.data_type = "s"
    for column_cells in sheet.columns:
        width = max(len(str(cell.value or "")) for cell in column_cells)
        sheet.column_dimensions[column_cells[0].column_letter].width = min(max(10, width * 2), 60)


def new_workbook() -> Workbook:
    workbook = Workbook()
    workbook.remove(workbook.active)
    return workbook


def response(workbook: Workbook, filename: str) -> HttpResponse:
    buffer = BytesIO()
    workbook.save(buffer)
    reply = HttpResponse(buffer.getvalue(), content_type=XLSX)
    reply["Content-Disposition"] = f"attachment; filename*=UTF-8''{escape_uri_path(filename)}"
    return reply


# --- streaming exports -----------------------------------------------------------------------------------


def text_safe(sheet, value):
    """A write-only cell; text that looks like a formula stays text."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        cell = WriteOnlyCell(sheet, value)
        cell.data_type = "s"
        return cell
    if isinstance(value, date) and not isinstance(value, datetime):
        cell = WriteOnlyCell(sheet, value)
        cell.number_format = "yyyy-mm-dd"
        return cell
    if isinstance(value, datetime) and value.tzinfo is not None:
        return timezone.localtime(value).replace(tzinfo=None)
    return value


def stream_response(title: str, header: list[str], rows: Iterable[list], filename: str) -> FileResponse:
    """A large list as .xlsx with constant memory: openpyxl's write-only mode writes rows to a temporary
    file as they come, and the finished file is streamed from disk in chunks."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=title[:31])
    widths = [min(max(10, len(str(h)) * 2 + 2), 40) for h in header]
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = "A2"
    bold = []
    for value in header:
        cell = WriteOnlyCell(sheet, value)
        cell.font = Font(bold=True)
        bold.append(cell)
    sheet.append(bold)
    for values in rows:
        sheet.append([text_safe(sheet, value) for value in values])
    spool = tempfile.TemporaryFile()  # noqa: SIM115 - FileResponse closes (and so deletes) it when sent
    workbook.save(spool)
    spool.seek(0)
    reply = FileResponse(spool, content_type=XLSX, as_attachment=True, filename=filename)
    return reply


def workbook_bytes(workbook: Workbook) -> bytes:
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
