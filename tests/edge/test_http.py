"""Issue 20 §1, through real HTTP on a served process (`salary-api serve`): HEAD on every GET operation,
a client that hangs up counted as 499, weak and `*` validators, one cache entry however a question is
spelled, each client's share of the cache, and bodies refused or ignored from the request's head."""

import itertools
import json
import re
import socket
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.servers import Served

ROOT = Path(__file__).resolve().parents[2]
CONTRACT = json.loads((ROOT / "openapi.json").read_text(encoding="utf-8"))
MAX_BODY = 100_000
CACHE_BYTES = 600_000
# The pages outside the contract that browsers, monitors and download managers also ask for.
PAGES = ["/openapi.json", "/docs", "/redoc", "/docs/swagger-init.js"]
# Values of required parameters the contract gives no example for (a posted pay range for /compare).
REQUIRED = {"low": "40000", "high": "60000"}


@pytest.fixture(scope="module")
def served(seeded_sqlite: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    server = Served(
        seeded_sqlite,
        tmp_path_factory.mktemp("http") / "serve.log",
        max_body_bytes=str(MAX_BODY),
        cache_max_bytes=str(CACHE_BYTES),
        trusted_proxies="127.0.0.1",
        request_timeout="4",
        access_log_sample="1",
        metrics_access="public",
    )
    try:
        yield server.wait_ready()
    finally:
        server.stop()


def connect(served: Served) -> socket.socket:
    return socket.create_connection(("127.0.0.1", served.port), timeout=15)


def read_until_closed(sock: socket.socket) -> bytes:
    data = b""
    while chunk := sock.recv(65536):
        data += chunk
    return data


def head_of(response: bytes) -> tuple[int, dict[str, str], bytes]:
    """Status, headers (lower-case names) and whatever follows the head."""
    head, _, rest = response.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    headers = {}
    for line in lines[1:]:
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    return int(lines[0].split()[1]), headers, rest


def metric(served: Served, name: str, **labels: str) -> float:
    """The sum of a /metrics series over the series whose labels include ``labels``."""
    response = httpx.get(f"{served.base}/metrics")
    response.raise_for_status()
    text = response.text
    total = 0.0
    for line in text.splitlines():
        match = re.fullmatch(rf"{name}(?:\{{(.*)\}})? (\S+)", line)
        if match is None:
            continue
        found = dict(re.findall(r'(\w+)="([^"]*)"', match.group(1) or ""))
        if all(found.get(k) == v for k, v in labels.items()):
            total += float(match.group(2))
    return total


def example_target(path: str, operation: dict[str, Any]) -> str:
    """The operation's path with its path parameters' examples, and its required query parameters'."""
    query = []
    for parameter in operation.get("parameters", []):
        examples = parameter.get("examples") or parameter["schema"].get("examples") or []
        if parameter["in"] == "path":
            path = path.replace("{" + parameter["name"] + "}", str(examples[0]))
        elif parameter.get("required"):
            query.append((parameter["name"], str(examples[0]) if examples else REQUIRED[parameter["name"]]))
    return path + ("?" + httpx.QueryParams(query).__str__() if query else "")


GET_TARGETS = [
    example_target(path, item["get"]) for path, item in CONTRACT["paths"].items() if "get" in item
] + PAGES
VOLATILE = {"date", "x-request-id", "etag", "content-length"}


@pytest.mark.parametrize("target", GET_TARGETS)
def test_head_answers_every_get_with_its_headers_and_no_body(served: Served, target: str) -> None:
    get = httpx.get(served.base + target)
    assert get.status_code == 200, (target, get.text[:300])
    with connect(served) as sock:
        sock.sendall(f"HEAD {target} HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n".encode())
        status, headers, rest = head_of(read_until_closed(sock))
    assert status == 200 and rest == b""  # the server closed right after the head: no body bytes
    # The GET's headers: the same names and values, its length announced (or streamed, like the GET).
    got = {k: v for k, v in get.headers.items() if k not in VOLATILE | {"connection", "transfer-encoding"}}
    assert {k: v for k, v in headers.items() if k in got} == got
    if "content-length" in get.headers:
        assert headers["content-length"] == str(len(get.content))
    assert ("etag" in headers) == ("etag" in get.headers)


def test_head_where_no_get_is_a_405_naming_the_methods(served: Served) -> None:
    with connect(served) as sock:
        sock.sendall(b"HEAD /estimate/batch HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n")
        status, headers, rest = head_of(read_until_closed(sock))
    assert status == 405 and headers["allow"] == "POST, OPTIONS" and rest == b""
    for path in ("/export", "/healthz", "/readyz", "/metrics"):
        options = httpx.options(served.base + path)
        assert options.status_code == 204 and options.headers["allow"] == "GET, HEAD, OPTIONS"
        assert options.content == b""


@pytest.mark.parametrize(
    "host",
    [
        b"api.example.org:8443",
        b"127.0.0.1",
        b"[::1]:8000",
        b"xn--bcher-kva.example",
        b"",
        b"api.example.org \t",
    ],
)
def test_every_form_of_host_is_taken(served: Served, host: bytes) -> None:
    expected = httpx.get(served.base + "/percentiles").content
    with connect(served) as sock:
        sock.sendall(b"GET /percentiles HTTP/1.1\r\nHost: " + host + b"\r\nConnection: close\r\n\r\n")
        status, _headers, rest = head_of(read_until_closed(sock))
    assert status == 200 and rest == expected


@pytest.mark.parametrize(
    ("unreadable", "status", "message"),
    [
        (
            b"GET / HTTP/1.2\r\nHost: t\r\n\r\n",
            400,
            "The request line names an HTTP version this server does not read: it speaks HTTP/1.1 (and "
            "HTTP/1.0). Send the request line as 'GET /path HTTP/1.1'.",
        ),
        (
            b"FOO\x01 / HTTP/1.1\r\n\r\n",
            400,
            "The request could not be read as HTTP/1.1: a malformed request line, method, header or body "
            "framing.",
        ),
        (b"GET / HTTP/1.1\r\nHost: t\r\nX-Big: " + b"a" * 20_000 + b"\r\n\r\n", 431, None),
        (
            b"POST /compare HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\nZZ\r\n",
            400,
            "The request could not be read as HTTP/1.1: a malformed request line, method, header or body "
            "framing.",
        ),
    ],
    ids=["version", "request line", "head too large", "queued body"],
)
def test_requests_pipelined_before_an_unreadable_one_are_answered_first(
    served: Served, unreadable: bytes, status: int, message: str | None
) -> None:
    expected = httpx.get(served.base + "/percentiles").content
    asked = b"GET /percentiles HTTP/1.1\r\nHost: t\r\n\r\n"
    with connect(served) as sock:
        sock.sendall(asked * 2 + unreadable)
        data = read_until_closed(sock)
    answers = re.split(rb"(?=HTTP/1\.1 \d{3} )", data)[1:]
    assert [head_of(answer)[0] for answer in answers] == [200, 200, status]
    assert all(head_of(answer)[2] == expected for answer in answers[:2])
    refusal_status, headers, body = head_of(answers[2])
    assert headers["connection"] == "close" and headers["content-type"] == "application/json"
    if message is not None:
        assert json.loads(body)["error"]["message"] == message


def test_options_asterisk_names_every_method_the_server_offers(served: Served) -> None:
    paths = httpx.get(served.base + "/openapi.json").json()["paths"]
    offered = {method.upper() for operations in paths.values() for method in operations}
    with connect(served) as sock:
        sock.sendall(b"OPTIONS * HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n")
        status, headers, rest = head_of(read_until_closed(sock))
    assert status == 204 and rest == b""
    allowed = headers["allow"].split(", ")
    assert set(allowed) == offered | {"HEAD", "OPTIONS"} and allowed[-1] == "OPTIONS"


def test_a_client_hanging_up_mid_body_is_a_499_never_a_5xx(served: Served) -> None:
    before_499 = metric(served, "salary_api_request_duration_seconds_count", status="499")
    before_500 = metric(served, "salary_api_request_duration_seconds_count", status="500")
    for _ in range(3):
        with connect(served) as sock:
            sock.sendall(
                b"POST /estimate/batch HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\n"
                b'Content-Length: 5000\r\n\r\n[{"years": 4},'
            )
            time.sleep(0.2)  # the server is reading the body when the client goes
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        counted = metric(
            served, "salary_api_request_duration_seconds_count", status="499", route="/estimate/batch"
        )
        if counted >= 3:
            break
        time.sleep(0.2)
    assert metric(served, "salary_api_request_duration_seconds_count", status="499") - before_499 >= 3
    assert metric(served, "salary_api_request_duration_seconds_count", status="500") == before_500
    assert not [line for line in served.log_lines() if '"status":5' in line and "/estimate/batch" in line]
    assert [line for line in served.log_lines() if '"status":499' in line and "/estimate/batch" in line]


@pytest.mark.parametrize("target", ["/states?limit=2", "/states.csv?sort=code", "/export?format=zip"])
def test_if_none_match_takes_weak_tags_lists_and_star(served: Served, target: str) -> None:
    first = httpx.get(served.base + target)
    etag = first.headers["etag"]
    assert etag.startswith('"') and first.status_code == 200
    for condition in (etag, f"W/{etag}", f'"other", W/{etag}', "*", f'"a,b",W/{etag}'):
        again = httpx.get(served.base + target, headers={"If-None-Match": condition})
        assert again.status_code == 304 and again.content == b"", condition
        assert again.headers["etag"] == etag
    for condition in ('"other"', 'W/"other"', etag[:-2] + '"'):
        assert httpx.get(served.base + target, headers={"If-None-Match": condition}).status_code == 200
    head = httpx.head(served.base + target, headers={"If-None-Match": f"W/{etag}"})
    assert head.status_code == 304


def test_preconditions_are_ignored_on_errors(served: Served) -> None:
    missing = httpx.get(f"{served.base}/states/ZZ", headers={"If-None-Match": "*"})
    assert missing.status_code == 404 and missing.json()["error"]["type"] == "not_found"


def spellings() -> list[str]:
    """300 spellings of one question: parameter order, escaping and the case of vocabulary values."""
    levels = ["mid", "MID", "Mid", "mID", "miD", "MId"]
    educations = ["associate", "ASSOCIATE", "Associate", "%61ssociate", "associat%65"]
    states = ["NJ", "N%4A", "%4EJ", "%4E%4A"]
    out = []
    for level, education, state in itertools.product(levels, educations, states):
        params = [f"level={level}", f"education={education}", f"state={state}", "certifications=CPC"]
        for order in itertools.islice(itertools.permutations(params), 3):
            out.append("&".join(order))
    return out[:300]


def test_three_hundred_spellings_of_one_question_are_one_entry_with_one_etag(served: Served) -> None:
    queries = spellings()
    assert len(set(queries)) == 300
    admitted = metric(served, "salary_api_cache_admissions_total")
    held = metric(served, "salary_api_cache_bytes")
    answers = [httpx.get(f"{served.base}/estimate?{query}") for query in queries]
    assert {r.status_code for r in answers} == {200}
    assert len({r.headers["etag"] for r in answers}) == 1
    assert len({r.content for r in answers}) == 1
    assert answers[0].json()["profile"]["level"] == "mid"
    assert metric(served, "salary_api_cache_admissions_total") - admitted == 1
    # One entry's worth: its body and at most 3 kB of bookkeeping (the entry, its head and its 304's head,
    # encoded). It used to read 2 kB, and passed only when an eviction made room in the same test.
    assert metric(served, "salary_api_cache_bytes") - held <= len(answers[0].content) + 3 * 1024


def test_one_client_cycling_questions_cannot_evict_the_others(served: Served) -> None:
    others = {"X-Forwarded-For": "198.51.100.7"}
    kept = [f"/states?limit={n}&sort=code" for n in range(1, 5)]  # about 40 kB: within one client's share
    for target in kept * 2:  # a key is admitted on its second request
        assert httpx.get(served.base + target, headers=others).status_code == 200
    cycler = {"X-Forwarded-For": "203.0.113.9"}
    with httpx.Client(base_url=served.base, headers=cycler) as client:
        for offset in range(300):
            for _ in range(2):
                assert client.get(f"/metros?limit=1&offset={offset}").status_code == 200
    # 300 admitted answers of about 4 kB each would fill the 600 kB cache twice: once it is full, the
    # cycler, the largest holder over its tenth, makes room from its own entries.
    assert metric(served, "salary_api_cache_bytes") <= CACHE_BYTES
    hits = metric(served, "salary_api_cache_hits_total")
    for target in kept:
        httpx.get(served.base + target, headers=others)
    assert metric(served, "salary_api_cache_hits_total") - hits == len(kept)


def test_one_client_may_hold_more_than_its_share_while_others_hold_more(served: Served) -> None:
    board = {"X-Forwarded-For": "192.0.2.44"}  # a job board's server: many profiles, one address
    profiles = [f"/estimate?years={years}&state=TX" for years in range(25)]
    with httpx.Client(base_url=served.base, headers=board) as client:
        for _ in range(2):  # a key is admitted on its second request
            sizes = [len(client.get(path).content) for path in profiles]
        assert sum(sizes) > CACHE_BYTES // 10  # more than one client's share
        hits = metric(served, "salary_api_cache_hits_total")
        assert {client.get(path).status_code for path in profiles} == {200}
    # Alone, or beside the cycler above (which fills the cache and so gives up its entries first), the
    # board keeps all its answers.
    assert metric(served, "salary_api_cache_hits_total") - hits == len(profiles)


def test_a_slow_body_to_a_get_only_route_is_refused_at_once(served: Served) -> None:
    for head in (
        b"POST /export HTTP/1.1\r\nHost: t\r\nContent-Length: 5000\r\n\r\n",
        b"POST /export HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n1000\r\n",
        b"PUT /states HTTP/1.1\r\nHost: t\r\nContent-Length: 5000\r\n\r\n",
    ):
        with connect(served) as sock:
            sock.sendall(head + b"x" * 10)  # and nothing more: the server must not wait for the rest
            status, headers, body = head_of(read_until_closed(sock))
        assert status == 405 and headers["connection"] == "close", head
        assert headers["allow"] == "GET, HEAD, OPTIONS"
        assert json.loads(body)["error"]["type"] == "method_not_allowed"


@pytest.mark.parametrize("codings", ["gzip, chunked", "deflate,chunked", "x-custom, chunked"])
def test_a_body_in_a_transfer_coding_not_decoded_here_is_a_501(served: Served, codings: str) -> None:
    # RFC 9112 6.1: the server undoes chunked only; a body still gzipped would reach the route as garbage.
    chunk = b'{"years": 4}'
    with connect(served) as sock:
        sock.sendall(
            f"POST /estimate HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\n"
            f"Transfer-Encoding: {codings}\r\n\r\n{len(chunk):x}\r\n".encode()
            + chunk
            + b"\r\n0\r\n\r\n"
        )
        status, headers, body = head_of(read_until_closed(sock))
    assert status == 501 and headers["connection"] == "close"
    error = json.loads(body)["error"]
    assert error["type"] == "http_error" and "chunked alone" in error["message"]
    assert codings.split(",")[0].strip() in error["message"]


def test_a_chunked_body_alone_is_read(served: Served) -> None:
    chunk = b'{"years": 4}'
    with connect(served) as sock:
        sock.sendall(
            b"POST /estimate HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\nConnection: close\r\n"
            b"Transfer-Encoding: chunked\r\n\r\n" + f"{len(chunk):x}\r\n".encode() + chunk + b"\r\n0\r\n\r\n"
        )
        status, _headers, body = head_of(read_until_closed(sock))
    assert status == 200 and json.loads(body)["level"]["key"] == "mid"


def test_a_body_past_the_limit_is_a_413_whatever_the_method(served: Served) -> None:
    for method, path in (("POST", "/export"), ("GET", "/states"), ("POST", "/estimate/batch")):
        with connect(served) as sock:
            head = f"{method} {path} HTTP/1.1\r\nHost: t\r\nContent-Length: {MAX_BODY + 1}\r\n\r\n"
            sock.sendall(head.encode())
            status, headers, body = head_of(read_until_closed(sock))
        assert status == 413 and headers["connection"] == "close", (method, path)
        assert str(MAX_BODY) in json.loads(body)["error"]["message"]


def test_a_small_body_on_a_get_is_ignored(served: Served) -> None:
    plain = httpx.get(f"{served.base}/states?limit=2&sort=code")
    with connect(served) as sock:
        request = (
            b"GET /states?limit=2&sort=code HTTP/1.1\r\nHost: t\r\nContent-Length: 11\r\n\r\nhello world"
        )
        # Twice on one connection: the ignored body does not spill into the next request.
        sock.sendall(request + b"GET /healthz HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n")
        data = read_until_closed(sock)
    first, _, rest = data.partition(b"HTTP/1.1 200 OK\r\n")[2].partition(b"\r\n\r\n")
    assert plain.content in rest
    assert b'{"status":"ok"}' in rest.split(plain.content, 1)[1]


def test_a_slow_body_to_a_route_that_reads_one_is_a_408(served: Served) -> None:
    with connect(served) as sock:
        sock.sendall(
            b"POST /estimate HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\n"
            b'Content-Length: 200\r\n\r\n{"years":'
        )
        status, headers, body = head_of(read_until_closed(sock))
    assert status == 408 and headers["connection"] == "close"
    assert json.loads(body)["error"]["type"] == "request_timeout"
