"""The first request of every documented GET example on a fresh process: ``python -m bench.first_request``.

A process started as `make run` starts it (`salary-api serve`: logging, metrics and request ids on; the
per-client rate limit off, SALARY_API_RATE_LIMIT_PER_MINUTE=0, so the run is not refused) on a migrated and
seeded SQLite database. Once it answers /healthz, each target is asked once, on a new connection, and
timed from the request to the last byte: every GET operation of the contract with its examples (path
parameters and required query parameters), and /openapi.json, /docs and /redoc. Then each is asked a
second time, the figure a warm cache gives, for comparison. Goal (issue 20): every first answer within
50 ms, except /export, which builds its file once per data version.

The figures depend on the machine and on what else runs on it; the load average is printed beside them."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from bench.run import (
    ROOT,
    Server,
    build_database,
    fetch,
    free_port,
    load_average,
    log,
    plain_table,
    run_cli,
    server_env,
    servers_stopped_on_exit,
    wait_ready,
    write_results,
)

TARGET_MS = 50.0
EXEMPT = {"/export"}
PAGES = ["/openapi.json", "/docs", "/redoc"]
# Required parameters the contract gives no example for (a posted pay range for /compare).
REQUIRED = {"low": "40000", "high": "60000"}
RESULTS = ROOT / "bench" / "results"


def documented_targets() -> list[str]:
    """Each GET operation of openapi.json with its examples, then the reference pages."""
    contract = json.loads((ROOT / "openapi.json").read_text(encoding="utf-8"))
    targets = []
    for path, item in contract["paths"].items():
        operation = item.get("get")
        if operation is None:
            continue
        target, query = path, []
        for parameter in operation.get("parameters", []):
            examples = parameter.get("examples") or parameter["schema"].get("examples") or []
            if parameter["in"] == "path":
                target = target.replace("{" + parameter["name"] + "}", str(examples[0]))
            elif parameter.get("required"):
                value = str(examples[0]) if examples else REQUIRED[parameter["name"]]
                query.append((parameter["name"], value))
        targets.append(target + (f"?{urlencode(query)}" if query else ""))
    return targets + PAGES


def timed_get(port: int, target: str) -> tuple[int, float, int]:
    """Status, milliseconds to the last byte, and body size of one GET on a new connection."""
    started = time.perf_counter()
    got = fetch(port, target, timeout=60.0)
    return got.status, (time.perf_counter() - started) * 1000, len(got.body)


def start_fresh(workdir: Path) -> Server:
    """`salary-api serve`, as `make run` starts it, on a new migrated and seeded SQLite database."""
    log("building a migrated and seeded SQLite database")
    url = build_database(workdir)
    port = free_port()
    log_path = workdir / "serve.log"
    with open(log_path, "wb") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "app.cli", "serve", "--port", str(port)],
            cwd=ROOT,
            env={**server_env(url), "SALARY_API_DATABASE_URL": url},
            stdout=out,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
        )
    return Server("api", port, proc, log_path)


def main() -> int:
    load = load_average()
    log(f"load average {load}")
    with tempfile.TemporaryDirectory(prefix="bench-first-") as tmp, servers_stopped_on_exit() as started:
        server = start_fresh(Path(tmp))
        port = server.port
        started.append(server)
        begun = time.perf_counter()
        wait_ready(server, "/healthz")
        log(f"serving after {time.perf_counter() - begun:.1f} s")
        rows: list[dict[str, Any]] = []
        for target in documented_targets():
            status, first_ms, size = timed_get(port, target)
            rows.append({"target": target, "status": status, "first_ms": first_ms, "bytes": size})
        for row in rows:
            row["second_ms"] = timed_get(port, row["target"])[1]
            path = row["target"].split("?")[0]
            row["pass"] = path in EXEMPT or (row["status"] == 200 and row["first_ms"] <= TARGET_MS)
    head = ["target", "status", "first ms", "second ms", "bytes", f"first <= {TARGET_MS:g} ms"]
    body = [
        [
            r["target"][:70],
            str(r["status"]),
            f"{r['first_ms']:.1f}",
            f"{r['second_ms']:.1f}",
            str(r["bytes"]),
            ("exempt" if r["target"].split("?")[0] in EXEMPT else "yes") if r["pass"] else "NO",
        ]
        for r in rows
    ]
    print(plain_table(head, body, numeric={1, 2, 3, 4}))
    failed = [r["target"] for r in rows if not r["pass"]]
    passed = len(rows) - len(failed)
    print(f"\nload average at start {load}, at end {load_average()}; {passed}/{len(rows)} pass")
    write_results(RESULTS, "first-request", {"load": load, "target_ms": TARGET_MS, "rows": rows})
    return 1 if failed and os.environ.get("BENCH_STRICT") else 0


if __name__ == "__main__":
    run_cli(main)
