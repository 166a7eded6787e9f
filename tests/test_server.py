"""Issue 11 §1 and §7, against the real server (`salary-api serve` in a subprocess): forwarded headers
are believed only from trusted proxies, and a connection cannot be held open or fed an unbounded head."""

import asyncio
import logging
import re
import socket
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import orjson
import pytest
from uvicorn.protocols.http.flow_control import FlowControl
from uvicorn.protocols.http.httptools_impl import RequestResponseCycle

from app.server import (
    _LINES,
    MAX_JOINED_BODY,
    MAX_LINES,
    EncodedHeadCycle,
    _connections,
    _sweep_head_deadlines,
    encode_head,
)
from app.wire import ENCODED_HEAD, EncodedHead
from tests.servers import Served, serve


def raw_connection(base: str) -> socket.socket:
    host, port = base.removeprefix("http://").split(":")
    return socket.create_connection((host, int(port)), timeout=10)


def read_until_closed(sock: socket.socket) -> tuple[bytes, float]:
    """Everything the server sends before it closes, and how long that took."""
    started = time.monotonic()
    data = b""
    while chunk := sock.recv(65536):
        data += chunk
    return data, time.monotonic() - started


def error_of(response: bytes) -> dict:
    return orjson.loads(response.split(b"\r\n\r\n", 1)[1])["error"]


