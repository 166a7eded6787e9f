"""Request ids: ``X-Request-ID`` is kept when well-formed, generated otherwise, and echoed in the response.

The id lives in a context variable for the rest of the request: error bodies and log lines read it there."""

import itertools
import os
import re
from contextvars import ContextVar

from starlette.types import ASGIApp, Message, Receive, Scope, Send

HEADER = b"x-request-id"
# Letters, digits and ``._:-``, up to 128: what proxies and tracing systems generate, and nothing that
# could forge a log line or a header.
WELL_FORMED = re.compile(rb"[A-Za-z0-9._:\-]{1,128}")

current_request_id: ContextVar[str | None] = ContextVar("request_id", default=None)

# A random per-process prefix and a counter: unique across processes, and cheaper than a uuid4 per request.
_PREFIX = os.urandom(6).hex()
_counter = itertools.count(1)


def new_request_id() -> str:
    """A fresh id: 12 random hex digits of this process, a dash, and a hex counter."""
    return f"{_PREFIX}-{next(_counter):x}"


class RequestIdMiddleware:
    """Accepts, generates and echoes ``X-Request-ID``; one job, no failure path of its own."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        raw = None
        for name, value in scope["headers"]:
            if name == HEADER:
                raw = value if WELL_FORMED.fullmatch(value) else None
                break
        rid = raw.decode("ascii") if raw is not None else new_request_id()
        current_request_id.set(rid)
        echoed = (HEADER, raw if raw is not None else rid.encode("ascii"))

        async def send_with_id(message: Message) -> None:
            if message["type"] == "http.response.start":
                # A new list: the edge's cached header lists are shared between requests.
                message["headers"] = [*message.get("headers", ()), echoed]
            await send(message)

        await self.app(scope, receive, send_with_id)
