"""A never-seen ``/estimate`` through the whole application, in process: ``python -m bench.inprocess``.

Builds a seeded SQLite database and the application as `make run` builds it (default access log, metrics,
request ids; rate limit off), runs its lifespan, then sends GET requests straight to its ASGI callable: no
server, no socket. The queries are bench/distinct.lua's (every one different, so the response cache never
answers), from a different range each round.

- default: CPU time of the process (``time.process_time``) per request, ``--rounds`` rounds of
  ``--requests`` requests, best and median printed: what the application costs without the server.
- ``--memory N``: N never-seen requests under ``tracemalloc``, then the allocation sites that hold the most
  memory that the requests added (resident memory is printed too, but includes tracemalloc's own records).
- ``--resident N``: N never-seen requests without tracing, the process's resident memory every sixth of them.
- ``--parts``: the never-seen request taken apart, each the best of ``--rounds``: whole; with the fast route
  answering one fixed body (what the edge costs a miss); the fast route's function alone, in a loop over the
  same canonical queries; the route computing its answer but the fixed body sent; the fixed body after a
  busy loop as long as the route alone (the control: CPU that touches almost no memory or code); and a
  cached answer (one query asked again and again).

``SALARY_API_*`` settings in the environment are set aside (and named), as `make bench` sets them aside.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import shutil
import tempfile
import time
import tracemalloc
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from bench.run import CERTIFICATIONS, EDUCATIONS, SPECIALTIES, STATES, YEARS


def distinct_queries(start: int, count: int) -> Iterator[bytes]:
    """bench/distinct.lua's query for k = start .. start + count - 1: each one different for k < 20.6e6."""
    for k in range(start, start + count):
        match = k // 204_000 % 101
        yield (
            f"years={YEARS[k % len(YEARS)]}&certifications={CERTIFICATIONS[k % len(CERTIFICATIONS)]}"
            f"&education={EDUCATIONS[k % len(EDUCATIONS)]}&state={STATES[k % len(STATES)]}"
            f"&specialty={SPECIALTIES[k % len(SPECIALTIES)]}&hours_per_year={1 + k // 51 % 4000}"
            f"&retirement_match_pct={match // 10}.{match % 10}"
        ).encode()


async def send_all(app: Any, path: str, queries: Iterator[bytes]) -> int:
    """Send one GET per query to ``app``; the count of answers that were not 200."""
    failed = 0
    headers = [(b"host", b"bench"), (b"accept", b"*/*"), (b"user-agent", b"wrk")]
    status = 0

    async def receive() -> dict:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: dict) -> None:
        nonlocal status
        if message["type"] == "http.response.start":
            status = message["status"]

    for query in queries:
        scope = {
            "type": "http",
            "asgi": {"version": "3.0", "spec_version": "2.3"},
            "method": "GET",
            "path": path,
            "raw_path": path.encode(),
            "query_string": query,
            "headers": headers,
            "client": ("127.0.0.1", 40000),
            "server": ("127.0.0.1", 8000),
            "root_path": "",
            "scheme": "http",
            "http_version": "1.1",
            "state": {},
        }
        await app(scope, receive, send)
        failed += status != 200
    return failed


def resident_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


async def measure(args: argparse.Namespace) -> None:
    set_aside = sorted(
        name for name in os.environ if name.startswith("SALARY_API_") or name == "DATABASE_URL"
    )
    for name in set_aside:
        del os.environ[name]
    if set_aside:
        print(f"set aside from the environment: {', '.join(set_aside)}")
    from app.config import Settings
    from app.main import create_app
    from bench.run import build_database, log_json_to_devnull

    workdir = Path(tempfile.mkdtemp(prefix="bench-inprocess-"))
    try:
        url = build_database(workdir)
        settings = Settings(database_url=url, rate_limit_per_minute=0, log_format="json")
        log_json_to_devnull()
        app = create_app(settings)
        async with app.router.lifespan_context(app):
            # Warm: the contract, every memo of the cores the queries reach, the first answers' allocations.
            await send_all(app, args.path, distinct_queries(10_000_000, 2_000))
            if args.memory:
                await measure_memory(app, args)
            elif args.resident:
                await measure_resident(app, args)
            elif args.parts:
                await measure_parts(app, args)
            else:
                await measure_time(app, args)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


async def measure_time(app: Any, args: argparse.Namespace) -> None:
    rounds = []
    for index in range(args.rounds):
        started = time.process_time()
        failed = await send_all(app, args.path, distinct_queries(index * args.requests, args.requests))
        rounds.append((time.process_time() - started) / args.requests * 1e6)
        if failed:
            print(f"round {index}: {failed} answers were not 200")
    rounds.sort()
    print(
        f"GET {args.path}, never seen, {args.requests} requests x {args.rounds} rounds: "
        f"best {rounds[0]:.1f} us, median {rounds[len(rounds) // 2]:.1f} us CPU a request"
    )


