"""CPU cost of the observability layer per cached answer, in process: ``python -m bench.observability``.

Builds a seeded SQLite database, then sends the same cached ``GET /percentiles`` (or the path given)
through the edge built four ways: without the observability layer, with it and the access log off, with
the default access log (errors, slow requests, a 1% sample), and with a JSON access line for every request
(to /dev/null, through the writer thread, whose work is counted: each round ends when the queue is
written). CPU time of the process (``time.process_time``, every thread), so a busy machine inflates it
less than wall time; eight alternating rounds of 20,000 requests, minimum and median reported.
"""

from __future__ import annotations

import asyncio
import shutil
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROUNDS = 8
REQUESTS = 20_000
# The cached GET sent (`python -m bench.observability /states?sort=-median` for another).
PATH = sys.argv[1] if len(sys.argv) > 1 else "/percentiles"


async def cost_per_request(app: Any, stack: Any, n: int) -> float:
    from app.edge import find_layer
    from app.observability.access import ObserveMiddleware

    scope = {
        "type": "http",
        "method": "GET",
        "path": PATH.partition("?")[0],
        "query_string": PATH.partition("?")[2].encode(),
        "headers": [(b"host", b"bench"), (b"accept", b"*/*"), (b"user-agent", b"wrk")],
        "client": ("127.0.0.1", 1),
        "root_path": "",
        "scheme": "http",
        "http_version": "1.1",
        "server": ("bench", 80),
        "app": app,
    }

    async def receive() -> dict:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(_message: dict) -> None:
        return None

    observe = find_layer(stack, ObserveMiddleware)
    started = time.process_time()
    for _ in range(n):
        await stack(dict(scope), receive, send)
    if observe is not None:
        observe.writer.drain()
    return (time.process_time() - started) / n * 1e6


async def main() -> None:
    from app.config import Settings
    from app.main import create_app
    from bench.run import build_database, log_json_to_devnull

    workdir = Path(tempfile.mkdtemp(prefix="bench-obs-"))
    url = build_database(workdir)
    log_json_to_devnull()
    variants = {
        "edge without observability": None,
        "observability, no access log": 0.0,
        "default access log (1% sample)": 0.01,
        "JSON access line every request": 1.0,
    }
    built = {}
    for name, sample in variants.items():
        settings = Settings(database_url=url, rate_limit_per_minute=0, access_log_sample=sample or 0.0)
        app = create_app(settings)
        if sample is None:
            object.__setattr__(app.edge_options, "observe", None)
        context = app.router.lifespan_context(app)
        await context.__aenter__()
        stack = app.build_middleware_stack()
        await cost_per_request(app, stack, 500)  # fill the cache
        built[name] = (app, stack, context)
    results: dict[str, list[float]] = {name: [] for name in variants}
    for _ in range(ROUNDS):
        for name, (app, stack, _context) in built.items():
            results[name].append(await cost_per_request(app, stack, REQUESTS))
    for name, values in results.items():
        values.sort()
        median = values[len(values) // 2]
        print(f"{name:30s} min {values[0]:6.2f} us  median {median:6.2f} us CPU per cached GET")
    for _app, _stack, context in built.values():
        await context.__aexit__(None, None, None)
    shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    asyncio.run(main())
