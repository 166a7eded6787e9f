"""Issue 11 §1 and §7, against the real server (`salary-api serve` in a subprocess): forwarded headers
are believed only from trusted proxies, and a connection cannot be held open or fed an unbounded head."""

import contextlib
import re
import socket
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import orjson
import pytest

from app.server import encode_head
from tests.servers import Served


@contextlib.contextmanager
def serve(database_url: str, tmp_path: Path, **settings: str) -> Iterator[str]:
    """`salary-api serve` on a free port with the given SALARY_API_* settings; yields its base URL."""
    server = Served(database_url, tmp_path / "serve.log", **settings)
    try:
        yield server.wait_ready().base
    finally:
        server.stop()


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
        rate_limit_per_minute="60",
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


def exchange(sock: socket.socket, request: bytes) -> bytes:
    """One answer read off a kept-alive connection: its head, and its body by Content-Length."""
    sock.sendall(request)
    data = b""
    while b"\r\n\r\n" not in data:
        data += sock.recv(65536)
    head, _, body = data.partition(b"\r\n\r\n")
    length = re.search(rb"\r\ncontent-length: (\d+)", head)
    expected = 0 if request.startswith(b"HEAD") or b" 304 " in head[:13] or not length else int(length[1])
    while len(body) < expected:
        body += sock.recv(65536)
    return head + b"\r\n\r\n" + body


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
    return [re.sub(rb"\r\ndate: [^\r]*", b"\r\ndate: -", answer) for answer in sent]


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
            assert encoded == (headers, wire, length)
