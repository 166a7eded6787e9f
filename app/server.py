"""The HTTP/1.1 server's own limits, which uvicorn does not offer: a cap on the size of a request's head
(request line plus headers) and a deadline for receiving it; and, while the process drains after a SIGTERM,
``Connection: close`` on every answer, so a keep-alive client sends its next request elsewhere.

It also offers one ASGI extension (``ENCODED_HEAD``, app.wire): a response start may carry its
headers already checked and encoded, as uvicorn's ``send`` would check and encode them, so that the
response cache encodes an entry's headers once instead of on every answer (uvicorn's ``send`` checks each
header with two regular expressions; sampled under load, it cost a bare application 6.5 and 8.4 us of CPU
per cached ``/percentiles`` answer in two runs: ``python -m bench.sample``, bench/README.md, "Encoded heads").
Such a head leaves in one write with the body after it, where uvicorn writes the two apart (two ``send``
system calls, two TCP segments): bench/README.md, "One write an answer". A body over ``MAX_JOINED_BODY``
goes apart from its head, as uvicorn writes it: joining would copy it once more.

Without them a client can hold a connection open for ever by sending nothing, half a request, or a header
every few seconds, and can make the parser buffer a header of any size. The limits come from ``Settings``
(``SALARY_API_MAX_HEADER_BYTES``, ``SALARY_API_HEADER_TIMEOUT``), read in each worker process.

It also refuses, ending the connection, a request whose head has no Host field (HTTP/1.1), several, or one
naming no host (RFC 9112 §3.2: 400), and one of an HTTP version other than 1.x (RFC 9110 §15.6.6: 505),
which llhttp parses but uvicorn would answer as if it were HTTP/1.1: the request goes to the application
marked with its refusal (app.wire.HEAD_REFUSAL), whose edge answers it in the error shape, logged and
counted like any 4xx. A head llhttp cannot read at all is refused here, after the answers to the requests
read before it.
"""

from __future__ import annotations

import asyncio
import logging
import re
import sys
import weakref
from typing import Any, cast

import orjson
from uvicorn.protocols.http.httptools_impl import (
    HEADER_RE,
    HEADER_VALUE_RE,
    STATUS_LINE,
    HttpToolsProtocol,
    RequestResponseCycle,
)

from app.config import get_settings
from app.errors import error_body
from app.observability.disconnect import CONNECTION
from app.observability.shutdown import drain
from app.wire import ENCODED_HEAD, HEAD_REFUSAL, EncodedHead, offered

PROTOCOL = "app.server:BoundedHttpToolsProtocol"
MALFORMED_REQUEST = (
    "The request could not be read as HTTP/1.1: a malformed request line, method, header or body framing."
)
# llhttp takes HTTP/0.9, 1.0, 1.1 and 2.0 (refused in its turn: 505); any other version stops the parser.
UNREAD_VERSION = (
    "The request line names an HTTP version this server does not read: it speaks HTTP/1.1 (and HTTP/1.0). "
    "Send the request line as 'GET /path HTTP/1.1'."
)
# A Host field's value (RFC 9112 §3.2, RFC 3986 §3.2.2): a registered name, IPv4 address or bracketed IP
# literal, then an optional port; empty when the target has no authority.
_HOST_VALUE = re.compile(rb"(?:\[[0-9A-Za-z:._~!$&'()*+,;=%-]*\]|[0-9A-Za-z._~!$&'()*+,;=%-]*)(?::[0-9]*)?")
log = logging.getLogger(__name__)

# This process's open connections, so that the drain can end keep-alive on answers already under way.
_connections: weakref.WeakSet[BoundedHttpToolsProtocol] = weakref.WeakSet()


def _close_after_answer() -> None:
    """The drain started: every answer not yet begun ends its connection (uvicorn adds the header)."""
    for protocol in list(_connections):
        if protocol.cycle is not None and not protocol.cycle.response_complete:
            protocol.cycle.keep_alive = False