@pytest.fixture(scope="module")
def limited_server(seeded_sqlite: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with serve(
        seeded_sqlite,
        tmp_path_factory.mktemp("serve"),
        header_timeout="1",
        max_header_bytes="8192",
        # Refused heads count against a client's budget too: this module sends about a hundred requests.
        rate_limit_per_minute="6000",
    ) as base:
        yield base


@pytest.fixture(scope="module")
def percentiles_before(limited_server: str) -> bytes:
    """/percentiles as served before any attack: every attack must leave it byte-identical."""
    return httpx.get(f"{limited_server}/percentiles").content


def unchanged(base: str, before: bytes) -> bool:
    return httpx.get(f"{base}/percentiles").content == before


def test_a_connection_that_sends_nothing_is_closed(limited_server: str, percentiles_before: bytes):
    with raw_connection(limited_server) as sock:
        data, waited = read_until_closed(sock)
    assert waited < 5
    assert data.startswith(b"HTTP/1.1 408 ")
    assert error_of(data)["type"] == "request_timeout"
    assert unchanged(limited_server, percentiles_before)


def test_a_head_sent_one_header_at_a_time_is_cut_off(limited_server: str, percentiles_before: bytes):
    with raw_connection(limited_server) as sock:
        sock.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n")
        started = time.monotonic()
        closed = False
        for n in range(20):
            time.sleep(0.3)
            try:
                sock.sendall(b"X-Drip-%d: 1\r\n" % n)
            except OSError:
                closed = True
                break
        data, _ = read_until_closed(sock) if not closed else (sock.recv(65536), 0.0)
    assert time.monotonic() - started < 5
    assert data.startswith(b"HTTP/1.1 408 ")
    assert unchanged(limited_server, percentiles_before)


def test_a_head_pipelined_behind_an_answer_is_cut_off_at_its_deadline(
    limited_server: str, percentiles_before: bytes
):
    # The second head begins while the first request is being answered and never ends: refused at its
    # deadline (1 s, swept every quarter of it), not left to the keep-alive timeout's silent close (5 s).
    with raw_connection(limited_server) as sock:
        sock.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\nGET /healthz HTTP/1.1\r\nHost: x\r\n")
        data, waited = read_until_closed(sock)
    first, _, rest = data.partition(b"\r\n\r\n")
    assert first.startswith(b"HTTP/1.1 200 ") and waited < 3
    assert rest[rest.index(b"HTTP/1.1 ") :].startswith(b"HTTP/1.1 408 ")
    assert error_of(rest[rest.index(b"HTTP/1.1 ") :])["type"] == "request_timeout"
    assert unchanged(limited_server, percentiles_before)


class StandInConnection:
    """What the deadline sweep reads of a connection: when its head began, its loop, limit and refusal."""

    def __init__(self, loop: asyncio.AbstractEventLoop, *, fails: bool) -> None:
        self.loop, self.head_timeout, self.fails = loop, 0.04, fails
        self.head_started: float | None = loop.time() - 1
        self.refusals = 0

    def head_timed_out(self) -> None:
        self.refusals += 1
        if self.fails:
            raise RuntimeError("the transport broke")


def test_one_connection_failing_to_be_refused_leaves_the_sweep_running(caplog: pytest.LogCaptureFixture):
    async def sweep_twice() -> tuple[StandInConnection, StandInConnection]:
        loop = asyncio.get_running_loop()
        failing, later = StandInConnection(loop, fails=True), StandInConnection(loop, fails=False)
        _connections.add(failing)  # type: ignore[arg-type]
        _sweep_head_deadlines(loop, 0.04)
        await asyncio.sleep(0.05)  # the first sweep (every 0.01 s) met the failure
        _connections.add(later)  # type: ignore[arg-type]
        await asyncio.sleep(0.05)
        _connections.discard(failing)  # type: ignore[arg-type]
        _connections.discard(later)  # type: ignore[arg-type]
        await asyncio.sleep(0.05)  # no connection left: the sweep stops
        return failing, later

    with caplog.at_level(logging.ERROR, logger="app.server"):
        failing, later = asyncio.run(sweep_twice())
    assert failing.refusals >= 2 and later.refusals >= 1
    assert "refusing a request head past its deadline failed" in caplog.text


def test_an_oversized_header_is_431_in_the_error_shape(limited_server: str, percentiles_before: bytes):
    with raw_connection(limited_server) as sock:
        sock.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: " + b"a" * 1_000_000 + b"\r\n\r\n")
        data, _ = read_until_closed(sock)
    assert data.startswith(b"HTTP/1.1 431 ")
    assert error_of(data) == {
        "status": 431,
        "type": "headers_too_large",
        "message": "Request headers too large; the limit is 8192 bytes.",
        "details": [],
        "request_id": None,  # refused before the request reached the application
    }
    assert unchanged(limited_server, percentiles_before)


@pytest.mark.parametrize(
    "request_bytes",
    [
        b"GET /states?q=\xff HTTP/1.1\r\nHost: x\r\n\r\n",  # a raw byte no URL may hold
        b"FOO / HTTP/1.1\r\nHost: x\r\n\r\n",  # no such method
        b"POST /estimate HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\n{}",
        b"GET / HTTP/1.1\r\nHost: x\r\nX-A: b\x00c\r\n\r\n",  # a NUL in a header
    ],
)
def test_a_request_that_is_not_http_is_a_400_in_the_error_shape(
    limited_server: str, percentiles_before: bytes, request_bytes: bytes
):
    with raw_connection(limited_server) as sock:
        sock.sendall(request_bytes)
        data, _ = read_until_closed(sock)
    assert data.startswith(b"HTTP/1.1 400 ") and b"content-type: application/json" in data
    assert error_of(data) == {
        "status": 400,
        "type": "http_error",
        "message": "The request could not be read as HTTP/1.1: a malformed request line, method, header or "
        "body framing.",
        "details": [],
        "request_id": None,
    }
    assert unchanged(limited_server, percentiles_before)


NO_HOST = (
    "The request sent no Host header; an HTTP/1.1 request names its host in exactly one (RFC 9112, section "
    "3.2), e.g. 'Host: api.example.org'."
)
TWO_HOSTS = NO_HOST.replace("no Host header", "2 Host headers")
NO_HOST_NAMED = (
    "The request's Host header names no host: give a host name or address and an optional port, e.g. "
    "'Host: api.example.org' (RFC 9112, section 3.2)."
)


@pytest.mark.parametrize(
    ("request_bytes", "status", "message"),
    [
        (b"GET /percentiles HTTP/1.1\r\nAccept: */*\r\n\r\n", 400, NO_HOST),
        (b"GET /percentiles HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n", 400, TWO_HOSTS),
        (b"GET /percentiles HTTP/1.0\r\nHOST: a\r\nhost: a\r\n\r\n", 400, TWO_HOSTS),
        (b"GET /percentiles HTTP/1.1\r\nHost: a b\r\n\r\n", 400, NO_HOST_NAMED),
        (b"GET /metrics HTTP/1.1\r\n\r\n", 400, NO_HOST),
        (b"GET /percentiles HTTP/1.1\r\nHost: api.example.org/x\r\n\r\n", 400, NO_HOST_NAMED),
        (b"GET /percentiles HTTP/1.1\r\nHost: [::1\r\n\r\n", 400, NO_HOST_NAMED),
        (b"GET /percentiles HTTP/1.1\r\nHost: x:80a\r\n\r\n", 400, NO_HOST_NAMED),
        (
            b"GET /percentiles HTTP/1.2\r\nHost: x\r\n\r\n",
            400,
            "The request line names an HTTP version this server does not read: it speaks HTTP/1.1 (and "
            "HTTP/1.0). Send the request line as 'GET /path HTTP/1.1'.",
        ),
        (
            b"GET /percentiles HTTP/2.0\r\nHost: x\r\n\r\n",
            505,
            "HTTP/2.0 is not supported here: this server speaks HTTP/1.1 (and HTTP/1.0). Send the request "
            "line as 'GET /path HTTP/1.1'.",
        ),
    ],
)
def test_a_head_without_one_host_or_of_another_version_is_refused_in_the_error_shape(
    limited_server: str, request_bytes: bytes, status: int, message: str
):
    with raw_connection(limited_server) as sock:
        sock.sendall(request_bytes)
        data, _ = read_until_closed(sock)
    assert data.startswith(f"HTTP/1.1 {status} ".encode()) and b"content-type: application/json" in data
    head = data.split(b"\r\n\r\n", 1)[0].decode("latin-1").lower()
    # A head llhttp reads is answered by the edge, with a request id; one it cannot read, by the server.
    echoed = re.search(r"\r\nx-request-id: (\S+)", head)
    assert error_of(data) == {
        "status": status,
        "type": "http_error",
        "message": message,
        "details": [],
        "request_id": echoed[1] if echoed else None,
    }
    assert (echoed is None) == (b" HTTP/1.2\r\n" in request_bytes)
    assert "\r\nconnection: close" in head


def test_a_head_without_a_host_pipelined_behind_an_answer_is_refused_after_it(
    limited_server: str, percentiles_before: bytes
):
    with raw_connection(limited_server) as sock:
        sock.sendall(b"GET /percentiles HTTP/1.1\r\nHost: x\r\n\r\nGET /percentiles HTTP/1.1\r\n\r\n")
        data, _ = read_until_closed(sock)
    first, refused = data.split(b"HTTP/1.1 400 ")
    assert first.startswith(b"HTTP/1.1 200 ") and first.endswith(percentiles_before)
    assert b"connection: close" in refused and error_of(refused)["message"] == NO_HOST


def test_an_http_1_0_request_may_leave_out_its_host(limited_server: str, percentiles_before: bytes):
    with raw_connection(limited_server) as sock:
        sock.sendall(b"GET /percentiles HTTP/1.0\r\n\r\n")
        data, _ = read_until_closed(sock)
    assert data.startswith(b"HTTP/1.1 200 ") and data.split(b"\r\n\r\n", 1)[1] == percentiles_before


def test_an_ordinary_request_is_unaffected(limited_server: str):
    r = httpx.get(f"{limited_server}/percentiles", headers={"X-Forwarded-For": "203.0.113.9"})
    assert r.status_code == 200 and r.json()["percentiles"]["median"]["annual"] == 51140


def test_rotating_forwarded_for_does_not_escape_the_rate_limit(seeded_sqlite: str, tmp_path: Path):
    with serve(seeded_sqlite, tmp_path, rate_limit_per_minute="60") as base, httpx.Client() as c:
        statuses = [
            c.get(f"{base}/healthz", headers={"X-Forwarded-For": f"198.51.100.{n}"}).status_code
            for n in range(15)
        ]
    # A burst of ten seconds' worth (10 requests, one spent on the readiness probe), then 429: the peer is
    # the client, whatever it claims.
    assert statuses.count(200) <= 10 and statuses[-5:] == [429] * 5


def test_a_trusted_proxy_forwards_client_addresses_and_forgeries_fall_back_to_the_peer(
    seeded_sqlite: str, tmp_path: Path
):
    with (
        serve(seeded_sqlite, tmp_path, rate_limit_per_minute="60", trusted_proxies="127.0.0.1") as base,
        httpx.Client() as c,
    ):
        forwarded = [
            c.get(f"{base}/healthz", headers={"X-Forwarded-For": f"spoof, 198.51.100.{n}"}).status_code
            for n in range(15)
        ]
        forged = [
            c.get(f"{base}/healthz", headers={"X-Forwarded-For": "x" * 8000 + str(n)}).status_code
            for n in range(15)
        ]
    assert forwarded == [200] * 15  # fifteen clients behind the proxy, one request each
    assert forged.count(200) <= 10 and forged[-5:] == [429] * 5  # not an address: the proxy's own bucket


def gc_collected(base: str) -> float:
    """Objects the server's garbage collector has freed so far, all generations (from /metrics)."""
    text = httpx.get(f"{base}/metrics").text
    return sum(
        float(line.rsplit(" ", 1)[1])
        for line in text.splitlines()
        if line.startswith("python_gc_objects_collected_total{")
    )


def test_answered_requests_leave_no_reference_cycles(seeded_sqlite: str, tmp_path: Path):
    """A request's scope must not hold the server's request-response cycle (which holds the scope): every
    request would then be garbage only the collector frees, and it runs its full passes rarely, so memory
    grew by about 70 MB in 16 s at 512 connections. Without cycles nothing is left for it to collect."""
    served = serve(seeded_sqlite, tmp_path, metrics_access="public")
    with served as base, httpx.Client(base_url=base) as client:
        for _ in range(2):
            client.get("/percentiles")
        before = gc_collected(base)
        for _ in range(4000):
            assert client.get("/percentiles").status_code == 200
        collected = gc_collected(base) - before
    assert collected < 1000


def stock_uvicorn(port: int) -> list[str]:
    """The same application under uvicorn's own httptools protocol, which sends every header itself."""
    return [sys.executable, "-m", "uvicorn", "app.main:create_app", "--factory", "--http", "httptools"] + [
        "--no-proxy-headers",
        "--no-access-log",
        "--port",
        str(port),
    ]


@pytest.fixture(scope="module")
def ours_and_stock(seeded_sqlite: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str]]:
    logs = tmp_path_factory.mktemp("encoded")
    ours = Served(seeded_sqlite, logs / "ours.log")
    stock = Served(seeded_sqlite, logs / "stock.log", command=stock_uvicorn)
    try:
        yield ours.wait_ready().base, stock.wait_ready().base
    finally:
        ours.stop()
        stock.stop()


