"""Read-model memory and cold-occupation latency with a full OEWS release.

Run with ``python -m bench.store_memory FILE [--postgres]``.

FILE is an all-data release (``salary-api extract-oews --all ...`` writes the May 2025 one). The bench:

1. builds a migrated and seeded database (SQLite in a temporary directory; PostgreSQL next to
   TEST_DATABASE_URL with ``--postgres``);
2. starts one API process (uvicorn, production settings, data refresh every second) and reads its
   resident memory (VmRSS);
3. imports FILE with ``salary-api import-oews`` in another process, waits until the API serves the new data
   version (the live reload) and reads VmRSS again;
4. asks ``/percentiles`` then ``/states`` for every occupation of the release, in order, timing the first
   request of each (its figures are not in memory yet: a cold occupation), and reads VmRSS and VmHWM.

Only 127.0.0.1 is contacted; every wait is bounded; the server is stopped on exit. Asserts nothing.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

from bench.import_bench import scratch_postgres
from bench.run import (
    ROOT,
    cpu_ns,
    fetch,
    load_average,
    log,
    memory_kb,
    migrate_and_seed,
    percentile,
    start_server,
    wait_ready,
)


@contextlib.contextmanager
def _database(workdir: Path, postgres: bool) -> Iterator[str]:
    if not postgres:
        yield f"sqlite:///{workdir / 'store.db'}"
        return
    admin = os.environ.get("TEST_DATABASE_URL")
    if not admin:
        raise SystemExit("--postgres needs TEST_DATABASE_URL")
    with scratch_postgres(admin) as url:
        yield url


def _occupations(port: int) -> list[str]:
    codes: list[str] = []
    offset = 0
    while True:
        got = fetch(port, f"/occupations?limit=500&offset={offset}")
        page = json.loads(got.body)
        codes += [o["soc_code"] for o in page["items"]]
        offset += len(page["items"])
        if not page["items"] or offset >= page["total"]:
            return codes


def _mb(kb: int) -> str:
    return f"{kb / 1024:.0f} MB"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("file", type=Path)
    parser.add_argument("--postgres", action="store_true")
    args = parser.parse_args()
    with (
        tempfile.TemporaryDirectory(prefix="store-bench-") as tmp,
        _database(Path(tmp), args.postgres) as url,
    ):
        workdir = Path(tmp)
        migrate_and_seed(url)
        env = {
            **os.environ,
            "DATABASE_URL": url,
            "SALARY_API_REFRESH_INTERVAL": "1",
            "SALARY_API_RATE_LIMIT_PER_MINUTE": "0",
        }
        server = start_server("api", "app.main:create_app", env, workdir, factory=True, loop="asyncio")
        try:
            wait_ready(server, "/readyz")
            before = int(fetch(server.port, "/occupations").header("x-data-version") or 0)
            seeded = memory_kb(server.pid)["VmRSS"]
            log(f"seeded: {_mb(seeded)}; importing {args.file.name}")
            started = time.monotonic()
            subprocess.run(
                [sys.executable, "-m", "app.cli", "import-oews", str(args.file)],
                cwd=ROOT,
                env=env,
                check=True,
                timeout=1800,
                stdout=subprocess.DEVNULL,
            )
            log(f"imported in {time.monotonic() - started:.0f} s; waiting for the reload")
            deadline = time.monotonic() + 120
            while int(fetch(server.port, "/occupations").header("x-data-version") or 0) == before:
                if time.monotonic() > deadline:
                    raise SystemExit("the API did not reload within 120 s")
                time.sleep(0.2)
            time.sleep(2)
            reloaded = memory_kb(server.pid)["VmRSS"]
            codes = _occupations(server.port)
            log(f"after reload: {_mb(reloaded)}; requesting {len(codes)} occupations")
            cold: list[float] = []
            cold_cpu: list[float] = []
            statuses: dict[int, int] = {}
            for code in codes:
                c0, t0 = cpu_ns(server.pid), time.perf_counter()
                got = fetch(server.port, f"/percentiles?occupation={code}")
                cold.append((time.perf_counter() - t0) * 1000)
                cold_cpu.append((cpu_ns(server.pid) - c0) / 1e6)
                statuses[got.status] = statuses.get(got.status, 0) + 1
                got = fetch(server.port, f"/states?occupation={code}&limit=100")
                statuses[got.status] = statuses.get(got.status, 0) + 1
            after = memory_kb(server.pid)
            backend = "PostgreSQL" if args.postgres else "SQLite"
            print(f"{backend}, {len(codes)} occupations, statuses {statuses}")
            print(
                f"RSS seeded {_mb(seeded)}, after reload {_mb(reloaded)}, after every occupation "
                f"{_mb(after['VmRSS'])} (peak {_mb(after['VmHWM'])})"
            )
            print(
                f"cold /percentiles ms: p50 {statistics.median(cold):.1f}, p99 {percentile(cold, 99):.1f}, "
                f"max {max(cold):.1f}; server CPU per request p50 {statistics.median(cold_cpu):.1f}, p99 "
                f"{percentile(cold_cpu, 99):.1f}; load average {' '.join(map(str, load_average()))}"
            )
        finally:
            server.stop()


if __name__ == "__main__":
    main()