drain.on_drain.append(_close_after_answer)

# Headers whose values decide how the answer is framed: uvicorn's send reads them; the encoded path allows
# only a Content-Length, which it reads here.
_FRAMING = frozenset({b"content-length", b"transfer-encoding", b"connection"})
# Header lines already checked, by (name, value): most of an answer's headers are the same on every answer
# (its media type, cache policy, CORS), so checking them once saves most of the work. Bounded; started over
# when full. An ETag names one representation, so its line is never remembered: a stream of never-seen
# answers filled the memo and had it emptied, shared lines with it, every few thousand answers.
_LINES: dict[tuple[bytes, bytes], bytes] = {}
MAX_LINES = 4096
_ONE_OFF = frozenset({b"etag"})


def encode_head(headers: list[tuple[bytes, bytes]], *, remember: bool = True) -> EncodedHead | None:
    """``headers`` checked and encoded as uvicorn's ``send`` checks and encodes them, or None when one is
    invalid or frames the answer otherwise than by a Content-Length: uvicorn's ``send`` then sees them.
    Lines are remembered unless ``remember`` is false (a request's own headers, never seen again)."""
    wire: list[bytes] = []
    length: int | None = None
    for header in headers:
        if type(header) is not tuple:  # ASGI allows [name, value] lists: uvicorn's send takes those
            return None
        line = _LINES.get(header)
        if line is None:
            name, value = header
            if HEADER_RE.search(name) or HEADER_VALUE_RE.search(value):
                return None
            name = name.lower()
            line = name + b": " + value + b"\r\n"
            if name in _FRAMING:
                if name != b"content-length" or length is not None or not value.isdigit():
                    return None
                length = int(value)
            elif remember and name not in _ONE_OFF:
                if len(_LINES) >= MAX_LINES:
                    _LINES.clear()
                _LINES[header] = line
        wire.append(line)
    return EncodedHead(tuple(headers), b"".join(wire), length)


_EXTENSION = offered(encode_head)
# The largest body written in one write with its head: above it, the copy that joins them costs more than
# the second system call it saves (a cached 137 kB /states: bench/README.md, "Large answers written apart").
MAX_JOINED_BODY = 16 * 1024
# The server's own headers (date, server), encoded once for each list the server makes (every second).
_server_headers: tuple[list[tuple[bytes, bytes]], bytes] = ([], b"")


def _encoded_server_headers(headers: list[tuple[bytes, bytes]]) -> bytes | None:
    global _server_headers
    if _server_headers[0] is not headers:
        encoded = encode_head(headers, remember=False)  # kept here, by the list: one new Date a second
        if encoded is None or encoded.content_length is not None:
            return None
        _server_headers = (headers, encoded.wire)
    return _server_headers[1]