def received(sock: socket.socket) -> bytes:
    chunk = sock.recv(65536)
    assert chunk, "the server closed the connection before the answer was complete"
    return chunk


def exchange(sock: socket.socket, request: bytes) -> bytes:
    """One answer read off a kept-alive connection: its head, and its body by Content-Length."""
    sock.sendall(request)
    data = b""
    while b"\r\n\r\n" not in data:
        data += received(sock)
    head, _, body = data.partition(b"\r\n\r\n")
    length = re.search(rb"\r\ncontent-length: (\d+)", head)
    expected = 0 if request.startswith(b"HEAD") or b" 304 " in head[:13] or not length else int(length[1])
    while len(body) < expected:
        body += received(sock)
    return head + b"\r\n\r\n" + body


def date_blanked(answer: bytes) -> bytes:
    """An answer with its Date header's value blanked: the one part two servers may send differently."""
    return re.sub(rb"\r\ndate: [^\r]*", b"\r\ndate: -", answer)


def answers(base: str, requests: list[bytes]) -> list[bytes]:
    """Each request three times (a first sighting, its admission to the cache, a cache hit), on one kept-alive
    connection unless it asks to close; the date blanked."""
    sent = []
    for request in requests:
        with raw_connection(base) as sock:
            for _ in range(3):
                if b"Connection: close" in request or b"chunked" in request:
                    with raw_connection(base) as own:
                        sent.append(exchange(own, request))
                else:
                    sent.append(exchange(sock, request))
    return [date_blanked(answer) for answer in sent]


