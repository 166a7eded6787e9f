"""Instructions a never-seen ``/estimate`` costs, counted by valgrind: ``python -m bench.instructions``.

The same request path as ``python -m bench.inprocess`` (the application as `make run` builds it, its lifespan
run, GET requests sent straight to its ASGI callable, bench/distinct.lua's queries), run twice under
``valgrind --tool=callgrind``: once with only the warm-up, once with ``--requests`` more. The difference,
divided by the requests, is what one never-seen request costs in instructions. Unlike a time, the count is
the same whatever else the machine is doing (the same total twice, with another process loading a core),
so a change of a few percent can be told from noise, which no timed run here can do. It counts neither the
server nor the kernel, and an instruction that misses the cache costs no more than one that hits.

Needs valgrind (Debian's package); each run takes a minute or two, mostly the application's start.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

WARM_UP = 1_500
# The counted queries' first k: their hours_per_year (1 + k // 51 % 4000) are then 3,608-3,647, as the
# hours of nearly all of wrk's queries are. From k = 0 they would be 1-40, hours that also get the note
# asking whether a week was meant: one request in 52 of wrk's, but every one counted here.
COUNTED_FROM = 1_000_000


async def child(path: str, requests: int, url: str) -> None:
    """Build the application on ``url``, warm it, then send ``requests`` never-seen GETs (the child)."""
    from app.config import Settings
    from app.main import create_app
    from bench.inprocess import distinct_queries, send_all
    from bench.run import log_json_to_devnull

    app = create_app(Settings(database_url=url, rate_limit_per_minute=0, log_format="json"))
    log_json_to_devnull()
    async with app.router.lifespan_context(app):
        await send_all(app, path, distinct_queries(10_000_000, WARM_UP))
        if requests:
            failed = await send_all(app, path, distinct_queries(COUNTED_FROM, requests))
            if failed:
                raise SystemExit(f"{failed} answers were not 200")


def counted(path: str, requests: int, url: str) -> int:
    """The instructions valgrind counts for one child run."""
    run = subprocess.run(
        [
            "valgrind",
            "--tool=callgrind",
            "--callgrind-out-file=/dev/null",
            sys.executable,
            "-m",
            "bench.instructions",
            "--child",
            "--path",
            path,
            "--requests",
            str(requests),
            "--database",
            url,
        ],
        capture_output=True,
        text=True,
        check=True,
        # As `make bench` and bench.inprocess: the operator's own settings set aside.
        env={k: v for k, v in os.environ.items() if not k.startswith("SALARY_API_") and k != "DATABASE_URL"},
    )
    found = re.search(r"Collected : (\d+)", run.stderr)
    if found is None:
        raise SystemExit(f"valgrind printed no count:\n{run.stderr[-2000:]}")
    return int(found.group(1))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--path", default="/estimate")
    parser.add_argument("--requests", type=int, default=2_000, help="requests counted (default 2000)")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--database", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        asyncio.run(child(args.path, args.requests, args.database))
        return
    if shutil.which("valgrind") is None:
        raise SystemExit("valgrind is not installed (apt-get install valgrind)")
    from bench.run import build_database

    workdir = Path(tempfile.mkdtemp(prefix="bench-instructions-"))
    try:
        url = build_database(workdir)
        base = counted(args.path, 0, url)
        loaded = counted(args.path, args.requests, url)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    print(
        f"GET {args.path}, never seen: {(loaded - base) / args.requests:,.0f} instructions a request "
        f"({args.requests} requests after a warm-up of {WARM_UP}; {base:,} instructions without them)"
    )


if __name__ == "__main__":
    main()