class EncodedHeadCycle(RequestResponseCycle):
    """uvicorn's request-response cycle, whose ``send`` writes a start carrying an ``EncodedHead`` as
    uvicorn's would write it: the status line, the server's headers, the start's, ``Connection: close``
    when the connection ends, in one write with the body's bytes that follow. Anything else, or anything it
    is unsure of, goes to uvicorn's ``send``."""

    # The head of an encoded start, written with the body that follows it (uvicorn writes the two apart: two
    # send calls and two TCP segments for every answer).
    pending_head: bytes | None = None

    async def send(self, message: Any) -> None:
        if self.pending_head is not None:
            await self._send_after_head(message)
            return
        encoded = message.get(ENCODED_HEAD)
        if encoded is None or self.response_started or self.flow.write_paused or self.disconnected:
            await super().send(message)
            return
        status = message["status"]
        headers = message["headers"]
        count = len(encoded.headers)
        same = tuple(headers[:count]) == encoded.headers
        rest = encode_head(headers[count:], remember=False) if same else None
        defaults = _encoded_server_headers(self.default_headers)
        length = encoded.content_length
        if (
            rest is None
            or defaults is None
            or rest.content_length is not None
            or (length is None and status not in (204, 304))
            or self.access_log
        ):
            await super().send(message)
            return
        self.response_started = True
        self.waiting_for_100_continue = False
        if length is not None:
            self.expected_content_length = length
            self.chunked_encoding = False
        close = b"" if self.keep_alive else b"connection: close\r\n"
        self.pending_head = b"".join((STATUS_LINE[status], defaults, encoded.wire, rest.wire, close, b"\r\n"))

    async def _send_after_head(self, message: Any) -> None:
        """Write the head held back from the start, with this body's bytes when they fit the Content-Length
        (one write, one segment; a 304's head alone; a body over ``MAX_JOINED_BODY`` apart). A last body
        completes the answer here, as uvicorn's ``send`` completes it after its write (it waits for a paused
        write only before writing, so a slow reader must not hold a written answer open); anything else goes
        on to uvicorn's ``send``. An application failing between the start and its body leaves the head
        unwritten: uvicorn then closes the connection either way."""
        head, self.pending_head = self.pending_head, None
        assert head is not None  # called only while a head is held back
        if self.disconnected:
            await super().send(message)
            return
        body = message.get("body", b"")
        if (
            message["type"] != "http.response.body"
            or len(body) > self.expected_content_length
            or self.scope["method"] == "HEAD"
            or self.flow.write_paused
        ):
            self.transport.write(head)
            await super().send(message)
            return
        self.expected_content_length -= len(body)
        if len(body) <= MAX_JOINED_BODY:
            self.transport.write(head + body)
        else:  # joining would copy the body once more than the kernel does, to save one system call
            self.transport.write(head)
            self.transport.write(body)
        if message.get("more_body", False):
            return
        if self.expected_content_length != 0:
            raise RuntimeError("Response content shorter than Content-Length")
        self.response_complete = True
        self.message_event.set()
        if not self.keep_alive:
            self.transport.close()
        self.on_response()


# The loop sweeping head deadlines in this process, if any: one timer for every connection, where a timer
# armed and cancelled on each request cost 4.3 us of it in process (bench/README.md, "One write an answer").
_sweeping: weakref.WeakSet[asyncio.AbstractEventLoop] = weakref.WeakSet()
# A deadline is enforced this fraction of its length late at most.
SWEEP_FRACTION = 0.25


def _sweep_head_deadlines(loop: asyncio.AbstractEventLoop, timeout: float) -> None:
    """Every quarter of ``timeout`` while connections are open, refuse each head that has been arriving for
    longer than its connection's limit (the next connection starts the sweep again)."""
    if loop in _sweeping:
        return
    _sweeping.add(loop)

    def sweep() -> None:
        try:
            now = loop.time()
            for protocol in list(_connections):
                started = protocol.head_started
                if started is not None and protocol.loop is loop and now - started >= protocol.head_timeout:
                    try:
                        protocol.head_timed_out()
                    except Exception:  # one connection's failure must not end the sweep for every other
                        log.exception("refusing a request head past its deadline failed")
        finally:
            if _connections and not loop.is_closed():
                loop.call_later(timeout * SWEEP_FRACTION, sweep)
            else:
                _sweeping.discard(loop)

    loop.call_later(timeout * SWEEP_FRACTION, sweep)


class RequestHeadTooLarge(Exception):
    """Raised from a parser callback to stop parsing a head over the limit."""


# The scope key holding the number of Host fields of a head that had other than one (absent: exactly one),
# or INVALID_HOST for one whose value is not a host.
HOSTS = "salary_api.hosts"
INVALID_HOST = -1