def test_cached_answers_leave_as_uvicorn_would_send_them(ours_and_stock: tuple[str, str]):
    """The response cache hands the server its entries' headers encoded (app.server's extension): each
    answer must be byte for byte what uvicorn's own send makes of the same answer."""
    ours, stock = ours_and_stock
    etag = httpx.get(f"{stock}/percentiles").headers["etag"]

    def get(target: str, *headers: str, method: str = "GET") -> bytes:
        lines = [f"{method} {target} HTTP/1.1", "Host: x", "X-Request-ID: same-id", *headers]
        return ("\r\n".join(lines) + "\r\n\r\n").encode()

    requests = {
        get("/percentiles"): 200,
        get("/percentiles?occupation=29-2072", method="HEAD"): 200,
        get("/percentiles?state=NJ", "Accept: text/csv"): 200,
        get("/percentiles", f"If-None-Match: {etag}"): 304,
        get("/embed/wage-range?state=NJ"): 200,
        get("/estimate?years=3&state=NJ&certifications=CPC"): 200,  # a fast route's answer
        get("/states?sort=-median", "Connection: close"): 200,
        # A body on a GET: the answer ends the connection (a header added below the encoded ones).
        get("/percentiles?state=CA", "Transfer-Encoding: chunked") + b"0\r\n\r\n": 200,
    }
    ours_sent, stock_sent = answers(ours, list(requests)), answers(stock, list(requests))
    statuses = [int(answer.split(b" ", 2)[1]) for answer in stock_sent]
    assert statuses == [status for status in requests.values() for _ in range(3)]
    assert (
        b"\r\nconnection: close\r\n" in stock_sent[-1] and b"\r\nx-request-id: same-id\r\n" in stock_sent[0]
    )
    for mine, theirs in zip(ours_sent, stock_sent, strict=True):
        assert mine == theirs