async def measure_parts(app: Any, args: argparse.Namespace) -> None:
    from app.edge.cache import ResponseCacheMiddleware

    layer = app.middleware_stack
    while not isinstance(layer, ResponseCacheMiddleware):
        layer = layer.app
    route = layer.fast_routes[args.path]
    snapshot = layer.store.snapshot
    fixed = route(snapshot, layer.canonical(args.path, next(distinct_queries(0, 1))))
    if fixed is None:
        raise SystemExit(f"the fast route of {args.path} deferred the bench's query to the application")
    start = iter(range(20_000_000, 30_000_000, args.requests))  # a fresh range for every round

    async def through_app() -> float:
        started = time.process_time()
        await send_all(app, args.path, distinct_queries(next(start), args.requests))
        return time.process_time() - started

    async def through_app_with(stand_in: Callable[[Any, bytes], bytes]) -> float:
        layer.fast_routes[args.path] = stand_in
        try:
            return await through_app()
        finally:
            layer.fast_routes[args.path] = route

    async def route_alone() -> float:
        queries = [layer.canonical(args.path, q) for q in distinct_queries(next(start), args.requests)]
        started = time.process_time()
        for query in queries:
            route(snapshot, query)
        return time.process_time() - started

    async def cached() -> float:
        query = next(distinct_queries(next(start), 1))
        started = time.process_time()
        await send_all(app, args.path, iter([query] * args.requests))
        return time.process_time() - started

    async def edge_alone() -> float:
        return await through_app_with(lambda _snapshot, _query: fixed)

    async def computed_fixed_sent() -> float:
        def computed(snapshot_: Any, query: bytes) -> bytes:
            route(snapshot_, query)
            return fixed

        return await through_app_with(computed)

    async def busy_inside() -> float:
        # The control: as much CPU as the route alone, in a loop that touches almost no memory or code.
        seconds = best[ALONE] / 1e6

        def busy(_snapshot: Any, _query: bytes) -> bytes:
            done = time.thread_time() + seconds
            while time.thread_time() < done:
                pass
            return fixed

        return await through_app_with(busy) - seconds * args.requests

    parts = [
        (WHOLE, through_app),
        (EDGE, edge_alone),
        (ALONE, route_alone),
        (COMPUTED, computed_fixed_sent),
        (BUSY, busy_inside),
        ("a cached answer", cached),
    ]
    best = {name: float("inf") for name, _ in parts}
    for _ in range(args.rounds):  # interleaved, so that a slow moment of the machine spreads over all
        for name, part in parts:
            best[name] = min(best[name], await part() / args.requests * 1e6)
    print(f"GET {args.path}, {args.requests} requests a round, best of {args.rounds}, CPU a request:")
    for name, us in best.items():
        print(f"  {us:6.1f} us  {name}")
    inside = best[WHOLE] - best[EDGE]
    print(
        f"  the fast route inside a request: {inside:.1f} us, {inside / best[ALONE]:.2f}x its cost alone "
        f"(the busy loop's: {(best[BUSY] - best[EDGE]) / best[ALONE] + 1:.2f}x)"
    )


WHOLE = "whole never-seen request"
EDGE = "the edge alone (the fast route answers a fixed body)"
ALONE = "the fast route's function alone, in a loop"
COMPUTED = "the route computes its answer, the fixed body is sent"
BUSY = "the edge with a busy loop as long as the route alone (that loop's time taken out)"


async def measure_memory(app: Any, args: argparse.Namespace) -> None:
    before_mb = resident_mb()
    tracemalloc.start(args.frames)
    first = tracemalloc.take_snapshot()
    failed = await send_all(app, args.path, distinct_queries(0, args.memory))
    second = tracemalloc.take_snapshot()
    traced, _peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    print(
        f"{args.memory} never-seen GET {args.path} ({failed} not 200): resident {before_mb:.1f} MB -> "
        f"{resident_mb():.1f} MB (tracemalloc's own bookkeeping included); traced now {traced / 2**20:.1f} MB"
    )
    grouping = "traceback" if args.frames > 1 else "lineno"
    for stat in second.compare_to(first, grouping)[: args.top]:
        print(f"{stat.size_diff / 2**20:8.2f} MB {stat.count_diff:+9d} blocks")
        for line in stat.traceback.format()[-2 * args.frames :]:
            print(f"    {line.strip()}")


async def measure_resident(app: Any, args: argparse.Namespace) -> None:
    step = max(args.resident // 6, 1)
    print(f"resident after warming: {resident_mb():.1f} MB")
    for sent in range(0, args.resident, step):
        await send_all(app, args.path, distinct_queries(sent, step))
        print(f"after {sent + step} never-seen GET {args.path}: {resident_mb():.1f} MB")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--path", default="/estimate")
    parser.add_argument("--requests", type=int, default=3_000, help="requests a round (default 3000)")
    parser.add_argument(
        "--rounds", type=int, default=9, help="rounds, the best and median reported (default 9)"
    )
    parser.add_argument("--memory", type=int, default=0, metavar="N", help="trace memory over N requests")
    parser.add_argument(
        "--resident", type=int, default=0, metavar="N", help="resident memory over N requests"
    )
    parser.add_argument("--parts", action="store_true", help="the never-seen request taken apart")
    parser.add_argument("--top", type=int, default=15, help="allocation sites printed with --memory")
    parser.add_argument(
        "--frames", type=int, default=1, help="stack frames kept per allocation with --memory"
    )
    asyncio.run(measure(parser.parse_args(argv)))


if __name__ == "__main__":
    main()
