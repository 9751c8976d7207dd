"""``manage.py bench`` (issue 9): its refusals, its budget arithmetic, and a smoke run at a tiny size on
PostgreSQL with wrk (no budget asserted: speed is measured by the benchmark, never by a timed test)."""

import json
import os
import shutil

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from portal.bench import database
from portal.bench.server import Load, combine
from portal.management.commands.bench import build_measures
from portal.models import Region
from tests.conftest import require

RPS = ("demonstration_page", "demonstration_api", "enterprises_api")
POSTGRES = {"ENGINE": "django.db.backends.postgresql", "NAME": "portal", "HOST": "127.0.0.1"}


def test_refuses_a_database_that_is_not_postgresql():
    with pytest.raises(
        CommandError, match="基准测试只能在 PostgreSQL 上运行：当前 DATABASE_URL 使用的是 sqlite3"
    ):
        database.check_target({"ENGINE": "django.db.backends.sqlite3", "NAME": "db.sqlite3"}, "portal_bench")


@pytest.mark.parametrize("name", ["Portal-Bench", "portal;drop", "", "1bench", "x" * 64])
def test_refuses_an_invalid_scratch_name(name):
    with pytest.raises(CommandError, match="只能由小写字母、数字和下划线组成"):
        database.check_target(POSTGRES, name)


@pytest.mark.parametrize("name", ["postgres", "template1"])
def test_refuses_a_system_database(name):
    with pytest.raises(CommandError, match="是 PostgreSQL 的系统数据库"):
        database.check_target(POSTGRES, name)


def test_scratch_url_keeps_server_and_credentials():
    url = database.database_url(
        dict(POSTGRES, USER="bench", PASSWORD="p@ss/word", PORT="5433"), "portal_bench"
    )
    assert url == "postgres://bench:p%40ss%2Fword@127.0.0.1:5433/portal_bench"


@pytest.mark.django_db
def test_refuses_the_configured_database_and_changes_nothing():
    require(connection.vendor == "postgresql", "the benchmark needs PostgreSQL (DATABASE_URL)")
    regions = Region.objects.count()
    configured = connection.settings_dict["NAME"]
    with pytest.raises(CommandError, match=f"临时数据库名“{configured}”就是当前配置的数据库"):
        call_command("bench", "--database", configured)
    assert Region.objects.count() == regions > 0


def _load(rps, p50=10.0, p99=20.0, seconds=1.0):
    return Load("/x/", round(rps * seconds), seconds, rps, p50, 15.0, p99, 11.0, 30.0, {"status": 0})


def test_slices_combine_into_one_run():
    load = combine([_load(900, p50=8, p99=30), _load(1100, p50=12, p99=25, seconds=2), _load(500, p50=9)])
    assert (load.requests, load.seconds, load.rps) == (3600, 4.0, 900.0)
    assert (load.p50_ms, load.p99_ms) == (9, 30)  # the median of the medians, the worst 99th percentile


def test_budgets_are_ratios_to_the_baselines_of_the_same_run():
    loads = {  # each requests/s measure with the bare view's runs that alternated with it
        "demonstration_page_bare": combine([_load(900), _load(1100)]),
        "demonstration_page": _load(500),
        "demonstration_api_bare": _load(1000),
        "demonstration_api": _load(499),
        "enterprises_api_bare": _load(800),
        "enterprises_api": _load(200),
        "dashboard": _load(5, p50=150, p99=400),
        "enterprise_list": _load(30),
        "review_queue": _load(30),
    }
    measures = {
        m["key"]: m
        for m in build_measures(
            seed_seconds=121,
            recompute={"run_seconds": 0.9, "sql_seconds": 0.3},
            loads=loads,
            imported={"rows": 10_000, "import_seconds": 41, "read_seconds": 10},
        )
    }
    assert (measures["recompute"]["ratio"], measures["recompute"]["met"]) == (3.0, True)
    assert (measures["demonstration_page"]["ratio"], measures["demonstration_page"]["met"]) == (0.5, True)
    assert (measures["demonstration_api"]["ratio"], measures["demonstration_api"]["met"]) == (0.499, False)
    assert (measures["enterprises_api"]["ratio"], measures["enterprises_api"]["met"]) == (0.25, True)
    assert [measures[key]["baseline"] for key in RPS] == [1000, 1000, 800]
    assert (measures["import"]["ratio"], measures["import"]["met"]) == (4.1, False)
    assert (measures["seed"]["value"], measures["seed"]["ratio"], measures["seed"]["met"]) == (
        121,
        None,
        False,
    )
    assert (measures["dashboard_p50"]["value"], measures["dashboard_p99"]["value"]) == (150, 400)
    assert measures["dashboard_p99"]["met"] is None  # reported, no budget


MEASURES = {
    "recompute",
    "demonstration_page",
    "demonstration_api",
    "enterprises_api",
    "import",
    "seed",
    *(f"{page}_{p}" for page in ("dashboard", "enterprise_list", "review_queue") for p in ("p50", "p99")),
}


def test_smoke_run_at_a_tiny_size(tmp_path):
    require(connection.vendor == "postgresql", "the benchmark needs PostgreSQL (DATABASE_URL)")
    require(shutil.which("wrk") is not None, "wrk is not installed (apt-get install wrk)")
    name = f"portal_bench_test_{os.getpid()}"  # tests may run while someone else benchmarks
    output = tmp_path / "bench.json"
    call_command(
        "bench",
        *("--scale", "30", "--database", name, "--json", str(output)),
        *("--duration", "1", "--connections", "2", "--warmup", "0", "--import-rows", "200", "--repeat", "1"),
    )
    result = json.loads(output.read_text())
    measures = {m["key"]: m for m in result["measures"]}
    assert set(measures) == MEASURES
    for measure in measures.values():
        assert measure["value"] > 0, measure
        assert measure["baseline"] is None or measure["baseline"] > 0, measure
    recompute = result["recompute"]
    assert recompute["run_values"] == recompute["sql_values"]  # the baseline computes the same numbers
    assert set(recompute["indicators"]) >= {"acquired_area", "used_area", "new_enterprises", "new_employees"}
    assert any(v != "0.00" for values in recompute["sql_values"].values() for v in values.values())
    assert result["import"]["written"] == result["import"]["summary"]["created"] == 200
    assert result["wrk"]["connections"] == 2 and result["gunicorn"]["workers"] == 3
    for key in ("cpu", "cores", "memory_gb", "postgresql", "python"):
        assert result["machine"][key], key
    assert result["scale"] == "30" and result["seed"] == 1
    assert not database.exists(connection.settings_dict, name)  # the scratch database is gone
