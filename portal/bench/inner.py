"""The benchmark's steps that run inside the scratch database: ``python -m portal.bench.inner <step> '<json>'``
with DATABASE_URL pointing at it. Each prints one line ``BENCH-RESULT {...}`` (the last word on stdout), so
whatever else the code logs does not matter. Celery runs eagerly here (no REDIS_URL), so a recompute is the
real task, run in this process."""

import json
import statistics
import sys
import time
from decimal import Decimal
from io import BytesIO

MARKER = "BENCH-RESULT "


def _timed(function):
    started = time.perf_counter()
    result = function()
    return time.perf_counter() - started, result


def prepare() -> dict:
    """Who the load runs act as (``city``; the officer of the region with most enterprises), with a DRF
    token and a database session each, the central-urban half-year scheme, and what the data set holds."""
    from importlib import import_module

    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.db.models import Count, F, Value
    from django.db.models.functions import Concat
    from rest_framework.authtoken.models import Token

    from buildings.models import Building, Occupancy
    from enterprises.models import Enterprise, MonthlyReport
    from portal.choices import Role
    from portal.models import Region, User
    from scenarios.models import Scenario

    scheme = _central_half_year_scheme()
    region = (
        Region.objects.top_level()
        .filter(officers__username=Concat(Value("district-"), F("code")))
        .annotate(n=Count("enterprises", distinct=True))
        .order_by("-n", "code")
        .first()
    )
    if region is None:
        raise SystemExit("数据集中没有区县经信部门演示账号（district-<区域代码>）。")
    officer = User.objects.get(username=f"district-{region.code}", role=Role.DISTRICT)
    city = User.objects.get(username="city", role=Role.CITY)
    store_class = import_module(settings.SESSION_ENGINE).SessionStore

    def session(user) -> str:
        store = store_class()
        store[SESSION_KEY] = str(user.pk)
        store[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
        store[HASH_SESSION_KEY] = user.get_session_auth_hash()
        store.create()
        return store.session_key

    return {
        "scheme": {"id": scheme.pk, "name": scheme.name},
        "region": {"code": region.code, "name": region.name, "enterprises": region.n},
        "officer": {
            "username": officer.username,
            "token": Token.objects.get_or_create(user=officer)[0].key,
            "session": session(officer),
        },
        "city": {"username": city.username, "session": session(city)},
        "session_cookie": settings.SESSION_COOKIE_NAME,
        "data": {
            "regions": Region.objects.count(),
            "enterprises": Enterprise.objects.count(),
            "monthly_reports": MonthlyReport.objects.count(),
            "accepted_reports": MonthlyReport.objects.accepted().count(),
            "buildings": Building.objects.count(),
            "occupancies": Occupancy.objects.count(),
            "scenarios": Scenario.objects.count(),
            "users": User.objects.count(),
        },
    }


def _central_half_year_scheme():
    from evaluation.choices import EvaluationPeriod
    from evaluation.models import Scheme

    scheme = (
        Scheme.objects.filter(period=EvaluationPeriod.H1, name__startswith="中心城区")
        .order_by("-year", "-pk")
        .first()
    )
    if scheme is None:
        raise SystemExit("数据集中没有中心城区上半年评价方案（seed_demo 应当创建它）。")
    return scheme


def recompute(*, scheme_id: int, repeat: int) -> dict:
    """The half-year ranking through the real path (``request_recompute`` as city staff, whose commit runs the
    Celery task ``compute_run``, eagerly here) against the hand-written SQL of ``portal.bench.sql`` computing
    the same indicator values. Both run once untimed, then alternately ``repeat`` times; medians. The values
    of both must be equal."""
    from datetime import date

    from django.conf import settings
    from django.db import connection

    from evaluation import services
    from evaluation.choices import RunStatus
    from evaluation.indicators import MANUAL
    from evaluation.models import Scheme
    from portal.choices import Role
    from portal.models import User

    from . import sql

    if not settings.CELERY_TASK_ALWAYS_EAGER:
        raise SystemExit("基准测试的重算步骤需要 Celery eager 模式（不设置 REDIS_URL）。")
    scheme = Scheme.objects.get(pk=scheme_id)
    city = User.objects.get(username="city", role=Role.CITY)
    snapshot = services.snapshot(scheme)
    if snapshot["by"] != "region":
        raise SystemExit("基准 SQL 只针对区县级评价方案。")
    start, end = date.fromisoformat(snapshot["start"]), date.fromisoformat(snapshot["end"])
    codes = [r["code"] for r in snapshot["regions"]]
    computed = [i for i in snapshot["indicators"] if i["source"] != MANUAL]

    def bare():
        with connection.cursor() as cursor:
            return {
                i["code"]: sql.indicator_values(cursor, source=i["source"], start=start, end=end, codes=codes)
                for i in computed
            }

    def real():
        run = services.request_recompute(actor=city, scheme=scheme)
        run.refresh_from_db()
        if run.status != RunStatus.DONE:
            raise SystemExit(f"评价计算没有完成：状态 {run.status}，{run.error}")
        return run

    bare()  # once untimed each, so that neither pays for a cold cache the other then finds warm
    real()
    sql_times, run_times = [], []
    for _ in range(repeat):
        seconds, sql_values = _timed(bare)
        sql_times.append(seconds)
        seconds, run = _timed(real)
        run_times.append(seconds)
    run_values = {i["code"]: {} for i in computed}
    for result in run.results.select_related("region"):
        for item in result.indicators:
            if item["code"] in run_values:
                run_values[item["code"]][result.region.code] = item["value"]
    return {
        "scheme": scheme.name,
        "period": [snapshot["start"], snapshot["end"]],
        "regions": codes,
        "indicators": {i["code"]: i["source"] for i in computed},
        "run_id": run.pk,
        "run_seconds": statistics.median(run_times),
        "sql_seconds": statistics.median(sql_times),
        "run_times": run_times,
        "sql_times": sql_times,
        "run_values": run_values,
        "sql_values": sql_values,
        "equal": run_values == sql_values,
    }


# Figures of a plausible month (万元, cumulative from January: multiplied by the month), ``of which`` within
# their parents.
FIGURES = {
    "employees": 120,
    "operating_revenue": Decimal("800"),
    "software_product_revenue": Decimal("300"),
    "basic_software_revenue": Decimal("50"),
    "industrial_software_revenue": Decimal("80"),
    "it_service_revenue": Decimal("350"),
    "cloud_revenue": Decimal("100"),
    "big_data_revenue": Decimal("0"),
    "industrial_internet_revenue": Decimal("0"),
    "ecommerce_platform_revenue": Decimal("0"),
    "ic_design_revenue": Decimal("0"),
    "security_revenue": Decimal("20"),
    "ics_security_revenue": Decimal("5"),
    "embedded_revenue": Decimal("30"),
    "export_usd": Decimal("10"),
    "profit": Decimal("-15.5"),
    "rd_expense": Decimal("60"),
    "payroll": Decimal("240"),
}


def import_workbook(*, region_code: str, rows: int) -> tuple[bytes, str]:
    """``rows`` new monthly reports of the region's enterprises as the import template's sheet. They are for
    months before any report of the region (so none exists, and cumulative figures only need to rise within
    each year of the file), going back from December month by month across all the region's enterprises."""
    from datetime import date

    from django.db.models import Min
    from django.utils import timezone
    from openpyxl import Workbook

    from enterprises.models import Enterprise, MonthlyReport
    from portal import imports
    from portal.periods import add_months

    kind = imports.kinds()["monthly-reports"]
    enterprises = list(
        Enterprise.objects.filter(region__code=region_code).order_by("pk").values_list("uscc", flat=True)
    )
    if not enterprises:
        raise SystemExit(f"区域 {region_code} 没有企业，无法生成导入文件。")
    first = MonthlyReport.objects.filter(enterprise__region__code=region_code).aggregate(p=Min("period"))["p"]
    year = (first or timezone.localdate()).year - 1
    headers = [column for column in kind.columns if column.importable]
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(kind.sheet)
    sheet.append([column.header for column in headers])
    made, month = 0, 0
    while made < rows:
        period = add_months(date(year, 12, 1), -month)
        for number, uscc in enumerate(enterprises):
            if made == rows:
                break
            scale = 1 + number % 7  # enterprises differ in size
            values = {"uscc": uscc, "period": f"{period:%Y-%m}"}
            for name, figure in FIGURES.items():
                values[name] = figure if name == "employees" else figure * scale * period.month
            sheet.append([values.get(column.key) for column in headers])
            made += 1
        month += 1
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue(), kind.sheet


def import_reports(*, region_code: str, officer: str, rows: int, repeat: int) -> dict:
    """``rows`` new monthly reports of a district officer through the real entry point, the API's
    ``POST /api/v1/imports/monthly-reports/`` (``?dry_run=1``, then for real), against openpyxl merely reading
    the same file (read-only mode, every value of every row; median of ``repeat`` reads)."""
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.test import Client
    from openpyxl import load_workbook
    from rest_framework.authtoken.models import Token

    from enterprises.models import MonthlyReport
    from portal.models import User

    content, sheet_name = import_workbook(region_code=region_code, rows=rows)

    def read():
        workbook = load_workbook(BytesIO(content), read_only=True, data_only=True)
        cells = sum(len(line) for line in workbook[sheet_name].iter_rows(values_only=True))
        workbook.close()
        return cells

    read()  # untimed: the first read also imports and warms openpyxl
    read_times = []
    for _ in range(repeat):
        seconds, cells = _timed(read)
        read_times.append(seconds)

    user = User.objects.get(username=officer)
    client = Client(
        HTTP_HOST="127.0.0.1", HTTP_AUTHORIZATION=f"Token {Token.objects.get_or_create(user=user)[0].key}"
    )

    def post(query: str):
        upload = SimpleUploadedFile("月报导入.xlsx", content, content_type="application/octet-stream")
        response = client.post(f"/api/v1/imports/monthly-reports/{query}", {"file": upload}, secure=True)
        if response.get("Content-Type") != "application/json":
            raise SystemExit(f"导入失败：HTTP {response.status_code} {response.content[:300]!r}")
        body = response.json()
        if response.status_code != 200 or body.get("summary", {}).get("created") != rows:
            errors = [r for r in body.get("rows", []) if r.get("errors")][:3]
            raise SystemExit(f"导入失败：HTTP {response.status_code} {body.get('summary') or body} {errors}")
        return body["summary"]

    before = MonthlyReport.objects.count()
    dry_seconds, dry_summary = _timed(lambda: post("?dry_run=1"))
    if MonthlyReport.objects.count() != before:
        raise SystemExit("试导入写入了数据。")
    apply_seconds, summary = _timed(lambda: post(""))
    written = MonthlyReport.objects.count() - before
    return {
        "rows": rows,
        "cells": cells,
        "file_bytes": len(content),
        "read_seconds": statistics.median(read_times),
        "read_times": read_times,
        "dry_run_seconds": dry_seconds,
        "apply_seconds": apply_seconds,
        "import_seconds": dry_seconds + apply_seconds,
        "dry_run_summary": dry_summary,
        "summary": summary,
        "written": written,
    }


STEPS = {"prepare": prepare, "recompute": recompute, "import": import_reports}


def main(argv: list[str]) -> None:
    import os

    import django
    from django.core.serializers.json import DjangoJSONEncoder

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
    django.setup()
    options = json.loads(argv[2]) if len(argv) > 2 else {}
    result = STEPS[argv[1]](**options)
    sys.stdout.write(MARKER + json.dumps(result, cls=DjangoJSONEncoder, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main(sys.argv)
