"""``manage.py bench``: the portal at city scale against baselines measured in the same run (issue 9).

A scratch PostgreSQL database is created, migrated and filled by ``seed_demo --scale``; then the recompute,
the public and API lists under load, the page latencies and the monthly-report import are measured, each
next to its baseline. The result is a table and a JSON file. Budgets are reported, not enforced (the exit code
is 0 unless ``--strict``). gunicorn and the scratch database are removed whatever happens.
"""

import contextlib
import json
import math
import os
import platform
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from datetime import datetime
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connections

from portal.bench import database, inner, server
from portal.bench.urls import BARE_PATH

BUDGETS = {
    # measure: (comparison, limit, what the budget reads)
    "recompute": ("max_ratio", 3, "≤ 3× bare SQL"),
    "demonstration_page": ("min_ratio", 0.5, "≥ 0.5× bare view"),
    "demonstration_api": ("min_ratio", 0.5, "≥ 0.5× bare view"),
    "enterprises_api": ("min_ratio", 0.25, "≥ 0.25× bare view"),
    "import": ("max_ratio", 4, "≤ 4× openpyxl read"),
    "seed": ("max_value", 120, "≤ 120 s"),
}


OPTIONS_RECORDED = (
    "scale",
    "seed",
    "database",
    "duration",
    "max_duration",
    "rounds",
    "connections",
    "warmup",
    "workers",
    "import_rows",
    "repeat",
)


FORWARDED = {"X-Forwarded-Proto": "https"}
RPS_MEASURES = {
    "demonstration_page": "/demonstration-buildings/",
    "demonstration_api": "GET /api/v1/demonstration-buildings/",
    "enterprises_api": "GET /api/v1/enterprises/?region= (50 rows, token)",
}
LATENCY_MEASURES = {
    "dashboard": "/dashboard/ (city)",
    "enterprise_list": "/enterprises/ (district)",
    "review_queue": "/review/ (district)",
}


class Command(BaseCommand):
    help = "在临时 PostgreSQL 数据库中生成城市规模数据，测量各项性能并与同机同次运行的基准对比。"

    def add_arguments(self, parser):
        parser.add_argument("--scale", default="city", help="seed_demo --scale：city 或企业数（默认 city）")
        parser.add_argument("--seed", type=int, default=1, help="seed_demo --seed（默认 1）")
        parser.add_argument("--database", default="portal_bench", help="临时数据库名（会被删除重建）")
        parser.add_argument(
            "--json", default=str(Path("test-artifacts") / "bench.json"), help="结果 JSON 路径"
        )
        parser.add_argument("--duration", type=int, default=10, help="每次 wrk 压测的秒数（默认 10）")
        parser.add_argument("--connections", type=int, default=16, help="wrk 并发连接数（默认 16）")
        parser.add_argument("--max-duration", type=int, default=120, help="慢页面压测最长的秒数（默认 120）")
        parser.add_argument(
            "--rounds",
            type=int,
            default=5,
            help="吞吐量测量与空视图交替的轮数（默认 5，总时长为 --duration）",
        )
        parser.add_argument("--warmup", type=int, default=2, help="每次压测前预热的秒数（0 为不预热）")
        parser.add_argument(
            "--workers", type=int, default=3, help="gunicorn 同步 worker 数（默认 3，同生产）"
        )
        parser.add_argument("--import-rows", type=int, default=10_000, help="导入测量的月报行数")
        parser.add_argument("--repeat", type=int, default=3, help="重算和读文件的重复次数（取中位数）")
        parser.add_argument(
            "--redis-url",
            default=None,
            help="gunicorn 缓存使用的 Redis（默认 REDIS_URL；空字符串为本地内存缓存）",
        )
        parser.add_argument("--keep", action="store_true", help="结束后保留临时数据库")
        parser.add_argument("--strict", action="store_true", help="有预算未达到时以非 0 退出")

    def handle(self, *args, **options):
        target = connections["default"].settings_dict
        name = options["database"]
        database.check_target(target, name)
        server.wrk_path()
        for option in (
            "duration",
            "max_duration",
            "rounds",
            "connections",
            "workers",
            "import_rows",
            "repeat",
        ):
            if options[option] < 1:
                raise CommandError(f"--{option.replace('_', '-')} 必须大于 0。")
        if options["warmup"] < 0:
            raise CommandError("--warmup 不能为负数。")
        run = BenchRun(self, target, name, options)
        previous = _on_sigterm()
        try:
            result = run.execute()
        finally:
            run.cleanup()
            if previous is not None:
                signal.signal(signal.SIGTERM, previous)
        self.stdout.write(table(result["measures"]))
        for measure in result["measures"]:
            if measure.get("worker_cpu_ms") and measure.get("baseline_worker_cpu_ms"):
                self.stdout.write(
                    f"gunicorn worker CPU per request, {measure['label']}: {measure['worker_cpu_ms']:g} ms "
                    f"(bare view {measure['baseline_worker_cpu_ms']:g} ms)"
                )
        path = Path(options["json"])
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(result, ensure_ascii=False, indent=2))
        self.stdout.write(f"结果已写入 {path}")
        missed = [m["label"] for m in result["measures"] if m["met"] is False]
        if missed:
            self.stdout.write(self.style.WARNING(f"未达到预算：{'、'.join(missed)}"))
            if options["strict"]:
                raise CommandError(f"--strict：{len(missed)} 项未达到预算。")


