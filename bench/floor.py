"""The floor: a bare ASGI app that answers each measured path with the exact bytes the real API sent.

No framework, no middleware, no query parsing: one dict lookup by path, then two ``send`` calls. Served
by the same uvicorn settings as the API, it is what this machine, this server and this load generator
allow, and every result in ``bench/run.py`` is a ratio to it.

The responses are read from the JSON file named by ``BENCH_FLOOR_FILE`` (written by ``bench/run.py``
after fetching the real responses): ``{"/path": {"status": 200, "headers": [[name, value], ...],
"body": "<latin-1 text>"}}``. The query string is ignored, so a varied ``/estimate`` load gets one real
``/estimate`` body. A request carrying ``If-None-Match`` gets the stored 304 when the path has one.

``BENCH_FLOOR_BUSY_US`` (default 0) makes it spend that much CPU on each request before answering, in a loop
that touches almost no memory: a floor as busy as the API, so that the server's own costs, which grow as
the rate falls, are compared at the same rate (``python -m bench.sample --floor-busy-us``).
"""

from __future__ import annotations

import json
import os
import time
from typing import Any

Response = tuple[dict[str, Any], dict[str, Any]]


def _message_pair(spec: dict[str, Any]) -> Response:
    headers = [(k.encode("latin-1"), v.encode("latin-1")) for k, v in spec["headers"]]
    body = spec["body"].encode("latin-1")
    start = {"type": "http.response.start", "status": spec["status"], "headers": headers}
    return start, {"type": "http.response.body", "body": body}


def load(path: str) -> tuple[dict[str, Response], dict[str, Response]]:
    with open(path, encoding="utf-8") as fh:
        spec = json.load(fh)
    full = {p: _message_pair(s) for p, s in spec["responses"].items()}
    not_modified = {p: _message_pair(s) for p, s in spec.get("not_modified", {}).items()}
    return full, not_modified


RESPONSES, NOT_MODIFIED = load(os.environ["BENCH_FLOOR_FILE"])
BUSY_SECONDS = float(os.environ.get("BENCH_FLOOR_BUSY_US", "0")) / 1e6
NOT_FOUND = _message_pair({"status": 404, "headers": [["content-length", "0"]], "body": ""})


async def app(scope: dict[str, Any], receive: Any, send: Any) -> None:
    if scope["type"] != "http":  # lifespan: nothing to set up
        message = await receive()
        while message["type"] != "lifespan.shutdown":
            if message["type"] == "lifespan.startup":
                await send({"type": "lifespan.startup.complete"})
            message = await receive()
        await send({"type": "lifespan.shutdown.complete"})
        return
    if BUSY_SECONDS:
        done = time.thread_time() + BUSY_SECONDS
        while time.thread_time() < done:
            pass
    path = scope["path"]
    pair = None
    if NOT_MODIFIED:
        for name, _value in scope["headers"]:
            if name == b"if-none-match":
                pair = NOT_MODIFIED.get(path)
                break
    if pair is None:
        pair = RESPONSES.get(path, NOT_FOUND)
    await send(pair[0])
    await send(pair[1])
