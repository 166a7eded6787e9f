"""Issue 11 §2: the edge's cache key and the route answer by the same negotiation, so a JSON body can
never be served to a client asking for CSV (or the reverse), and each representation has its own ETag."""

import gc
import tracemalloc

import pytest
from fastapi.testclient import TestClient

from app.edge import find_layer
from app.edge.cache import ResponseCacheMiddleware
from app.negotiation import Representation, negotiate
from app.server import encode_head
from app.wire import ENCODED_HEAD, offered
from tests.conftest import make_client

STATES = "/states?limit=3&sort=name"


@pytest.mark.parametrize(
    ("format_param", "accept", "expected"),
    [
        (None, None, "json"),
        (None, "", "json"),
        (None, "*/*", "json"),
        (None, "application/json", "json"),
        (None, "text/csv", "csv"),
        (None, "text/*", "csv"),
        (None, "application/json, text/csv", "json"),  # the client's first choice wins a tie
        (None, "text/csv, application/json", "csv"),
        (None, "text/csv;q=0.5, application/json", "json"),
        (None, "application/json;q=0.2, text/csv;q=0.9", "csv"),
        (None, "text/csv;q=0, */*", "json"),
        (None, "text/csv, */*", "csv"),  # named beats the wildcard at equal q
        (None, "text/html,application/xhtml+xml,*/*;q=0.8", "json"),  # a browser's navigation
        (None, "text/csv;q=bogus", "json"),
        ("csv", "application/json", "csv"),
        ("json", "text/csv", "json"),
    ],
)
def test_negotiation_table(format_param: str | None, accept: str | None, expected: str):
    assert negotiate(format_param, accept) is Representation(expected)


def test_json_first_then_csv_only_is_not_poisoned(client: TestClient):
    both = {"Accept": "application/json, text/csv"}
    for _ in range(2):  # the second request admits the entry to the cache
        r = client.get(STATES, headers=both)
        assert r.headers["content-type"].startswith("application/json")
        assert [s["name"] for s in r.json()["items"]] == sorted(s["name"] for s in r.json()["items"])
    csv_answer = client.get(STATES, headers={"Accept": "text/csv"})
    assert csv_answer.headers["content-type"].startswith("text/csv")
    assert csv_answer.text.splitlines()[0].startswith("code,") or "name" in csv_answer.text.splitlines()[0]
    json_answer = client.get(STATES, headers={"Accept": "application/json"})
    assert json_answer.headers["content-type"].startswith("application/json")


def test_each_representation_has_its_own_etag_and_vary_names_accept(client: TestClient):
    for _ in range(2):
        as_json = client.get(STATES, headers={"Accept": "application/json"})
        as_csv = client.get(STATES, headers={"Accept": "text/csv"})
    assert as_json.headers["etag"] != as_csv.headers["etag"]
    assert as_json.headers["vary"] == as_csv.headers["vary"] == "Accept"
    # A validator of one representation does not revalidate the other.
    cross = client.get(STATES, headers={"Accept": "text/csv", "If-None-Match": as_json.headers["etag"]})
    assert cross.status_code == 200 and cross.headers["content-type"].startswith("text/csv")
    same = client.get(STATES, headers={"Accept": "text/csv", "If-None-Match": as_csv.headers["etag"]})
    assert same.status_code == 304


def test_csv_by_parameter_and_by_header_are_one_representation(client: TestClient):
    by_param = client.get(STATES + "&format=csv")
    by_header = client.get(STATES, headers={"Accept": "text/csv"})
    assert by_param.text == by_header.text


def test_the_cache_holds_about_what_it_counts(seeded_sqlite: str):
    """Admitted answers are held at their own size: orjson's output keeps the capacity it grew to (a few
    times the answer), and a cache counting lengths would then hold several times its limit."""
    profiles = [
        f"/estimate?years={years}&state={state}&hours_per_year={hours}"
        for years in range(10)
        for state in ("NJ", "TX", "CA")
        for hours in (1500, 1800, 2080, 2200)
    ]
    with make_client(seeded_sqlite, rate_limit_per_minute=0) as c:
        edge = find_layer(c.app.middleware_stack, ResponseCacheMiddleware)
        assert edge is not None
        c.get(profiles[0])
        counted_before = edge.cache_bytes
        gc.collect()
        tracemalloc.start()
        try:
            for path in profiles:
                for _ in range(2):  # admitted on the second sighting
                    assert c.get(path).status_code == 200
            gc.collect()
            held, _peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
    counted = edge.cache_bytes - counted_before
    assert len(edge.cache) >= len(profiles)
    # What else the requests left behind (the estimate cores, memos) is a small part of it.
    assert counted / 2 <= held <= 1.5 * counted, (held, counted)


def test_entries_hand_a_server_that_offers_it_their_heads_encoded(seeded_sqlite: str):
    """Where the server offers the encoded-head extension (app.server does), every answer from the cache
    carries its entry's headers encoded: the start's first headers, each as ``name: value`` with the name in
    lower case, and their Content-Length; an entry made without the offer (a test client, another server)
    carries none."""
    offer = {ENCODED_HEAD: offered(encode_head)}

    def scope(query: bytes, *headers: tuple[bytes, bytes], extensions: dict | None = None) -> dict:
        return {
            "type": "http",
            "asgi": {"version": "3.0"},
            "http_version": "1.1",
            "method": "GET",
            "scheme": "http",
            "path": "/percentiles",
            "raw_path": b"/percentiles",
            "query_string": query,
            "root_path": "",
            "headers": [(b"host", b"x"), (b"x-request-id", b"t-1"), *headers],
            "client": ("127.0.0.1", 5000),
            "server": ("127.0.0.1", 8000),
            "state": {},
            **({"extensions": extensions} if extensions is not None else {}),
        }

    with make_client(seeded_sqlite, rate_limit_per_minute=0) as c:

        async def ask(asked: dict) -> tuple[dict, bytes]:
            messages: list[dict] = []

            async def receive() -> dict:
                return {"type": "http.request", "body": b"", "more_body": False}

            async def send(message: dict) -> None:
                messages.append(message)

            await c.app(asked, receive, send)
            return messages[0], b"".join(m.get("body", b"") for m in messages[1:])

        answers = [c.portal.call(ask, scope(b"state=WA", extensions=offer)) for _ in range(3)]
        etag = dict(answers[0][0]["headers"])[b"etag"]
        answers += [c.portal.call(ask, scope(b"state=WA", (b"if-none-match", etag), extensions=offer))]
        bare = [c.portal.call(ask, scope(b"state=OR", extensions={} if n % 2 else None)) for n in range(3)]
    assert [start["status"] for start, _ in answers] == [200, 200, 200, 304]
    for start, body in answers:
        encoded = start[ENCODED_HEAD]
        count = len(encoded.headers)
        assert encoded.headers == tuple(start["headers"][:count])
        assert start["headers"][count:] == [(b"x-request-id", b"t-1")]  # the observe layer's echo
        assert encoded.wire == b"".join(n.lower() + b": " + v + b"\r\n" for n, v in encoded.headers)
        assert encoded.content_length == (len(body) if start["status"] == 200 else None)
        assert (b"content-length" in dict(encoded.headers)) is (start["status"] == 200)
    for start, body in bare:
        assert ENCODED_HEAD not in start and start["status"] == 200 and body == bare[0][1]