def head_refusal(version: str, hosts: int) -> tuple[int, str] | None:
    """The status and message refusing a head of HTTP ``version`` with ``hosts`` Host fields, or None: a major
    version other than 1 is a 505 (RFC 9110 §15.6.6; llhttp itself refuses all but 0.9, 1.x and 2.0), an
    HTTP/1.1 request without exactly one Host, or any request with several or with a Host that names no
    host, a 400 (RFC 9112 §3.2)."""
    if not version.startswith("1."):
        return (
            505,
            f"HTTP/{version} is not supported here: this server speaks HTTP/1.1 (and HTTP/1.0). Send the "
            "request line as 'GET /path HTTP/1.1'.",
        )
    if hosts == INVALID_HOST:
        return (
            400,
            "The request's Host header names no host: give a host name or address and an optional port, "
            "e.g. 'Host: api.example.org' (RFC 9112, section 3.2).",
        )
    if hosts > 1 or (hosts == 0 and version == "1.1"):
        return (
            400,
            f"The request sent {'no Host header' if hosts == 0 else f'{hosts} Host headers'}; an HTTP/1.1 "
            "request names its host in exactly one (RFC 9112, section 3.2), e.g. 'Host: api.example.org'.",
        )
    return None


# uvicorn's, called directly: super() would cost every request about 0.1 us more.
_start_asgi_task = HttpToolsProtocol._start_asgi_task
_on_response_complete = HttpToolsProtocol.on_response_complete