def _on_sigterm():
    """A terminated run still cleans up: SIGTERM becomes an exception, so the ``finally`` runs."""

    def interrupt(signum, frame):
        raise KeyboardInterrupt

    try:
        return signal.signal(signal.SIGTERM, interrupt)
    except ValueError:  # not the main thread: nothing to install
        return None


class BenchRun:
    def __init__(self, command, target: dict, name: str, options: dict):
        self.command, self.target, self.name, self.options = command, target, name, options
        self.workdir = Path(tempfile.mkdtemp(prefix="portal-bench-"))
        self.created = False
        self.gunicorn = None
        self.static, self.static_error = None, None
        self.redis_url = options["redis_url"] if options["redis_url"] is not None else settings.REDIS_URL
        self.cache_prefix = f"bench{os.getpid()}x{secrets.token_hex(3)}"
        self.env = self._environment()

    # --- environment ---------------------------------------------------------------------------------------

    def _environment(self) -> dict:
        """What every subprocess runs with: the scratch database, production-like settings (DEBUG off, a
        secret key, collected static files) and no Redis, so Celery tasks run eagerly in the process."""
        env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "PYTEST_"))}
        env.update(
            DATABASE_URL=database.database_url(self.target, self.name),
            REDIS_URL="",  # set, so that a .env file cannot bring it back
            DEBUG="false",
            SECRET_KEY=secrets.token_urlsafe(50),
            ALLOWED_HOSTS="127.0.0.1,localhost",
            # As deployed (docker-compose.yml): behind a proxy that terminates TLS and says so in
            # X-Forwarded-Proto, which every request of the load runs sends (``FORWARDED``).
            BEHIND_TLS_PROXY="true",
            STATIC_ROOT=str(self.workdir / "static"),
            LOG_LEVEL="WARNING",
            DJANGO_SETTINGS_MODULE="portal.settings",
            PYTHONUNBUFFERED="1",
        )
        return env

    def _redis_available(self) -> bool:
        if not self.redis_url:
            return False
        try:
            import redis

            return bool(redis.Redis.from_url(self.redis_url, socket_connect_timeout=2).ping())
        except Exception:
            return False

    def say(self, text: str) -> None:
        self.command.stdout.write(f"[{datetime.now():%H:%M:%S}] {text}")
        self.command.stdout.flush()

    # --- subprocesses --------------------------------------------------------------------------------------

    def manage(self, *arguments: str, log: str) -> float:
        """``manage.py <arguments>`` against the scratch database; the seconds it took."""
        command = [sys.executable, str(Path(settings.BASE_DIR) / "manage.py"), *arguments]
        return self._run(command, log)

    def _run(self, command: list[str], log: str) -> float:
        log_path = self.workdir / log
        started = time.perf_counter()
        with open(log_path, "wb") as output:
            process = subprocess.Popen(  # noqa: S603
                command,
                cwd=settings.BASE_DIR,
                env=self.env,
                stdout=output,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
            try:
                code = process.wait()
            except BaseException:
                _kill_group(process)
                raise
        seconds = time.perf_counter() - started
        if code != 0:
            raise CommandError(f"{' '.join(command[1:3])} 失败（退出码 {code}）：\n{server.tail(log_path)}")
        return seconds

    def _collect_static(self) -> None:
        try:
            self.manage("collectstatic", "--noinput", log="collectstatic.log")
        except Exception as exc:  # raised in the main thread, where gunicorn needs the files
            self.static_error = exc

    def step(self, name: str, **arguments) -> dict:
        """One step of ``portal.bench.inner`` in the scratch database."""
        log = f"inner-{name}.log"
        self._run(
            [sys.executable, "-m", "portal.bench.inner", name, json.dumps(arguments, ensure_ascii=False)], log
        )
        lines = (self.workdir / log).read_text(errors="replace").splitlines()
        line = next((x for x in reversed(lines) if x.startswith(inner.MARKER)), None)
        if line is None:
            raise CommandError(f"步骤 {name} 没有给出结果：\n{server.tail(self.workdir / log)}")
        return json.loads(line[len(inner.MARKER) :])

    # --- the run -------------------------------------------------------------------------------------------

    def execute(self) -> dict:
        options = self.options
        load_before = os.getloadavg()
        started = datetime.now().astimezone()
        self.say(f"临时数据库 {self.name}：删除并重建、迁移")
        database.recreate(self.target, self.name)
        self.created = True
        # Static files for gunicorn (DEBUG off serves the collected manifest) are collected meanwhile.
        self.static = threading.Thread(target=self._collect_static, daemon=True)
        self.static.start()
        migrate_seconds = self.manage("migrate", "--noinput", log="migrate.log")

        seed_arguments = ["seed_demo", "--scale", str(options["scale"]), "--seed", str(options["seed"])]
        self.say(f"生成数据：{' '.join(seed_arguments)}")
        seed_seconds = self.manage(*seed_arguments, log="seed.log")
        self.say(f"数据已生成，用时 {seed_seconds:.1f} 秒")

        prepared = self.step("prepare")
        self.say(f"数据集：{prepared['data']}")
        self.say("评价重算（真实任务）与手写 SQL 对比")
        recompute = self.step("recompute", scheme_id=prepared["scheme"]["id"], repeat=options["repeat"])
        if not recompute["equal"]:
            raise CommandError(
                "手写 SQL 的指标值与评价计算不一致，基准无效：\n"
                f"SQL {recompute['sql_values']}\n计算 {recompute['run_values']}"
            )

        loads, cache = self.load_runs(prepared)

        self.say(f"导入 {options['import_rows']} 行月报（试导入 + 正式导入）与 openpyxl 读取对比")
        imported = self.step(
            "import",
            region_code=prepared["region"]["code"],
            officer=prepared["officer"]["username"],
            rows=options["import_rows"],
            repeat=options["repeat"],
        )
        measures = build_measures(
            seed_seconds=seed_seconds, recompute=recompute, loads=loads, imported=imported
        )
        return {
            "date": started.isoformat(timespec="seconds"),
            "options": {k: options[k] for k in OPTIONS_RECORDED},
            "scale": str(options["scale"]),
            "seed": options["seed"],
            "seed_command": " ".join(seed_arguments),
            "machine": machine_info(self.target, load_before),
            "wrk": {
                "version": server.wrk_version(),
                "threads": _threads(options["connections"]),
                "connections": options["connections"],
                "duration_s": options["duration"],
                "max_duration_s": options["max_duration"],  # slow pages run longer, see ``loads``
                "warmup_s": options["warmup"],
                "timeout_s": "max(60, the run's duration)",
            },
            "gunicorn": {"workers": options["workers"], "worker_class": "sync", "cache": cache},
            "data": prepared["data"],
            "migrate_seconds": round(migrate_seconds, 2),
            "measures": measures,
            "recompute": recompute,
            "loads": {key: load.as_dict() for key, load in loads.items()},
            "import": imported,
            "region": prepared["region"],
        }

    def load_runs(self, prepared: dict) -> tuple[dict, str]:
        options = self.options
        self.say("启动 gunicorn")
        self.static.join()
        if self.static_error is not None:
            raise self.static_error
        env = dict(self.env, DJANGO_SETTINGS_MODULE="portal.bench.settings")
        cache = "locmem (per worker)"
        if self._redis_available():
            env.update(REDIS_URL=self.redis_url, CACHE_KEY_PREFIX=self.cache_prefix)
            cache = "redis"
        self.gunicorn = server.Gunicorn(
            env=env, workers=options["workers"], log=self.workdir / "gunicorn.log"
        )
        self.gunicorn.start()

        officer_token = {**FORWARDED, "Authorization": f"Token {prepared['officer']['token']}"}
        cookie = prepared["session_cookie"]
        officer_session = {**FORWARDED, "Cookie": f"{cookie}={prepared['officer']['session']}"}
        city_session = {**FORWARDED, "Cookie": f"{cookie}={prepared['city']['session']}"}
        region = prepared["region"]["code"]
        targets = {
            "bare": (BARE_PATH, FORWARDED),
            "demonstration_page": ("/demonstration-buildings/", FORWARDED),
            "demonstration_api": ("/api/v1/demonstration-buildings/", FORWARDED),
            "enterprises_api": (f"/api/v1/enterprises/?region={region}", officer_token),
            "dashboard": ("/dashboard/", city_session),
            "enterprise_list": ("/enterprises/", officer_session),
            "review_queue": ("/review/", officer_session),
        }
        port, workers = self.gunicorn.port, options["workers"]
        single = {key: check_response(port, key, path, headers) for key, (path, headers) in targets.items()}
        arguments = {"connections": options["connections"], "threads": _threads(options["connections"])}

        def warm(key):
            # Each worker once through the code, where a request is quick: a slow page's warm-up would
            # leave abandoned requests running into the measured run.
            path, headers = targets[key]
            if options["warmup"] and single[key] * options["connections"] / workers < options["warmup"]:
                server.wrk(
                    port,
                    path,
                    duration=options["warmup"],
                    headers=headers,
                    require_responses=False,
                    **arguments,
                )
                server.settle(port)

        def run(key, duration):
            path, headers = targets[key]
            cpu = self.gunicorn.worker_cpu()
            load = server.wrk(port, path, duration=duration, headers=headers, **arguments)
            if cpu is not None:
                load.worker_cpu_ms = round((self.gunicorn.worker_cpu() - cpu) * 1000 / load.requests, 3)
            server.settle(port)
            return load

        loads = {}
        # Requests/s: the measure and the bare view (its baseline) alternate in short slices. The machine is
        # shared and its load drifts within seconds; alternating puts both under the same drift.
        rounds = max(1, min(options["rounds"], options["duration"]))
        slice_seconds = max(1, options["duration"] // rounds)
        for key in RPS_MEASURES:
            path = targets[key][0]
            self.say(
                f"压测 {path} 与空视图交替 {rounds} 轮（{options['connections']} 连接，每段 {slice_seconds} 秒）"
            )
            warm("bare")
            warm(key)
            bare, measured = [], []
            for _ in range(rounds):
                bare.append(run("bare", slice_seconds))
                measured.append(run(key, slice_seconds))
            loads[f"{key}_bare"], loads[key] = server.combine(bare), server.combine(measured)

        # Latency: one run per page. A slow page gets a longer one, so that every connection sees about two
        # responses (up to --max-duration); a response is never cut off by wrk's timeout, only by the run's end.
        for key in LATENCY_MEASURES:
            path, headers = targets[key]
            needed = math.ceil(2 * options["connections"] * single[key] / workers)
            duration = max(options["duration"], min(needed, options["max_duration"]))
            warm(key)
            while True:
                self.say(
                    f"压测 {path}（{options['connections']} 连接，{duration} 秒；单次请求 {single[key]:.3f} 秒）"
                )
                load = server.wrk(
                    port,
                    path,
                    duration=duration,
                    timeout=max(60, duration),
                    headers=headers,
                    require_responses=False,
                    **arguments,
                )
                server.settle(port)
                # Fewer responses than connections say little about latency: run longer, up to the cap.
                if (load and load.requests >= options["connections"]) or duration >= options["max_duration"]:
                    break
                duration = min(duration * 3, options["max_duration"])
            if load is None:
                raise CommandError(f"压测 {path} 在 {duration} 秒内没有完成任何请求，测量结果无效。")
            loads[key] = load
        self.gunicorn.stop()
        return loads, cache

    def cleanup(self) -> None:
        if self.gunicorn is not None:
            self.gunicorn.stop()
        if self.created and not self.options["keep"]:
            try:
                database.drop(self.target, self.name)
            except Exception as exc:  # reported, never hiding the run's own error
                self.command.stderr.write(f"删除临时数据库 {self.name} 失败：{exc}")
        elif self.created:
            self.say(f"已保留临时数据库 {self.name}（{self.env['DATABASE_URL']}）")
        if self.redis_url and self._redis_available():
            import redis

            client = redis.Redis.from_url(self.redis_url)
            keys = list(client.scan_iter(match=f"{self.cache_prefix}:*", count=1000))
            if keys:
                client.delete(*keys)
        if self.static is not None:
            self.static.join(timeout=300)  # its files are in the work folder
        shutil.rmtree(self.workdir, ignore_errors=True)


def _kill_group(process) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)
    process.wait()


def _threads(connections: int) -> int:
    return max(1, min(2, connections))


def check_response(port: int, key: str, path: str, headers: dict) -> float:
    """Before loading a URL, a request must answer 200 with what the page or list should hold. Returns the
    seconds a second request takes (the first may fill a cache)."""
    for _ in range(2):
        started = time.perf_counter()
        status, body = server.get(port, path, headers, timeout=600)
        seconds = time.perf_counter() - started
        if status != 200:
            raise CommandError(f"{path} 返回 HTTP {status}（应为 200），无法压测：{body[:300]!r}")
    if key == "enterprises_api":
        data = json.loads(body)
        if len(data["results"]) != min(50, data["count"]):
            raise CommandError(
                f"{path} 返回 {len(data['results'])} 行，应为 50 行（共 {data['count']} 行）。"
            )
    return seconds


def _ratio(value: float, baseline: float) -> float:
    return round(value / baseline, 3) if baseline else None


def _met(key: str, value: float, ratio: float | None) -> bool:
    comparison, limit, _ = BUDGETS[key]
    if comparison == "max_ratio":
        return ratio <= limit
    if comparison == "min_ratio":
        return ratio >= limit
    return value <= limit


def build_measures(*, seed_seconds: float, recompute: dict, loads: dict, imported: dict) -> list[dict]:
    rows = []

    def add(key, label, unit, value, baseline=None, baseline_label=""):
        ratio = _ratio(value, baseline) if baseline is not None else None
        budget = BUDGETS.get(key)
        rows.append(
            {
                "key": key,
                "label": label,
                "unit": unit,
                "value": round(value, 3),
                "baseline": round(baseline, 3) if baseline is not None else None,
                "baseline_label": baseline_label,
                "ratio": ratio,
                "budget": budget[2] if budget else None,
                "met": _met(key, value, ratio) if budget else None,
            }
        )

    add(
        "recompute",
        "H1 central-urban recompute (task)",
        "s",
        recompute["run_seconds"],
        recompute["sql_seconds"],
        "bare SQL",
    )
    for key, label in RPS_MEASURES.items():
        add(key, label, "req/s", loads[key].rps, loads[f"{key}_bare"].rps, "bare Django JSON view")
        rows[-1]["worker_cpu_ms"] = loads[key].worker_cpu_ms
        rows[-1]["baseline_worker_cpu_ms"] = loads[f"{key}_bare"].worker_cpu_ms
    add(
        "import",
        f"import {imported['rows']} monthly reports (dry run + apply)",
        "s",
        imported["import_seconds"],
        imported["read_seconds"],
        "openpyxl read",
    )
    add("seed", "seed_demo", "s", seed_seconds)
    for key, label in LATENCY_MEASURES.items():
        add(f"{key}_p50", f"{label} p50", "ms", loads[key].p50_ms)
        add(f"{key}_p99", f"{label} p99", "ms", loads[key].p99_ms)
    return rows


def table(measures: list[dict]) -> str:
    header = ("measure", "value", "baseline", "ratio", "budget", "met")
    lines = [
        (
            m["label"],
            f"{m['value']:g} {m['unit']}",
            f"{m['baseline']:g} {m['unit']}" if m["baseline"] is not None else "—",
            f"{m['ratio']:.2f}×" if m["ratio"] is not None else "—",
            m["budget"] or "—",
            {True: "yes", False: "NO", None: "—"}[m["met"]],
        )
        for m in measures
    ]
    widths = [max(len(str(row[i])) for row in [header, *lines]) for i in range(len(header))]
    out = [
        " | ".join(str(cell).ljust(width) for cell, width in zip(row, widths, strict=True))
        for row in [header]
    ]
    out.append("-+-".join("-" * width for width in widths))
    out += [" | ".join(str(c).ljust(w) for c, w in zip(row, widths, strict=True)) for row in lines]
    return "\n".join(out)


def machine_info(target: dict, load_before: tuple) -> dict:
    cpu = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        cpu = platform.processor()
    memory_gb = None
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                memory_gb = round(int(line.split()[1]) / 1024 / 1024, 1)
    except OSError:
        pass
    import django

    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "memory_gb": memory_gb,
        "os": platform.platform(),
        "python": platform.python_version(),
        "django": django.get_version(),
        "postgresql": database.server_version(target),
        "load_average_before": [round(x, 2) for x in load_before],
        "load_average_after": [round(x, 2) for x in os.getloadavg()],
    }