@pytest.mark.parametrize(
    ("headers", "wire", "length"),
    [
        (
            [(b"Content-Type", b"text/csv"), (b"content-length", b"12")],
            b"content-type: text/csv\r\ncontent-length: 12\r\n",
            12,
        ),
        ([(b"etag", b'"x"')], b'etag: "x"\r\n', None),
        ([], b"", None),
        ([(b"bad name", b"x")], None, None),
        ([(b"x-a", b"line\r\nx-injected: 1")], None, None),
        ([(b"transfer-encoding", b"chunked")], None, None),
        ([(b"connection", b"close")], None, None),
        ([(b"content-length", b"1"), (b"content-length", b"1")], None, None),
        ([(b"content-length", b"-1")], None, None),
    ],
)
def test_the_head_encoder_takes_only_what_uvicorns_send_would_write_the_same_way(
    headers: list[tuple[bytes, bytes]], wire: bytes | None, length: int | None
):
    # Twice: the second time from the lines the first remembered.
    for encoded in (encode_head(headers), encode_head(headers)):
        if wire is None:
            assert encoded is None
        else:
            assert encoded == (tuple(headers), wire, length)


def test_etag_lines_never_fill_the_head_encoders_memory():
    """A stream of never-seen answers, each with its own ETag, must not fill the remembered lines (which are
    then emptied): the lines every answer shares stay remembered."""
    shared = (b"content-type", b"application/json")
    for n in range(MAX_LINES + 1):
        encoded = encode_head([shared, (b"etag", f'"{n:032x}"'.encode())])
        assert encoded is not None and encoded.wire.endswith(f'etag: "{n:032x}"\r\n'.encode())
    assert shared in _LINES
    assert not [line for line in _LINES if line[0] == b"etag"]


