"""Request ids: ``X-Request-ID`` is kept when well-formed, generated otherwise, and echoed in the response
(by app.observability.access).

The id lives in a context variable for the rest of the request: error bodies and log lines read it there."""

import itertools
import os
import re

from app.request_context import current_request_id

HEADER = b"x-request-id"
# Letters, digits and ``._:-``, up to 128: what proxies and tracing systems generate, and nothing that
# could forge a log line or a header.
WELL_FORMED = re.compile(rb"[A-Za-z0-9._:\-]{1,128}")


# A random per-process prefix and a counter: unique across processes, and cheaper than a uuid4 per request.
_PREFIX = os.urandom(6).hex() + "-"
_counter = itertools.count(1)


def new_request_id() -> str:
    """A fresh id: 12 random hex digits of this process, a dash, and a hex counter."""
    return f"{_PREFIX}{next(_counter):x}"


def request_id(headers: list[tuple[bytes, bytes]]) -> tuple[str, tuple[bytes, bytes]]:
    """The request's id (the client's ``X-Request-ID`` when well-formed, else a new one) and the header
    that echoes it."""
    for name, value in headers:
        if name == HEADER:
            if WELL_FORMED.fullmatch(value):
                return value.decode("ascii"), (HEADER, value)
            break
    rid = new_request_id()
    return rid, (HEADER, rid.encode("ascii"))


def request_id_header() -> list[tuple[bytes, bytes]]:
    """``X-Request-ID`` for an answer sent outside the observability layer (the edge's last-resort 500)."""
    rid = current_request_id.get()
    return [] if rid is None else [(HEADER, rid.encode("ascii"))]
