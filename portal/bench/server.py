"""gunicorn on loopback, and wrk runs against it."""

import contextlib
import http.client
import json
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import time
from dataclasses import asdict, dataclass
from pathlib import Path

from django.conf import settings
from django.core.management.base import CommandError

WRK_SCRIPT = Path(__file__).with_name("wrk.lua")
MARKER = "BENCH-JSON "


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def get(port: int, path: str, headers: dict | None = None, timeout: float = 120) -> tuple[int, bytes]:
    """One GET on loopback, redirects not followed (a redirect to the login page is a failed login)."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        connection.request("GET", path, headers=headers or {})
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


class Gunicorn:
    """``gunicorn portal.wsgi`` with sync workers, in its own process group so that stopping it stops every
    worker, whatever happened to the command."""

    def __init__(self, *, env: dict, workers: int, log: Path):
        self.env, self.workers, self.log = env, workers, log
        self.port = free_port()
        self.process = None

    def start(self, timeout: float = 90) -> None:
        command = [
            sys.executable,
            "-m",
            "gunicorn",
            "portal.wsgi:application",
            "--bind",
            f"127.0.0.1:{self.port}",
            "--workers",
            str(self.workers),
            "--worker-class",
            "sync",
            "--timeout",
            "300",  # a slow page is measured, not killed
            "--log-level",
            "warning",
        ]
        with open(self.log, "ab") as log:
            self.process = subprocess.Popen(  # noqa: S603
                command,
                cwd=settings.BASE_DIR,
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise CommandError(
                    f"gunicorn 启动失败（退出码 {self.process.returncode}）：\n{tail(self.log)}"
                )
            try:
                if get(self.port, "/health/", timeout=5)[0] == 200:
                    return
            except OSError:
                pass
            time.sleep(0.3)
        raise CommandError(f"gunicorn 在 {timeout:.0f} 秒内没有就绪：\n{tail(self.log)}")

    def worker_cpu(self) -> float | None:
        """CPU seconds (user + system) the workers have used so far, from /proc; None where there is none."""
        try:
            children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children").read_text().split()
        except OSError:
            return None
        total = 0.0
        for child in children:
            with contextlib.suppress(OSError):
                fields = Path(f"/proc/{child}/stat").read_text().rsplit(")", 1)[1].split()
                total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
        return total

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        for sig, wait in ((signal.SIGTERM, 15), (signal.SIGKILL, 5)):
            try:
                os.killpg(self.process.pid, sig)
            except ProcessLookupError:
                return
            try:
                self.process.wait(timeout=wait)
                return
            except subprocess.TimeoutExpired:
                continue


def settle(port: int, limit: float = 600) -> None:
    """Wait until gunicorn has worked off what a finished wrk run left queued: requests whose client is gone
    are still handled by sync workers, and would slow the next run down. /health/ queues behind them."""
    deadline = time.monotonic() + limit
    quick = 0
    while quick < 2 and time.monotonic() < deadline:
        started = time.perf_counter()
        get(port, "/health/", timeout=limit)
        quick = quick + 1 if time.perf_counter() - started < 0.5 else 0


def tail(path: Path, lines: int = 30) -> str:
    try:
        return "\n".join(Path(path).read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return ""


def wrk_path() -> str:
    found = shutil.which("wrk")
    if not found:
        raise CommandError("找不到 wrk：请先安装（Debian/Ubuntu：apt-get install wrk）。")
    return found


@dataclass
class Load:
    """One wrk run: completed requests, requests per second and latency in milliseconds."""

    path: str
    requests: int
    seconds: float
    rps: float
    p50_ms: float
    p90_ms: float
    p99_ms: float
    mean_ms: float
    max_ms: float
    errors: dict
    # CPU time of the gunicorn workers per completed request (PostgreSQL's not included): unlike requests/s,
    # it hardly depends on what else the machine is doing.
    worker_cpu_ms: float | None = None

    def as_dict(self) -> dict:
        return asdict(self)


def wrk(
    port: int,
    path: str,
    *,
    connections: int,
    duration: int,
    threads: int,
    headers: dict | None = None,
    timeout: int = 60,
    require_responses: bool = True,
) -> Load | None:
    """Load ``path`` with wrk. Every response must be 2xx: measuring error pages would measure nothing.
    Without ``require_responses`` a run in which nothing completed is no error: it answers None."""
    command = [
        wrk_path(),
        "--threads",
        str(threads),
        "--connections",
        str(connections),
        "--duration",
        f"{duration}s",
        "--timeout",
        f"{timeout}s",  # wrk's default of 2 s would hide slow responses from the percentiles
        "--latency",
        "--script",
        str(WRK_SCRIPT),
    ]
    for name, value in (headers or {}).items():
        command += ["--header", f"{name}: {value}"]
    command.append(f"http://127.0.0.1:{port}{path}")
    finished = subprocess.run(  # noqa: S603
        command, capture_output=True, text=True, timeout=duration + timeout + 60, check=False
    )
    line = next((x for x in finished.stdout.splitlines() if x.startswith(MARKER)), None)
    if finished.returncode != 0 or line is None:
        raise CommandError(f"wrk 运行失败（{path}）：\n{finished.stdout}\n{finished.stderr}")
    data = json.loads(line[len(MARKER) :])
    errors = {key: data[key] for key in ("connect", "read", "write", "status", "timeout")}
    if data["requests"] == 0 and not require_responses:
        return None
    if data["requests"] == 0 or errors["status"] or errors["timeout"]:
        raise CommandError(
            f"压测 {path} 时出现错误：完成 {data['requests']} 个请求，非 2xx/3xx 响应 {errors['status']} 个，"
            f"超时 {errors['timeout']} 个。测量结果无效。"
        )
    seconds = data["duration_us"] / 1e6
    return Load(
        path=path,
        requests=data["requests"],
        seconds=round(seconds, 3),
        rps=round(data["requests"] / seconds, 1),
        p50_ms=data["p50_us"] / 1000,
        p90_ms=data["p90_us"] / 1000,
        p99_ms=data["p99_us"] / 1000,
        mean_ms=round(data["mean_us"] / 1000, 3),
        max_ms=data["max_us"] / 1000,
        errors=errors,
    )


def combine(loads: list[Load]) -> Load:
    """Several runs of one URL as one: requests and seconds summed (so requests/s over all of them), the
    median of their medians and 90th percentiles, the worst of their 99th percentiles and maxima."""
    requests = sum(load.requests for load in loads)
    seconds = sum(load.seconds for load in loads)
    return Load(
        path=loads[0].path,
        requests=requests,
        seconds=round(seconds, 3),
        rps=round(requests / seconds, 1),
        p50_ms=statistics.median(load.p50_ms for load in loads),
        p90_ms=statistics.median(load.p90_ms for load in loads),
        p99_ms=max(load.p99_ms for load in loads),
        mean_ms=round(sum(load.mean_ms * load.requests for load in loads) / requests, 3),
        max_ms=max(load.max_ms for load in loads),
        errors={key: sum(load.errors[key] for load in loads) for key in loads[0].errors},
        worker_cpu_ms=None
        if any(load.worker_cpu_ms is None for load in loads)
        else round(sum(load.worker_cpu_ms * load.requests for load in loads) / requests, 3),
    )


def wrk_version() -> str:
    finished = subprocess.run([wrk_path(), "-v"], capture_output=True, text=True, check=False)  # noqa: S603
    text = (finished.stdout or finished.stderr).strip()
    return text.splitlines()[0] if text else ""