class Transport:
    """What the cycle writes, as a socket would receive it."""

    def __init__(self) -> None:
        self.writes: list[bytes] = []

    def write(self, data: bytes) -> None:
        if data:  # asyncio's transports write nothing for no bytes
            self.writes.append(data)

    def is_closing(self) -> bool:
        return False

    def close(self) -> None:
        pass

    def pause_reading(self) -> None:
        pass

    def resume_reading(self) -> None:
        pass


def sent_by(
    cycle_class: type[RequestResponseCycle], start: dict, *, keep_alive: bool, access_log: bool
) -> bytes:
    """The bytes a cycle of ``cycle_class`` writes for ``start`` and a five-byte body."""
    return b"".join(writes_of(cycle_class, start, keep_alive=keep_alive, access_log=access_log))


def cycle_for(
    cycle_class: type[RequestResponseCycle],
    transport: Transport,
    *,
    keep_alive: bool = True,
    access_log: bool = False,
    method: str = "GET",
) -> RequestResponseCycle:
    """A cycle answering a GET (or ``method``) of / on ``transport``."""
    return cycle_class(
        scope={
            "type": "http",
            "method": method,
            "http_version": "1.1",
            "path": "/",
            "raw_path": b"/",
            "query_string": b"",
            "client": ("127.0.0.1", 1),
        },
        transport=transport,
        flow=FlowControl(transport),
        logger=logging.getLogger("test"),
        access_logger=logging.getLogger("test.access"),
        access_log=access_log,
        default_headers=[(b"date", b"Fri, 04 Dec 2026 23:00:00 GMT"), (b"server", b"uvicorn")],
        message_event=asyncio.Event(),
        expect_100_continue=False,
        keep_alive=keep_alive,
        on_response=lambda: None,
    )


def writes_of(
    cycle_class: type[RequestResponseCycle], start: dict, *, body: bytes = b"hello", **options: Any
) -> list[bytes]:
    """Each write a cycle of ``cycle_class`` (made with ``options``, as ``cycle_for``) makes for ``start``
    and ``body`` (five bytes unless given)."""
    transport = Transport()

    async def answer() -> None:
        cycle = cycle_for(cycle_class, transport, **options)
        await cycle.send(start)
        await cycle.send({"type": "http.response.body", "body": body})
        assert cycle.response_complete

    asyncio.run(answer())
    return transport.writes


ENTRY_HEADERS = [(b"content-type", b"text/plain"), (b"etag", b'"x"'), (b"content-length", b"5")]
# Stands for the entry's headers: seen in what is written only when the encoded head was used.
MARKED = EncodedHead(tuple(ENTRY_HEADERS), b"x-encoded: yes\r\ncontent-length: 5\r\n", 5)
ECHO = (b"x-request-id", b"r-1")


@pytest.mark.parametrize(
    ("headers", "keep_alive", "access_log", "encoded_used"),
    [
        ([*ENTRY_HEADERS, ECHO], True, False, True),
        ([*ENTRY_HEADERS, ECHO], False, False, True),  # the connection ends: Connection: close added
        ([*ENTRY_HEADERS], True, False, True),
        ([*ENTRY_HEADERS, ECHO], True, True, False),  # uvicorn logs each answer in its send
        ([ENTRY_HEADERS[0], (b"etag", b'"y"'), ENTRY_HEADERS[2], ECHO], True, False, False),  # edited
        ([*ENTRY_HEADERS, (b"connection", b"close")], True, False, False),  # framing added below
        ([*ENTRY_HEADERS, [b"x-a", b"b"]], True, False, False),  # a header given as a list
        ([*ENTRY_HEADERS, (b"x-a", b"line\nbreak")], True, False, False),  # invalid: uvicorn refuses it
    ],
)
def test_the_server_writes_an_encoded_head_only_where_uvicorn_would_write_the_same(
    headers: list, keep_alive: bool, access_log: bool, encoded_used: bool
):
    start = {"type": "http.response.start", "status": 200, "headers": headers}
    try:
        plain = sent_by(RequestResponseCycle, start, keep_alive=keep_alive, access_log=access_log)
    except RuntimeError as refused:
        assert "Invalid HTTP header" in str(refused)
        with pytest.raises(RuntimeError, match="Invalid HTTP header"):
            sent_by(
                EncodedHeadCycle, {**start, ENCODED_HEAD: MARKED}, keep_alive=keep_alive, access_log=False
            )
        return
    ours = sent_by(
        EncodedHeadCycle, {**start, ENCODED_HEAD: MARKED}, keep_alive=keep_alive, access_log=access_log
    )
    if encoded_used:
        # The entry's lines replaced by the encoded bytes; everything else as uvicorn writes it.
        assert ours == plain.replace(b'content-type: text/plain\r\netag: "x"\r\n', b"x-encoded: yes\r\n")
        assert b"x-encoded: yes" in ours and (b"connection: close" in ours) is not keep_alive
    else:
        assert ours == plain