class BoundedHttpToolsProtocol(HttpToolsProtocol):
    """uvicorn's httptools protocol with a head size cap (431), a head deadline (408), heads it does not take
    handed to the edge marked with their refusal (400, 505), and a head it cannot read refused after the
    answers to the requests read before it."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        settings = get_settings()
        self.max_head_bytes = settings.max_header_bytes
        self.head_timeout = settings.header_timeout
        self.head_bytes = 0
        # The Host fields of the head now arriving, and whether one of them names no host.
        self.hosts = 0
        self.host_invalid = False
        # When the head now arriving began (loop time), or None when none is: the sweep's to check.
        self.head_started: float | None = None
        self.head_refused = False
        # The refusal of a head that could not be read, written once the requests read before it are answered.
        self.refusal: bytes | None = None

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        _connections.add(self)
        self.head_started = self.loop.time()
        _sweep_head_deadlines(self.loop, self.head_timeout)

    def connection_lost(self, exc: Exception | None) -> None:
        _connections.discard(self)
        self.head_started = None
        super().connection_lost(exc)

    def on_message_begin(self) -> None:
        super().on_message_begin()
        self.head_bytes = 0
        self.hosts = 0
        self.host_invalid = False
        if self.head_started is None:
            self.head_started = self.loop.time()

    def on_url(self, url: bytes) -> None:
        self._count(len(url))
        super().on_url(url)

    def on_header(self, name: bytes, value: bytes) -> None:
        # _count's work written out: the call it saves pays for counting the Host fields.
        self.head_bytes += len(name) + len(value) + 4
        if self.head_bytes > self.max_head_bytes:
            self.head_refused = True
            raise RequestHeadTooLarge
        if len(name) == 4 and name.lower() == b"host":
            self.hosts += 1
            # llhttp leaves trailing whitespace in a value, which is not part of it (RFC 9112 §5).
            if not _HOST_VALUE.fullmatch(value.rstrip(b" \t")):
                self.host_invalid = True
        super().on_header(name, value)

    def on_headers_complete(self) -> None:
        self.head_started = None
        if self.hosts != 1 or self.host_invalid:
            cast(dict[str, Any], self.scope)[HOSTS] = INVALID_HOST if self.host_invalid else self.hosts
        super().on_headers_complete()
        if drain.draining and self.cycle is not None:
            self.cycle.keep_alive = False
        cycle = self.cycle
        if cycle is not None and cycle.scope is self.scope:
            # uvicorn made the cycle and its task has not yet run: every message goes through this send.
            cycle.__class__ = EncodedHeadCycle
            cast(dict[str, Any], self.scope).setdefault("extensions", {})[ENCODED_HEAD] = _EXTENSION
            # The application can tell a client that hung up (499) from an answer that failed (500). A weak
            # reference: the cycle holds the scope, and a scope holding the cycle would make every request a
            # reference cycle, freed only by the garbage collector's rare full passes (app.main tunes them).
            cast(dict[str, Any], self.scope)[CONNECTION] = weakref.ref(cycle)

    def _start_asgi_task(self, cycle: RequestResponseCycle, app: Any) -> None:
        """Start answering ``cycle`` (now, or when the answers pipelined before it are done); a head this
        server does not take goes to the application marked with its refusal (app.wire.HEAD_REFUSAL), which
        the edge sends, and the connection ends after it."""
        scope = cycle.scope
        if scope["http_version"] != "1.1" or HOSTS in scope:
            refusal = head_refusal(scope["http_version"], cast(dict[str, Any], scope).get(HOSTS, 1))
            if refusal is not None:
                cast(dict[str, Any], scope)[HEAD_REFUSAL] = refusal
                cycle.keep_alive = False
        _start_asgi_task(self, cycle, app)

    def send_400_response(self, msg: str) -> None:
        if self.head_refused:
            limit = self.max_head_bytes
            self._refuse(431, "headers_too_large", f"Request headers too large; the limit is {limit} bytes.")
            return
        # uvicorn's is text/plain; a refusal leaves in the one error shape, whoever refuses. uvicorn calls
        # this while handling the parser's error, which says what stopped it.
        error = sys.exc_info()[1]
        unread_version = error is not None and str(error) == "Invalid HTTP version"
        self._refuse(400, "http_error", UNREAD_VERSION if unread_version else MALFORMED_REQUEST)

    def _count(self, size: int) -> None:
        self.head_bytes += size
        if self.head_bytes > self.max_head_bytes:
            self.head_refused = True
            raise RequestHeadTooLarge

    def head_timed_out(self) -> None:
        """Refuse the head still arriving (408) and end the connection."""
        if self.cycle is not None and not self.cycle.response_complete:
            return  # a request is being answered: a head arriving behind it is refused once it is answered
        self.head_started = None
        if self.transport is None or self.transport.is_closing():
            return
        seconds = f"{self.head_timeout:g}"
        self._refuse(408, "request_timeout", f"The request was not received within {seconds} s.")

    def _refuse(self, status: int, error_type: str, message: str) -> None:
        """Refuse the head now arriving and end the connection: at once, or, when requests read in full
        before it are still being answered, after their answers (RFC 9112 §9.3.2: each in the order asked)."""
        if self.refusal is not None:
            return  # one refusal a connection: the parser stays stopped at the first
        body = orjson.dumps(error_body(status, error_type, message))
        self.refusal = b"".join(
            [
                STATUS_LINE[status],
                b"content-type: application/json\r\n",
                b"content-length: " + str(len(body)).encode() + b"\r\n",
                b"connection: close\r\n\r\n",
                body,
            ]
        )
        cycle = self.cycle
        if cycle is not None and cycle.more_body and self.pipeline and self.pipeline[0][0] is cycle:
            # A request queued behind an answer, whose body could not be read: never started.
            self.pipeline.popleft()
        elif cycle is None or cycle.response_complete or cycle.more_body:
            # Nothing is being answered, or the request being answered is the unreadable one.
            self._send_refusal()
            return
        # The parser stays stopped at its error: whatever else arrives would only be refused again.
        self.flow.pause_reading()

    def _send_refusal(self) -> None:
        if self.refusal is not None and not self.transport.is_closing():
            self.transport.write(self.refusal)
            self.transport.close()

    def on_response_complete(self) -> None:
        last = not self.pipeline
        _on_response_complete(self)
        if self.refusal is not None:
            if last:
                self._send_refusal()  # every request read before the unreadable one is answered
            else:
                self.flow.pause_reading()
