"""Helpers of the Excel import tests: build a workbook as an officer would fill it in, post it."""

from io import BytesIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook, load_workbook

from portal import imports


def workbook_bytes(kind_slug: str, rows: list[dict], *, headers=None, sheet=None, extra_sheets=()) -> bytes:
    """An .xlsx with the kind's importable headers (or ``headers``) and ``rows`` (header → value)."""
    kind = imports.kinds()[kind_slug]
    headers = headers or [c.header for c in kind.columns if c.importable]
    workbook = Workbook()
    data = workbook.active
    data.title = sheet or kind.sheet
    data.append(headers)
    for row in rows:
        data.append([row.get(h) for h in headers])
    for name in extra_sheets:
        workbook.create_sheet(name)
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def upload(content: bytes, name: str = "导入.xlsx") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/octet-stream")


def read_xlsx(content: bytes):
    return load_workbook(BytesIO(content))


@pytest.fixture
def post_import(api):
    """``post_import(user, kind, content, dry_run=False)`` → the API response."""

    def post(user, kind, content, dry_run=False, **params):
        query = "?dry_run=1" if dry_run else ""
        for key, value in params.items():
            query += ("&" if query else "?") + f"{key}={value}"
        return api.as_user(user).post(
            f"/api/v1/imports/{kind}/{query}", {"file": upload(content)}, format="multipart"
        )

    return post