@pytest.mark.parametrize(
    ("method", "writes"),
    [("GET", 1), ("HEAD", 1)],  # a HEAD answer has no body to join: its head alone
)
def test_an_encoded_head_leaves_in_one_write_with_the_body_after_it(method: str, writes: int):
    # uvicorn writes a head and its body apart: two send calls and two TCP segments for every answer.
    start = {"type": "http.response.start", "status": 200, "headers": [*ENTRY_HEADERS, ECHO]}
    plain = writes_of(RequestResponseCycle, start, method=method)
    ours = writes_of(EncodedHeadCycle, {**start, ENCODED_HEAD: MARKED}, method=method)
    assert len(plain) == 1 + (method == "GET") and len(ours) == writes
    encoded = b"".join(plain).replace(b'content-type: text/plain\r\netag: "x"\r\n', b"x-encoded: yes\r\n")
    assert ours == [encoded] and ours[0].endswith(b"\r\n\r\nhello" if method == "GET" else b"\r\n\r\n")


@pytest.mark.parametrize("size", [MAX_JOINED_BODY, MAX_JOINED_BODY + 1])
def test_a_large_body_leaves_apart_from_its_head(size: int):
    # Joining copies the body once more than the kernel does: past MAX_JOINED_BODY that copy costs more
    # than the second write it saves, so the head and the body go as uvicorn writes them.
    body = b"x" * size
    headers = [(b"content-type", b"text/plain"), (b"content-length", str(size).encode())]
    start = {"type": "http.response.start", "status": 200, "headers": headers}
    plain = writes_of(RequestResponseCycle, start, body=body)
    encoded = encode_head(headers, remember=False)
    ours = writes_of(EncodedHeadCycle, {**start, ENCODED_HEAD: encoded}, body=body)
    assert len(plain) == 2 and plain[1] == body
    assert ours == ([b"".join(plain)] if size <= MAX_JOINED_BODY else plain)


class FillingTransport(Transport):
    """A socket whose buffer fills with the first write: the reader is slow, so writing is paused."""

    flow: FlowControl

    def write(self, data: bytes) -> None:
        super().write(data)
        self.flow.pause_writing()


# A 304 of a cached entry: its headers without the body's (app.edge.etag.not_modified_headers).
NOT_MODIFIED = encode_head([ENTRY_HEADERS[1]], remember=False)


@pytest.mark.parametrize(
    ("status", "headers", "encoded", "body"),
    [(200, [*ENTRY_HEADERS, ECHO], MARKED, b"hello"), (304, [ENTRY_HEADERS[1], ECHO], NOT_MODIFIED, b"")],
)
def test_a_written_answer_is_complete_though_the_reader_is_slow(
    status: int, headers: list, encoded: EncodedHead, body: bytes
):
    # uvicorn waits for a paused write only before writing: once head and body are written, the answer is
    # complete, and the next request on the connection need not wait for this one to be read.
    transport = FillingTransport()
    start = {"type": "http.response.start", "status": status, "headers": headers, ENCODED_HEAD: encoded}

    async def answer() -> bool:
        cycle = cycle_for(EncodedHeadCycle, transport)
        transport.flow = cycle.flow
        await cycle.send(start)
        # Bounded only so that a regression fails instead of hanging: the send returns at once.
        await asyncio.wait_for(cycle.send({"type": "http.response.body", "body": body}), 5)
        return cycle.response_complete

    assert asyncio.run(answer())
    assert len(transport.writes) == 1 and transport.writes[0].startswith(f"HTTP/1.1 {status} ".encode())
    assert transport.writes[0].endswith(b"x-request-id: r-1\r\n\r\n" + body)


