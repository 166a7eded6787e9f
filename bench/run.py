"""HTTP benchmark against the floor: ``python -m bench.run`` (or ``make bench``) from the repository root.

One command does all of it:

1. builds a migrated and seeded SQLite database in a temporary directory;
2. starts the real API as `make run` does, ``salary-api serve`` on 127.0.0.1, its output going to a file
   (so its log is JSON, with the default access log: errors, slow requests and a 1% sample), metrics and
   request ids on. ``SALARY_API_RATE_LIMIT_PER_MINUTE=0`` because every wrk connection comes from one
   address and the per-client limit would answer 429s, and ``SALARY_API_SHUTDOWN_DRAIN=0`` (stopping is
   not measured); nothing else differs from `make run`. ``--env NAME=VALUE`` adds a setting, labelled;
3. fetches the real responses and starts the floor (``bench/floor.py``), a bare ASGI app that returns the
   same bytes, under the same uvicorn settings;
4. drives each endpoint, then the floor for the same endpoint, with wrk (2 threads, 64 connections),
   alternating, ``--repeat`` times (3); the median run of each counts, and the ratio is the median
   API run over the median floor run;
5. runs a mixed load at 512 connections for 30 s and counts non-2xx/3xx responses and socket errors;
6. reads the API process's peak and current resident memory (VmHWM/VmRSS) after loading the data and
   after the runs;
7. prints a table and a Markdown table for the README, and writes JSON to ``bench/results/``.

Only 127.0.0.1 is ever contacted; every wait is bounded in time; both servers are stopped on exit,
including on Ctrl-C and on errors.
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import itertools
import json
import logging.config
import os
import platform
import random
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
RESULTS = BENCH / "results"
HOST = "127.0.0.1"

# Issue 21: cached reads at least 0.8x the floor, a never-seen /estimate at least 0.3x.
CACHED_TARGET = 0.8
ESTIMATE_TARGET = 0.3
P99_TARGET_MS = 10.0
# One API process, seeded data: resident memory after loading, and peak over the whole bench. After
# loading: issue 6's 100 MB plus the 20 MB issue 21 allows the places crosswalk.
LOADED_TARGET_MB = 120
PEAK_TARGET_MB = 200

# The parameters of the varied /estimate and /embed/wage-range loads.
YEARS = range(0, 51)
CERTIFICATIONS = ["none", "CPC", "CCS", "RHIT", "CPC,CCS"]
EDUCATIONS = ["certificate", "associate", "bachelor"]
STATES = ["NJ", "DC", "CA", "NY", "MA", "TX", "FL", "WA"]
SPECIALTIES = ["inpatient", "outpatient"]

# Response headers uvicorn adds itself, to the API and the floor alike.
SERVER_HEADERS = {"date", "server"}


# ---------------------------------------------------------------------------------------------- helpers
def log(message: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((HOST, 0))
        return int(sock.getsockname()[1])


@dataclass
class Fetched:
    status: int
    headers: list[tuple[str, str]]
    body: bytes

    def header(self, name: str) -> str | None:
        return next((v for k, v in self.headers if k.lower() == name), None)


def fetch(port: int, path: str, headers: dict[str, str] | None = None, timeout: float = 10.0) -> Fetched:
    conn = http.client.HTTPConnection(HOST, port, timeout=timeout)
    try:
        conn.request("GET", path, headers=headers or {})
        resp = conn.getresponse()
        body = resp.read()
        return Fetched(resp.status, [(k.lower(), v) for k, v in resp.getheaders()], body)
    finally:
        conn.close()


def memory_kb(pid: int) -> dict[str, int]:
    """VmHWM (peak resident set) and VmRSS (current) of a process, in kB."""
    out: dict[str, int] = {}
    with open(f"/proc/{pid}/status", encoding="ascii") as fh:
        for line in fh:
            name, _, value = line.partition(":")
            if name in ("VmHWM", "VmRSS"):
                out[name] = int(value.split()[0])
    return out


def cpu_ns_by_thread(pid: int) -> dict[str, int]:
    """CPU time of each thread of a process so far (ns, from the scheduler): unlike wall time, it does not
    grow when other processes share the cores."""
    times: dict[str, int] = {}
    for task in os.listdir(f"/proc/{pid}/task"):
        with contextlib.suppress(OSError), open(f"/proc/{pid}/task/{task}/schedstat", encoding="ascii") as fh:
            times[task] = int(fh.read().split()[0])
    return times


def voluntary_switches(pid: int) -> int:
    """Times the threads of a process have given up a core to wait (a lock, a poll, a sleep) so far."""
    total = 0
    for task in os.listdir(f"/proc/{pid}/task"):
        with contextlib.suppress(OSError), open(f"/proc/{pid}/task/{task}/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("voluntary_ctxt_switches:"):
                    total += int(line.split()[1])
    return total


def cpu_ns(pid: int) -> int:
    """CPU time of every thread of a process so far (ns)."""
    return sum(cpu_ns_by_thread(pid).values())


def load_average() -> list[float]:
    """1, 5 and 15 minute load averages: the load generator shares the cores, anything else skews results."""
    with open("/proc/loadavg", encoding="ascii") as fh:
        return [float(x) for x in fh.read().split()[:3]]


def busy_warning(load: list[float], info: dict[str, Any], who: str) -> None:
    """Say so when other processes were busy at the start: the figures are then not fit to publish."""
    if load[0] > (info["nproc"] or 1) * 0.5:
        print(
            f"\nWARNING: load average {load[0]:.2f} at the start on {info['nproc']} CPU: "
            f"other processes compete with {who}; rerun on a quiet machine to publish them."
        )


def machine() -> dict[str, Any]:
    cpu = "unknown"
    with contextlib.suppress(OSError), open("/proc/cpuinfo", encoding="utf-8") as fh:
        for line in fh:
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    mem_total = None
    with contextlib.suppress(OSError), open("/proc/meminfo", encoding="utf-8") as fh:
        for line in fh:
            if line.startswith("MemTotal:"):
                mem_total = int(line.split()[1])
    wrk = "not installed"
    if shutil.which("wrk"):
        done = subprocess.run(["wrk", "--version"], capture_output=True, text=True, timeout=10)
        wrk = (done.stdout or done.stderr).splitlines()[0].split(" Copyright")[0].strip()
    import uvicorn

    return {
        "nproc": os.cpu_count(),
        "cpu": cpu,
        "mem_total_kb": mem_total,
        "python": platform.python_version(),
        "uvicorn": uvicorn.__version__,
        "wrk": wrk,
        "kernel": platform.release(),
    }


def ensure_wrk() -> str:
    """The wrk binary; installed with apt-get when missing, else a clear error."""
    found = shutil.which("wrk")
    if found:
        return found
    apt = shutil.which("apt-get")
    if apt is None:
        raise SystemExit(
            "wrk is not installed and apt-get is not available: install wrk (Debian: apt-get install wrk)"
        )
    prefix = [] if os.geteuid() == 0 else (["sudo", "-n"] if shutil.which("sudo") else None)
    if prefix is None:
        raise SystemExit(
            "wrk is not installed and this user cannot run apt-get: run `apt-get install wrk` as root"
        )
    log("wrk not found; installing it with apt-get")
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    for cmd in ([*prefix, apt, "update"], [*prefix, apt, "install", "-y", "--no-install-recommends", "wrk"]):
        done = subprocess.run(cmd, env=env, timeout=600, capture_output=True, text=True)
        if done.returncode != 0:
            raise SystemExit(f"installing wrk failed ({' '.join(cmd)}):\n{done.stderr[-2000:]}")
    found = shutil.which("wrk")
    if not found:
        raise SystemExit("apt-get install wrk succeeded but wrk is not on PATH")
    return found


# ---------------------------------------------------------------------------------------------- servers
@dataclass
class Server:
    name: str
    port: int
    proc: subprocess.Popen[bytes]
    log_path: Path

    @property
    def pid(self) -> int:
        return self.proc.pid

    def tail(self, lines: int = 30) -> str:
        with contextlib.suppress(OSError):
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        return ""

    def stop(self) -> None:
        if self.proc.poll() is not None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.proc.pid, signal.SIGTERM)
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait(timeout=10)


def uvicorn_command(app: str, port: int, *, factory: bool, loop: str = "asyncio") -> list[str]:
    """Production settings (as `salary-api serve`, through bench/serve.py): asyncio loop, the httptools
    protocol with the head limits (app/server.py), one worker, no access log."""
    cmd = [sys.executable, "-m", "bench.serve", app, str(port), f"--loop={loop}"]
    return cmd + (["--factory"] if factory else [])


def serve_command(port: int) -> list[str]:
    """`salary-api serve` as `make run` starts it (the Makefile's last line), on ``port``."""
    return [sys.executable, "-m", "app.cli", "serve", "--host", HOST, "--port", str(port)]


# One profile's /estimate: the floor's body for the never-seen load in bench.layers and bench.sample.
EXAMPLE_ESTIMATE = (
    "/estimate?years=7&certifications=CPC&education=associate&state=NJ&specialty=inpatient"
    "&hours_per_year=1999&retirement_match_pct=3.5"
)


# bench/estimate_variant.py's variants (its VARIANTS), named here without importing the application.
ESTIMATE_VARIANTS = ("fixed", "per-core", "per-core-copied")


def variant_command(variant: str) -> Callable[[int], list[str]]:
    """`salary-api serve` with part of the never-seen estimate's work taken out: bench/estimate_variant.py."""
    return lambda port: [sys.executable, "-m", "bench.estimate_variant", variant, *serve_command(port)[3:]]


def start_api(
    name: str, workdir: Path, env: dict[str, str], *, estimate_variant: str | None = None
) -> Server:
    """The API as `make run` serves it (`salary-api serve`) with ``env``; its output to ``NAME.log``."""
    command = serve_command if estimate_variant is None else variant_command(estimate_variant)
    return start_server(
        name, "app.main:create_app", env, workdir, factory=True, loop="asyncio", command=command
    )


def start_server(
    name: str,
    app: str,
    env: dict[str, str],
    workdir: Path,
    *,
    factory: bool,
    loop: str,
    command: Callable[[int], list[str]] | None = None,
) -> Server:
    """Start ``app`` through bench/serve.py, or ``command(port)`` when given; output to ``NAME.log``."""
    port = free_port()
    log_path = workdir / f"{name}.log"
    with open(log_path, "wb") as out:
        proc = subprocess.Popen(
            command(port) if command else uvicorn_command(app, port, factory=factory, loop=loop),
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,  # its own process group: stopped as one, and not by the terminal's ^C
        )
    return Server(name, port, proc, log_path)


def wait_ready(server: Server, path: str, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    last = "no answer"
    while time.monotonic() < deadline:
        if server.proc.poll() is not None:
            raise RuntimeError(f"{server.name} exited with {server.proc.returncode}:\n{server.tail()}")
        try:
            got = fetch(server.port, path, timeout=2.0)
            if got.status == 200:
                return
            last = f"HTTP {got.status}: {got.body[:200]!r}"
        except OSError as exc:
            last = repr(exc)
        time.sleep(0.1)
    raise RuntimeError(f"{server.name} not ready on {path} after {timeout:.0f} s ({last}):\n{server.tail()}")


# ---------------------------------------------------------------------------------------------- wrk
@dataclass
class WrkRun:
    requests: int
    duration_s: float
    rps: float
    p50_ms: float
    p90_ms: float
    p99_ms: float
    max_ms: float
    non_2xx_3xx: int
    socket_errors: dict[str, int]
    command: list[str] = field(default_factory=list)
    # CPU time the server process (all its threads) spent per answered request during the run: unlike
    # requests per second, other processes on the machine barely move it.
    server_cpu_us: float | None = None
    # The part of it spent outside the busiest thread (the event loop): the access log's writer thread and
    # the data-refresh loop.
    other_threads_cpu_us: float | None = None
    # Voluntary context switches of the server's threads per 1,000 answered requests (a thread waiting for
    # the interpreter lock switches once per wake).
    server_switches_per_1k: float | None = None

    @property
    def socket_error_total(self) -> int:
        return sum(self.socket_errors.values())


_SOCKET_RE = re.compile(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)")
_NON2XX_RE = re.compile(r"Non-2xx or 3xx responses: (\d+)")
_RPS_RE = re.compile(r"Requests/sec:\s+([\d.]+)")


def run_wrk(
    url: str, script: str, *, args: list[str], connections: int, threads: int, duration: float
) -> WrkRun:
    cmd = ["wrk", f"-t{threads}", f"-c{connections}", f"-d{duration:g}s", "--timeout", "5s", "--latency"]
    cmd += ["-s", str(BENCH / script), url]
    if args:
        cmd += ["--", *args]
    env = {**os.environ, "BENCH_DIR": str(BENCH)}
    done = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True, timeout=duration + 60)
    text = done.stdout
    match = re.search(r"^BENCH_JSON (.*)$", text, re.M)
    if done.returncode != 0 or match is None:
        raise RuntimeError(f"wrk failed ({done.returncode}): {' '.join(cmd)}\n{text}\n{done.stderr}")
    data = json.loads(match.group(1))
    # wrk's own summary lines; they are printed only when non-zero.
    sock = _SOCKET_RE.search(text)
    socket_errors = (
        dict(zip(("connect", "read", "write", "timeout"), map(int, sock.groups()), strict=True))
        if sock
        else {k: 0 for k in ("connect", "read", "write", "timeout")}
    )
    non = _NON2XX_RE.search(text)
    rps = _RPS_RE.search(text)
    duration_s = data["duration_us"] / 1e6
    return WrkRun(
        requests=data["requests"],
        duration_s=round(duration_s, 3),
        rps=float(rps.group(1)) if rps else data["requests"] / duration_s,
        p50_ms=data["p50_us"] / 1000,
        p90_ms=data["p90_us"] / 1000,
        p99_ms=data["p99_us"] / 1000,
        max_ms=data["max_us"] / 1000,
        non_2xx_3xx=int(non.group(1)) if non else 0,
        socket_errors=socket_errors,
        command=cmd,
    )


def measured_run(server: Server, url: str, script: str, **wrk_kw: Any) -> WrkRun:
    """One wrk run against ``server``, with the server's CPU time per answered request."""
    before, switches = cpu_ns_by_thread(server.pid), voluntary_switches(server.pid)
    run = run_wrk(url, script, **wrk_kw)
    spent = [ns - before.get(task, 0) for task, ns in cpu_ns_by_thread(server.pid).items()]
    run.server_switches_per_1k = round(
        (voluntary_switches(server.pid) - switches) * 1000 / max(run.requests, 1), 1
    )
    per_request = 1000 * max(run.requests, 1)
    run.server_cpu_us = round(sum(spent) / per_request, 2)
    run.other_threads_cpu_us = round((sum(spent) - max(spent, default=0)) / per_request, 2)
    return run


# ---------------------------------------------------------------------------------------------- cases
@dataclass
class Case:
    key: str
    label: str
    target: float
    script: str
    path: str  # what the floor answers for this case (query ignored)
    api_url_path: str  # the URL given to wrk
    args: list[str] = field(default_factory=list)
    warm_args: list[str] | None = None
    skip_reason: str | None = None


@dataclass
class Row:
    key: str
    label: str
    target: float
    api_runs: list[WrkRun] = field(default_factory=list)
    floor_runs: list[WrkRun] = field(default_factory=list)
    skip_reason: str | None = None
    load_before: list[float] | None = None

    @property
    def api(self) -> WrkRun | None:
        """The median API run (by requests per second)."""
        return median_run(self.api_runs)

    @property
    def floor(self) -> WrkRun | None:
        return median_run(self.floor_runs)

    @property
    def ratio(self) -> float | None:
        if self.api is None or self.floor is None or self.floor.rps == 0:
            return None
        return self.api.rps / self.floor.rps

    @property
    def cpu_ratio(self) -> float | None:
        """The floor's median server CPU per request over the API's: the throughput ratio a machine with
        the cores to itself would show, as far as the server is CPU-bound."""
        api = median_value([r.server_cpu_us for r in self.api_runs])
        floor = median_value([r.server_cpu_us for r in self.floor_runs])
        return None if not api or floor is None else floor / api

    @property
    def paired_ratios(self) -> list[float]:
        pairs = zip(self.api_runs, self.floor_runs, strict=False)
        return [round(a.rps / f.rps, 3) for a, f in pairs if f.rps]

    @property
    def ratio_ok(self) -> bool:
        return self.ratio is not None and self.ratio >= self.target

    @property
    def p99_ok(self) -> bool:
        return self.api is not None and self.api.p99_ms < P99_TARGET_MS

    @property
    def clean(self) -> bool:
        return bool(self.api_runs) and all(
            r.non_2xx_3xx == 0 and r.socket_error_total == 0 for r in self.api_runs
        )

    @property
    def passed(self) -> bool:
        return self.ratio_ok and self.p99_ok and self.clean


def median_value(values: list[float | None]) -> float | None:
    known = sorted(v for v in values if v is not None)
    return known[(len(known) - 1) // 2] if known else None


def median_run(runs: list[WrkRun]) -> WrkRun | None:
    """The run with the median requests per second (the lower middle one of an even count)."""
    if not runs:
        return None
    return sorted(runs, key=lambda r: r.rps)[(len(runs) - 1) // 2]


def estimate_queries(count: int, seed: int = 6) -> list[str]:
    combos = list(itertools.product(YEARS, CERTIFICATIONS, EDUCATIONS, STATES, SPECIALTIES))
    random.Random(seed).shuffle(combos)
    return [
        f"years={y}&certifications={c}&education={e}&state={s}&specialty={sp}"
        for y, c, e, s, sp in combos[:count]
    ]


def probe_list(port: int, paths: list[str]) -> tuple[list[str], dict[int, int]]:
    """Request every path once over one keep-alive connection; keep the 200s. Also warms the API cache."""
    statuses: dict[int, int] = {}
    ok: list[str] = []
    conn = http.client.HTTPConnection(HOST, port, timeout=10)
    deadline = time.monotonic() + 120
    try:
        for path in paths:
            if time.monotonic() > deadline:
                break
            conn.request("GET", path)
            resp = conn.getresponse()
            resp.read()
            statuses[resp.status] = statuses.get(resp.status, 0) + 1
            if resp.status == 200:
                ok.append(path)
    finally:
        conn.close()
    return ok, statuses


def start_floor(
    workdir: Path,
    responses: dict[str, Any],
    not_modified: dict[str, Any] | None = None,
    *,
    loop: str = "asyncio",
    busy_us: float = 0.0,
) -> Server:
    """The floor (bench/floor.py) answering ``responses`` (path -> ``floor_spec``), and ``not_modified`` to
    requests with ``If-None-Match``, under the API's server settings, spending ``busy_us`` of CPU on each
    request first; ready for requests."""
    floor_file = workdir / "floor.json"
    floor_file.write_text(json.dumps({"responses": responses, "not_modified": not_modified or {}}))
    env = {**server_env(), "BENCH_FLOOR_FILE": str(floor_file), "BENCH_FLOOR_BUSY_US": f"{busy_us:g}"}
    floor = start_server("floor", "bench.floor:app", env, workdir, factory=False, loop=loop)
    try:
        wait_ready(floor, "/percentiles" if "/percentiles" in responses else next(iter(responses), "/"))
    except BaseException:
        floor.stop()
        raise
    return floor


def floor_spec(got: Fetched) -> dict[str, Any]:
    return {
        "status": got.status,
        "headers": [[k, v] for k, v in got.headers if k not in SERVER_HEADERS],
        "body": got.body.decode("latin-1"),
    }


# ---------------------------------------------------------------------------------------------- output
def fmt_rps(value: float | None) -> str:
    return "-" if value is None else f"{value:,.0f}"


def fmt_us(value: float | None) -> str:
    return "-" if value is None else f"{value:.1f}"


def fmt_ms(value: float | None) -> str:
    return "-" if value is None else f"{value:.2f}"


def table_rows(rows: list[Row], stress: dict[str, Any] | None) -> tuple[list[str], list[list[str]]]:
    head = [
        "endpoint",
        "req/s",
        "p50 ms",
        "p99 ms",
        "floor req/s",
        "floor p99 ms",
        "ratio",
        "CPU us/req",
        "floor CPU us/req",
        "CPU ratio",
        "target",
        "p99<10ms",
    ]
    head.append("pass")
    body = []
    for row in rows:
        if row.api is None:
            reason = row.skip_reason or "not measured"
            body.append(
                [row.label, "-", "-", "-", "-", "-", "-", "-", "-", "-", f">= {row.target}x", "-"]
                + [f"not measured ({reason})"]
            )
            continue
        verdict = "PASS" if row.passed else "FAIL"
        if not row.clean:
            verdict += f" ({row.api.non_2xx_3xx} non-2xx/3xx, {row.api.socket_error_total} socket errors)"
        body.append(
            [
                row.label,
                fmt_rps(row.api.rps),
                fmt_ms(row.api.p50_ms),
                fmt_ms(row.api.p99_ms),
                fmt_rps(row.floor.rps if row.floor else None),
                fmt_ms(row.floor.p99_ms if row.floor else None),
                f"{row.ratio:.2f}x" if row.ratio is not None else "-",
                fmt_us(median_value([r.server_cpu_us for r in row.api_runs])),
                fmt_us(median_value([r.server_cpu_us for r in row.floor_runs])),
                f"{row.cpu_ratio:.2f}x" if row.cpu_ratio is not None else "-",
                f">= {row.target}x",
                "yes" if row.p99_ok else "no",
                verdict,
            ]
        )
    if stress is not None:
        for name in ("run", "floor"):
            run: WrkRun | None = stress.get(name)
            if run is None:
                continue
            ok = run.non_2xx_3xx == 0 and run.socket_error_total == 0 and run.requests > 0
            errs = ", ".join(f"{k} {v}" for k, v in run.socket_errors.items())
            what = f"mixed, {stress['connections']} connections, {stress['duration']:g} s"
            body.append(
                [
                    what if name == "run" else f"{what}: floor (control)",
                    fmt_rps(run.rps),
                    fmt_ms(run.p50_ms),
                    fmt_ms(run.p99_ms),
                    "-",
                    "-",
                    "-",
                    fmt_us(run.server_cpu_us),
                    "-",
                    "-",
                    "0 errors" if name == "run" else "-",
                    "-",
                    f"{'PASS' if ok else 'FAIL' if name == 'run' else 'errors'} "
                    f"(non-2xx/3xx {run.non_2xx_3xx}; socket: {errs})",
                ]
            )
    return head, body


def plain_table(head: list[str], body: list[list[str]], numeric: set[int] | None = None) -> str:
    """Columns padded to width; ``numeric`` ones (default: all but the first and last) right-aligned."""
    widths = [max(len(r[i]) for r in [head, *body]) for i in range(len(head))]
    right = set(range(1, len(head) - 1)) if numeric is None else numeric

    def fmt(r: list[str]) -> str:
        cells = zip(r, widths, strict=True)
        return "  ".join(c.rjust(w) if i in right else c.ljust(w) for i, (c, w) in enumerate(cells)).rstrip()

    return "\n".join([fmt(head), "  ".join("-" * w for w in widths), *(fmt(r) for r in body)])


def markdown_table(head: list[str], body: list[list[str]]) -> str:
    def esc(cell: str) -> str:
        return cell.replace("|", "\\|")

    lines = ["| " + " | ".join(head) + " |", "|" + "|".join(" --- " for _ in head) + "|"]
    lines += ["| " + " | ".join(esc(c) for c in r) + " |" for r in body]
    return "\n".join(lines)


def percentile(values: list[float], pct: float) -> float:
    """Nearest-rank percentile."""
    ordered = sorted(values)
    rank = max(1, -(-len(ordered) * pct // 100))
    return ordered[int(rank) - 1]


def mb(kb: int | None) -> str:
    return "-" if kb is None else f"{kb / 1024:.1f} MB"


def write_results(directory: Path, kind: str, data: dict[str, Any], suffix: str = "") -> Path:
    """Write ``data`` with its UTC time as ``directory/KIND-TIME[SUFFIX].json`` and print where."""
    directory.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    out = directory / f"{kind}-{stamp}{suffix}.json"
    out.write_text(json.dumps({"when": stamp, **data}, indent=2) + "\n")
    print(f"\nresults: {out.relative_to(ROOT) if out.is_relative_to(ROOT) else out}")
    return out


def run_cli(main: Callable[[], int]) -> None:
    """Exit with ``main()``'s status; on Ctrl-C or SIGTERM (servers already stopped) with 130."""
    try:
        sys.exit(main())
    except KeyboardInterrupt:
        log("interrupted; servers stopped")
        sys.exit(130)


# ---------------------------------------------------------------------------------------------- main
def parse_args(argv: list[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="python -m bench.run", description=__doc__.split("\n\n")[0])
    p.add_argument(
        "--quick", action="store_true", help="smoke run: 2 s per measurement, 5 s at 512 connections"
    )
    p.add_argument("--duration", type=float, help="seconds per measured run (default 5, --quick 2)")
    p.add_argument(
        "--warmup", type=float, help="seconds of warm-up before each measured run (default 2, --quick 1)"
    )
    p.add_argument(
        "--repeat",
        type=int,
        help="runs per endpoint and per server, alternating; the median counts (default 3, --quick 1)",
    )
    p.add_argument("--connections", type=int, default=64)
    p.add_argument("--threads", type=int, default=2, help="wrk threads (default 2 on this 2-core machine)")
    p.add_argument("--stress-connections", type=int, default=512)
    p.add_argument(
        "--stress-duration", type=float, help="seconds at --stress-connections (default 30, --quick 5)"
    )
    p.add_argument("--combos", type=int, default=1000, help="parameter combinations in the varied lists")
    p.add_argument(
        "--only",
        nargs="*",
        help="case keys to run: states percentiles revalidate estimate embed estimate_distinct",
    )
    p.add_argument("--no-stress", action="store_true")
    p.add_argument(
        "--loop",
        choices=("asyncio", "uvloop"),
        default="asyncio",
        help="event loop of both servers: asyncio as in production; uvloop (pip install uvloop) to compare",
    )
    p.add_argument(
        "--env",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="a setting for the API beyond `make run`'s (e.g. SALARY_API_ACCESS_LOG_SAMPLE=1); printed",
    )
    p.add_argument(
        "--estimate-variant",
        choices=ESTIMATE_VARIANTS,
        help="the API with part of the never-seen /estimate's work taken out, to take its cost apart "
        "(bench/estimate_variant.py; its answers are wrong: not the API); printed",
    )
    p.add_argument("--results", type=Path, default=RESULTS)
    args = p.parse_args(argv)
    if args.estimate_variant and args.loop != "asyncio":
        p.error("--estimate-variant runs `salary-api serve`, whose loop is asyncio")
    args.env = dict(item.split("=", 1) for item in args.env)
    args.duration = args.duration or (2.0 if args.quick else 5.0)
    args.repeat = args.repeat or (1 if args.quick else 3)
    args.warmup = args.warmup if args.warmup is not None else (1.0 if args.quick else 2.0)
    args.stress_duration = args.stress_duration or (5.0 if args.quick else 30.0)
    return args


def migrate_and_seed(url: str) -> None:
    """Bring the database at ``url`` to the head migration and seed it, as `salary-api migrate && seed`."""
    from app.cli import run_migrations
    from app.db import make_engine
    from seed.load import seed_database

    run_migrations(url)
    engine = make_engine(url)
    try:
        seed_database(engine)
    finally:
        engine.dispose()


def log_json_to_devnull() -> None:
    """Log as `make run` logs to a file (JSON lines), to /dev/null: for the in-process benches."""
    from app.config import Settings
    from app.observability.logs import logging_config

    config = logging_config(Settings(log_format="json"))
    config["handlers"]["stderr"] = {
        "class": "logging.FileHandler",
        "filename": "/dev/null",
        "formatter": "json",
    }
    logging.config.dictConfig(config)


def build_database(workdir: Path) -> str:
    url = f"sqlite:///{workdir / 'bench.db'}"
    migrate_and_seed(url)
    return url


# What the bench's API runs with beyond `make run`'s configuration (said in the output).
API_SETTINGS = {"SALARY_API_RATE_LIMIT_PER_MINUTE": "0", "SALARY_API_SHUTDOWN_DRAIN": "0"}


def server_env(database_url: str | None = None) -> dict[str, str]:
    """This environment without SALARY_API_* settings; for the API, its database and no per-client limit."""
    base = {k: v for k, v in os.environ.items() if not k.startswith("SALARY_API_") and k != "DATABASE_URL"}
    if database_url is None:
        return base
    # No load balancer to wait for on SIGTERM: the drain would only delay the end of the bench.
    return {**base, "DATABASE_URL": database_url, **API_SETTINGS}


@contextlib.contextmanager
def servers_stopped_on_exit() -> Iterator[list[Server]]:
    started: list[Server] = []

    def on_term(signum: int, _frame: Any) -> None:
        raise KeyboardInterrupt(f"signal {signum}")

    previous = signal.signal(signal.SIGTERM, on_term)
    try:
        yield started
    finally:
        for server in reversed(started):
            server.stop()
        signal.signal(signal.SIGTERM, previous)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    ensure_wrk()
    info = machine()
    command = "python -m bench.run" + (
        ""
        if argv is None and len(sys.argv) <= 1
        else " " + " ".join(argv if argv is not None else sys.argv[1:])
    )
    load_start = load_average()
    log(f"{info['nproc']} CPU ({info['cpu']}), Python {info['python']}, {info['wrk']}; load {load_start}")
    with tempfile.TemporaryDirectory(prefix="salary-bench-") as tmp, servers_stopped_on_exit() as started:
        workdir = Path(tmp)
        log("building a migrated and seeded SQLite database")
        url = build_database(workdir)

        # As `make run` serves (salary-api serve); uvloop only through bench/serve.py, which can choose it.
        env = {**server_env(url), **args.env}
        if args.loop == "asyncio":
            api = start_api("api", workdir, env, estimate_variant=args.estimate_variant)
        else:
            api = start_server("api", "app.main:create_app", env, workdir, factory=True, loop=args.loop)
        started.append(api)
        wait_ready(api, "/readyz")
        memory: dict[str, Any] = {"after_load": memory_kb(api.pid)}
        log(f"API ready on :{api.port} (pid {api.pid}); memory after loading {memory['after_load']}")

        # ---- the real responses, the varied lists, and what each case needs
        queries = estimate_queries(args.combos)
        cases: list[Case] = []
        floor_responses: dict[str, Any] = {}
        not_modified: dict[str, Any] = {}
        lists: dict[str, list[str]] = {}

        for key, label, path in (
            ("states", "GET /states?sort=-median", "/states?sort=-median"),
            ("percentiles", "GET /percentiles", "/percentiles"),
        ):
            got = fetch(api.port, path)
            if got.status != 200:
                cases.append(
                    Case(
                        key, label, CACHED_TARGET, "static.lua", path, path, skip_reason=f"HTTP {got.status}"
                    )
                )
                continue
            floor_responses[path.split("?")[0]] = floor_spec(got)
            cases.append(Case(key, label, CACHED_TARGET, "static.lua", path.split("?")[0], path))

        reval_path = "/percentiles"
        got = fetch(api.port, reval_path)
        etag = got.header("etag")
        reval = fetch(api.port, reval_path, {"If-None-Match": etag}) if etag else None
        reval_case = Case(
            "revalidate",
            f"GET {reval_path} If-None-Match (304)",
            CACHED_TARGET,
            "revalidate.lua",
            reval_path,
            reval_path,
        )
        if reval is None or reval.status != 304:
            reval_case.skip_reason = (
                "no ETag" if etag is None else f"HTTP {reval.status if reval else '-'} instead of 304"
            )
        else:
            reval_case.args = [etag or ""]
            not_modified[reval_path] = floor_spec(reval)
        cases.append(reval_case)

        for key, label, path in (
            ("estimate", f"GET /estimate, {args.combos} param combos cycled", "/estimate"),
            ("embed", f"GET /embed/wage-range, {args.combos} param combos cycled", "/embed/wage-range"),
        ):
            # Cycled, every combination is a cached read; only the distinct /estimate has the lower target.
            case = Case(key, label, CACHED_TARGET, "cycle.lua", path, path)
            first = fetch(api.port, f"{path}?{queries[0]}")
            if first.status != 200:
                case.skip_reason = f"HTTP {first.status} on {path}"
                cases.append(case)
                continue
            log(f"probing {len(queries)} {path} combinations")
            ok, statuses = probe_list(api.port, [f"{path}?{q}" for q in queries])
            log(f"{path}: statuses {statuses}; {len(ok)} answer 200 and are used")
            # The cache admits a query on its second sighting: a time-bound warm-up on a busy machine
            # may not reach every combination, so the measured runs would include misses.
            probe_list(api.port, ok)
            if not ok:
                case.skip_reason = f"no combination answers 200 ({statuses})"
                cases.append(case)
                continue
            list_file = workdir / f"{key}.paths"
            list_file.write_text("\n".join(ok) + "\n")
            lists[key] = ok
            case.args = [str(list_file)]
            floor_responses[path] = floor_spec(fetch(api.port, ok[0]))
            cases.append(case)

        distinct = Case(
            "estimate_distinct",
            "GET /estimate, every request distinct (cache miss)",
            ESTIMATE_TARGET,
            "distinct.lua",
            "/estimate",
            "/estimate",
            args=["/estimate", "0", str(args.threads)],
            warm_args=["/estimate", "10000000", str(args.threads)],
        )
        sample = (
            "/estimate?years=7&certifications=CPC&education=associate&state=NJ&specialty=inpatient"
            "&hours_per_year=1999&retirement_match_pct=3.5"
        )
        sample_got = fetch(api.port, sample)
        if sample_got.status != 200:
            distinct.skip_reason = f"HTTP {sample_got.status} on {sample}"
        elif "/estimate" not in floor_responses:
            floor_responses["/estimate"] = floor_spec(sample_got)
        cases.append(distinct)

        if args.only:
            cases = [c for c in cases if c.key in args.only]

        # ---- the floor, same bytes, same server settings
        floor = start_floor(workdir, floor_responses, not_modified, loop=args.loop)
        started.append(floor)
        for path, spec in floor_responses.items():
            check = fetch(floor.port, path)
            if check.body != spec["body"].encode("latin-1") or check.status != spec["status"]:
                raise RuntimeError(f"the floor does not return the API's bytes for {path}")
        log(f"floor ready on :{floor.port} (pid {floor.pid}), {len(floor_responses)} responses")

        # ---- measure: API then floor per case, --repeat times, alternating; the median run of each counts
        rows: list[Row] = []
        for case in cases:
            row = Row(case.key, case.label, case.target, skip_reason=case.skip_reason)
            rows.append(row)
            if case.skip_reason:
                log(f"skip {case.label}: {case.skip_reason}")
                continue
            row.load_before = load_average()
            for repeat in range(args.repeat):
                for target_name, server in (("api", api), ("floor", floor)):
                    url_path = case.api_url_path if target_name == "api" else case.path
                    url = f"http://{HOST}:{server.port}{url_path}"
                    run_args, warm_args = case.args, case.warm_args or case.args
                    if case.key == "estimate_distinct":  # fresh, never-seen combinations on every run
                        run_args = [case.args[0], str(repeat * 1_000_000), case.args[2]]
                        warm_args = [case.args[0], str(10_000_000 + repeat * 1_000_000), case.args[2]]
                    wrk_kw = {"connections": args.connections, "threads": args.threads}
                    if args.warmup > 0:
                        run_wrk(url, case.script, args=warm_args, duration=args.warmup, **wrk_kw)
                    run = measured_run(
                        server, url, case.script, args=run_args, duration=args.duration, **wrk_kw
                    )
                    getattr(row, f"{target_name}_runs").append(run)
                    log(
                        f"{case.label} [{target_name} {repeat + 1}/{args.repeat}]: {run.rps:,.0f} req/s, "
                        f"server CPU {run.server_cpu_us:.1f} us/request, "
                        f"p50 {run.p50_ms:.2f} ms, p99 {run.p99_ms:.2f} ms, non-2xx/3xx {run.non_2xx_3xx}, "
                        f"socket errors {run.socket_error_total}"
                    )
            log(
                f"  ratio {row.ratio:.2f}x (target {case.target}x); paired ratios {row.paired_ratios}; "
                f"CPU-per-request ratio {row.cpu_ratio or 0:.2f}x"
            )
        memory["after_64"] = memory_kb(api.pid)
        # The floor under the same loads: what uvicorn and asyncio hold per connection, whatever the app.
        memory["floor_after_64"] = memory_kb(floor.pid)

        # ---- 512 connections, mixed load
        stress: dict[str, Any] | None = None
        if not args.no_stress:
            mix = [c.api_url_path for c in cases if c.script == "static.lua" and not c.skip_reason]
            for key in ("estimate", "embed"):
                mix += lists.get(key, [])[:200]
            random.Random(512).shuffle(mix)
            mix_file = workdir / "mixed.paths"
            mix_file.write_text("\n".join(mix) + "\n")
            n_conn, secs = args.stress_connections, args.stress_duration
            log(f"mixed load over {len(mix)} paths at {n_conn} connections for {secs:g} s")
            stress = {"connections": n_conn, "duration": secs, "paths": len(mix)}
            # The API, then the floor with the same paths (it ignores the query): a control that tells the
            # server's and the machine's own tail latency and timeouts apart from the app's.
            for target_name, server in (("run", api), ("floor", floor)):
                run = measured_run(
                    server,
                    f"http://{HOST}:{server.port}/",
                    "cycle.lua",
                    args=[str(mix_file)],
                    connections=n_conn,
                    threads=args.threads,
                    duration=secs,
                )
                stress[target_name] = run
                who = "api" if target_name == "run" else "floor"
                log(
                    f"{n_conn} connections [{who}]: {run.rps:,.0f} req/s, p99 {run.p99_ms:.2f} ms, "
                    f"non-2xx/3xx {run.non_2xx_3xx}, socket errors {run.socket_errors}"
                )
        memory["after_runs"] = memory_kb(api.pid)
        memory["floor_after_runs"] = memory_kb(floor.pid)
        if api.proc.poll() is not None:
            raise RuntimeError(f"the API exited during the run:\n{api.tail()}")

    # ---- report (servers are stopped by now)
    load_after = load_average()
    head, body = table_rows(rows, stress)
    md = markdown_table(head, body)
    mem = {k: {n: mb(v) for n, v in m.items()} for k, m in memory.items()}
    loaded_kb, peak_kb = memory["after_load"].get("VmRSS"), memory["after_runs"].get("VmHWM")
    memory_ok = (
        loaded_kb is not None
        and peak_kb is not None
        and loaded_kb <= LOADED_TARGET_MB * 1024
        and peak_kb <= PEAK_TARGET_MB * 1024
    )
    mem_line = (
        f"API process resident memory (one process, /proc/PID/status): after loading the data "
        f"{mem['after_load'].get('VmRSS')} (peak {mem['after_load'].get('VmHWM')}); after the "
        f"{args.connections}-connection runs peak {mem['after_64'].get('VmHWM')}; after all runs peak "
        f"{mem['after_runs'].get('VmHWM')}, current {mem['after_runs'].get('VmRSS')} (the floor, for the "
        f"connections alone: {mem['floor_after_64'].get('VmHWM')} then "
        f"{mem['floor_after_runs'].get('VmHWM')} peak). Targets: at most "
        f"{LOADED_TARGET_MB} MB after loading, at most {PEAK_TARGET_MB} MB peak: "
        f"{'PASS' if memory_ok else 'FAIL'}."
    )
    served = (
        "`salary-api serve` as `make run` starts it (asyncio loop, httptools, 1 worker, output to a file: "
        "JSON log, default access log sampling, metrics and request ids on)"
        if args.loop == "asyncio"
        else f"bench/serve.py with the {args.loop} loop (not `make run`'s configuration)"
    )
    if args.estimate_variant:
        served += (
            f" with the estimate variant {args.estimate_variant!r} (bench/estimate_variant.py: its answers "
            "are wrong, not the API's)"
        )
    settings_line = ", ".join(f"{k}={v}" for k, v in {**API_SETTINGS, **args.env}.items())
    machine_line = (
        f"Machine: {info['nproc']} CPU ({info['cpu']}), {mb(info['mem_total_kb'])} RAM, "
        f"Python {info['python']}, uvicorn {info['uvicorn']}. API: {served}, with {settings_line}. "
        f"{info['wrk']}, {args.threads} threads on the same cores as the server. {args.connections} "
        f"connections, median of {args.repeat} runs of {args.duration:g} s after {args.warmup:g} s warm-up, "
        "API and floor alternating; "
        f"load average {load_start[0]:.2f} before, {load_after[0]:.2f} after. Command: `{command}`."
    )
    print()
    print(plain_table(head, body))
    print()
    print(mem_line)
    print()
    print("Markdown for the README:")
    print()
    print(md)
    print()
    print(mem_line)
    print()
    print(machine_line)
    busy_warning(load_start, info, "the server and wrk")

    write_results(
        args.results,
        "http",
        {
            "load_average": {"start": load_start, "end": load_after},
            "command": command,
            "machine": info,
            "settings": {
                "connections": args.connections,
                "threads": args.threads,
                "duration_s": args.duration,
                "repeat": args.repeat,
                "warmup_s": args.warmup,
                "stress_connections": args.stress_connections,
                "stress_duration_s": args.stress_duration,
                "combos": args.combos,
                "api_env": {**API_SETTINGS, **args.env},
                "estimate_variant": args.estimate_variant,
                "server": serve_command(0)[1:]
                if args.loop == "asyncio"
                else uvicorn_command("app.main:create_app", 0, factory=True, loop=args.loop)[2:],
            },
            "targets": {
                "cached_ratio": CACHED_TARGET,
                "estimate_ratio": ESTIMATE_TARGET,
                "p99_ms": P99_TARGET_MS,
                "loaded_mb": LOADED_TARGET_MB,
                "peak_mb": PEAK_TARGET_MB,
            },
            "rows": [
                {
                    "key": r.key,
                    "label": r.label,
                    "target": r.target,
                    "ratio": r.ratio,
                    "cpu_ratio": r.cpu_ratio,
                    "passed": r.passed if r.api else None,
                    "skip_reason": r.skip_reason,
                    "paired_ratios": r.paired_ratios,
                    "load_before": r.load_before,
                    "api": asdict(r.api) if r.api else None,
                    "floor": asdict(r.floor) if r.floor else None,
                    "api_runs": [asdict(x) for x in r.api_runs],
                    "floor_runs": [asdict(x) for x in r.floor_runs],
                }
                for r in rows
            ],
            "stress": None
            if stress is None
            else {k: asdict(v) if isinstance(v, WrkRun) else v for k, v in stress.items()},
            "memory_kb": memory,
            "markdown": md,
        },
        suffix="-quick" if args.quick else "",
    )
    measured = [r for r in rows if r.api is not None]
    stress_ok = stress is None or (stress["run"].non_2xx_3xx == 0 and stress["run"].socket_error_total == 0)
    return 0 if all(r.passed for r in measured) and stress_ok and memory_ok else 1


if __name__ == "__main__":
    run_cli(main)