def test_a_body_longer_than_its_content_length_is_refused_as_uvicorn_refuses_it():
    start = {
        "type": "http.response.start",
        "status": 200,
        "headers": [*ENTRY_HEADERS[:2], (b"content-length", b"3")],
    }
    marked = EncodedHead(tuple(start["headers"]), b"x-encoded: yes\r\ncontent-length: 3\r\n", 3)
    for cycle_class, message in (
        (RequestResponseCycle, start),
        (EncodedHeadCycle, {**start, ENCODED_HEAD: marked}),
    ):
        with pytest.raises(RuntimeError, match="longer than Content-Length"):
            writes_of(cycle_class, message)


@pytest.mark.parametrize(
    ("status", "headers", "encoded"),
    [
        (304, [ENTRY_HEADERS[1]], NOT_MODIFIED),
        (200, [(b"content-length", b"0")], encode_head([(b"content-length", b"0")], remember=False)),
    ],
)
@pytest.mark.parametrize(
    "wrong",
    [{"type": "http.response.start", "status": 200, "headers": []}, {"type": "http.response.trailers"}],
)
def test_a_message_other_than_a_body_after_the_start_is_refused_as_uvicorn_refuses_it(
    status: int, headers: list, encoded: EncodedHead, wrong: dict
):
    start = {"type": "http.response.start", "status": status, "headers": headers}
    outcomes = []
    for cycle_class, message in (
        (RequestResponseCycle, start),
        (EncodedHeadCycle, {**start, ENCODED_HEAD: encoded}),
    ):
        transport = Transport()

        async def answer(cycle: RequestResponseCycle, first: dict) -> None:
            await cycle.send(first)
            await cycle.send(wrong)

        cycle = cycle_for(cycle_class, transport)
        with pytest.raises(RuntimeError, match="Expected ASGI message 'http.response.body'") as refused:
            asyncio.run(answer(cycle, message))
        outcomes.append((str(refused.value), cycle.response_complete, len(transport.writes)))
    assert outcomes[0] == outcomes[1] == (outcomes[0][0], False, 1)


@pytest.mark.parametrize(
    "request_bytes",
    [
        # Three requests in one write: the second and third wait for the answer before them (pipelining).
        b"GET /percentiles?state=TX HTTP/1.1\r\nHost: x\r\nX-Request-ID: p\r\n\r\n" * 2
        + b"GET /percentiles?state=TX HTTP/1.1\r\nHost: x\r\nX-Request-ID: p\r\nConnection: close\r\n\r\n",
        # HTTP/1.0: no keep-alive unless asked, so each answer ends its connection.
        b"GET /percentiles?state=TX HTTP/1.0\r\nHost: x\r\nX-Request-ID: p\r\n\r\n",
    ],
    ids=["pipelined", "http-1.0"],
)
def test_pipelined_and_http_1_0_answers_leave_as_uvicorn_would_send_them(
    ours_and_stock: tuple[str, str], request_bytes: bytes
):
    def sent(base: str) -> list[bytes]:
        answers = []
        for _ in range(3):  # a first sighting, its admission, a cache hit
            with raw_connection(base) as sock:
                sock.sendall(request_bytes)
                answers.append(date_blanked(read_until_closed(sock)[0]))
        return answers

    ours, stock = ours_and_stock
    stock_sent = sent(stock)
    expected_answers = request_bytes.count(b"GET ")
    assert all(answer.count(b"HTTP/1.1 200 OK\r\n") == expected_answers for answer in stock_sent)
    assert all(answer.count(b"\r\nconnection: close\r\n") == 1 for answer in stock_sent)
    assert sent(ours) == stock_sent
