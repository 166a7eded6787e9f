"""HTTP caching (strong ETag, 304, Cache-Control, Vary), CORS, security headers, limits, and the in-memory
read model refreshing itself when the database's data version moves."""

import asyncio
import time

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text

from app.db import make_engine
from app.edge import find_layer
from app.edge.cache import ResponseCacheMiddleware
from tests.conftest import make_client


def test_etag_and_304(client: TestClient):
    first = client.get("/states?sort=-mean")
    etag = first.headers["etag"]
    assert etag.startswith('"') and not etag.startswith("W/")
    assert first.headers["cache-control"].startswith("public, max-age=")
    assert "stale-while-revalidate=" in first.headers["cache-control"]
    assert "Accept" in first.headers["vary"]
    again = client.get("/states?sort=-mean", headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.content == b""
    assert again.headers["etag"] == etag
    other = client.get("/states?sort=-mean", headers={"If-None-Match": '"something-else"'})
    assert other.status_code == 200 and other.json() == first.json()


def test_etag_is_canonical_over_parameter_order(client: TestClient):
    a = client.get("/states?sort=-mean&limit=3")
    b = client.get("/states?limit=3&sort=-mean")
    assert a.headers["etag"] == b.headers["etag"] and a.content == b.content


def test_etag_differs_by_representation_and_request(client: TestClient):
    json_tag = client.get("/states").headers["etag"]
    csv_tag = client.get("/states", headers={"Accept": "text/csv"}).headers["etag"]
    sorted_tag = client.get("/states?sort=-median").headers["etag"]
    assert len({json_tag, csv_tag, sorted_tag}) == 3
    # The tag follows the answer, not the question: the default order asked for by name is the same answer.
    assert client.get("/states?sort=name").content == client.get("/states").content
    assert client.get("/states?sort=name").headers["etag"] == json_tag


@pytest.mark.parametrize(
    "accept", ["text/csv", "TEXT/CSV", "Text/Csv; q=1", "application/json;q=0.5, TEXT/csv"]
)
def test_media_types_in_accept_are_read_in_any_case(client: TestClient, accept: str):
    # RFC 9110 8.3.1: type and subtype are case-insensitive.
    r = client.get("/states?sort=name", headers={"Accept": accept})
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv")
    assert r.content == client.get("/states.csv?sort=name").content


def test_errors_are_not_cached_publicly(client: TestClient):
    r = client.get("/states?sort=bogus")
    assert r.status_code == 422 and "etag" not in r.headers
    assert "public" not in r.headers.get("cache-control", "")


def test_cors_simple_get_and_preflight(client: TestClient):
    r = client.get("/percentiles", headers={"Origin": "https://jobs.example"})
    assert r.headers["access-control-allow-origin"] == "*"
    assert "ETag" in r.headers["access-control-expose-headers"]
    pre = client.options(
        "/estimate",
        headers={
            "Origin": "https://college.example",
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "Content-Type",
        },
    )
    assert pre.status_code == 200
    assert pre.headers["access-control-allow-origin"] == "*"
    assert int(pre.headers["access-control-max-age"]) >= 600


ALLOWED_HEADERS = [
    "Accept",
    "Accept-Language",
    "Authorization",
    "Content-Language",
    "Content-Type",
    "If-Match",
    "If-None-Match",
    "X-Request-ID",
]


@pytest.mark.parametrize(
    ("method", "headers", "why", "details"),
    [
        (
            "PUT",
            "Content-Type",
            "this API takes no 'PUT' requests",
            [
                {
                    "parameter": "Access-Control-Request-Method",
                    "value": "PUT",
                    "allowed": ["GET", "HEAD", "POST", "OPTIONS"],
                }
            ],
        ),
        (
            "POST",
            "Content-Type, X-Api-Key",
            "a request here may not send X-Api-Key",
            [
                {
                    "parameter": "Access-Control-Request-Headers",
                    "value": "Content-Type, X-Api-Key",
                    "allowed": ALLOWED_HEADERS,
                }
            ],
        ),
    ],
)
def test_a_refused_preflight_answers_in_the_error_shape_naming_what_was_asked(
    client: TestClient, method: str, headers: str, why: str, details: list
):
    asked = {"Access-Control-Request-Method": method, "Access-Control-Request-Headers": headers}
    pre = client.options("/estimate", headers={"Origin": "https://college.example", **asked})
    assert pre.status_code == 400 and pre.headers["content-type"] == "application/json"
    assert pre.json()["error"] == {
        "status": 400,
        "type": "http_error",
        "message": f"CORS preflight refused: {why}. Allowed methods: GET, HEAD, POST, OPTIONS; "
        f"request headers: {', '.join(ALLOWED_HEADERS)}.",
        "details": details,
        "request_id": pre.headers["x-request-id"],
    }
    assert pre.headers["access-control-allow-origin"] == "*"  # the page may read why


def test_a_page_on_another_origin_can_send_and_read_the_request_id(client: TestClient):
    pre = client.options(
        "/percentiles",
        headers={
            "Origin": "https://jobs.example",
            "Access-Control-Request-Method": "GET",
            "Access-Control-Request-Headers": "X-Request-ID",
        },
    )
    assert pre.status_code == 200 and "x-request-id" in pre.headers["access-control-allow-headers"].lower()
    r = client.get("/percentiles", headers={"Origin": "https://jobs.example", "X-Request-ID": "job-board-42"})
    assert r.headers["x-request-id"] == "job-board-42"
    assert "X-Request-ID" in r.headers["access-control-expose-headers"].split(", ")


def test_security_headers(client: TestClient):
    for path in ("/percentiles", "/states?sort=bogus", "/no/such"):
        assert client.get(path).headers["x-content-type-options"] == "nosniff"


def test_head_has_headers_but_no_body(client: TestClient):
    r = client.head("/percentiles")
    assert r.status_code == 200 and r.content == b"" and r.headers["etag"]


def test_body_size_cap(seeded_database: str):
    with make_client(seeded_database, max_body_bytes=1000) as c:
        r = c.post(
            "/estimate", content=b"[" + b"1," * 2000 + b"1]", headers={"Content-Type": "application/json"}
        )
        assert r.status_code == 413
        assert r.json()["error"]["type"] == "payload_too_large" and "1000" in r.json()["error"]["message"]


def test_rate_limit_answers_429_with_retry_after(seeded_database: str):
    with make_client(seeded_database, rate_limit_per_minute=60) as c:
        statuses = [c.get("/healthz").status_code for _ in range(15)]
        assert statuses[:10] == [200] * 10  # a burst of ten seconds' worth (60/min -> 10)
        assert 429 in statuses
        r = c.get("/healthz")
        assert r.status_code == 429 and int(r.headers["retry-after"]) >= 1
        assert r.json()["error"]["type"] == "rate_limited"


@pytest.mark.parametrize("fresh_database", ["sqlite", "postgres"], indirect=True)
def test_new_data_version_is_picked_up_without_restart(fresh_database: str):
    with make_client(fresh_database, refresh_interval=0.1) as c:
        pinned = "/states/NJ?release=bls-oews-2023-05-article"
        before = c.get(pinned)
        assert before.json()["item"]["wages"]["mean"]["annual"] == 69380
        engine = make_engine(fresh_database)
        with engine.begin() as conn:
            conn.execute(text("UPDATE wage_cell SET mean_annual = 70000 WHERE mean_annual = 69380"))
            conn.execute(text("UPDATE data_version SET version = version + 1"))
        engine.dispose()
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            after = c.get(pinned)
            if after.json()["item"]["wages"]["mean"]["annual"] == 70000:
                break
            time.sleep(0.1)
        assert after.json()["item"]["wages"]["mean"]["annual"] == 70000
        assert after.headers["etag"] != before.headers["etag"]
        assert int(after.headers["x-data-version"]) == int(before.headers["x-data-version"]) + 1


def test_response_cache_is_bounded_in_bytes(seeded_database: str):
    with make_client(seeded_database, cache_max_bytes=60_000) as c:
        for years in range(40):
            for _ in range(2):  # a key is admitted on its second request
                assert c.get(f"/experience?years={years % 40}&limit={years + 1}").status_code == 200
        edge = find_layer(c.app.middleware_stack, ResponseCacheMiddleware)
        assert edge is not None
        assert 0 < edge.cache_bytes <= 60_000
        assert len(edge.cache) < 40


def test_rate_limited_answer_is_readable_cross_origin(seeded_database: str):
    with make_client(seeded_database, rate_limit_per_minute=6) as c:
        statuses = [c.get("/healthz", headers={"Origin": "https://x.example"}) for _ in range(3)]
        limited = statuses[-1]
        assert limited.status_code == 429 and limited.headers["access-control-allow-origin"] == "*"


def counting_edge(**options):
    """The real response cache in front of a stand-in downstream app that counts the requests reaching it."""
    from collections import Counter
    from types import SimpleNamespace

    calls: Counter[str] = Counter()

    async def slow_downstream(scope, receive, send):
        calls[scope["query_string"].decode()] += 1
        await asyncio.sleep(0.05)
        start = {
            "type": "http.response.start",
            "status": 200,
            "headers": [(b"content-type", b"application/json")],
        }
        await send(start)
        await send({"type": "http.response.body", "body": b'{"ok": true}' + b" " * 1000})

    store = SimpleNamespace(snapshot=SimpleNamespace(version=7), database_ok=True)
    defaults = {"max_age": 60, "stale_while_revalidate": 60}
    edge = ResponseCacheMiddleware(slow_downstream, store=store, **{**defaults, **options})
    return edge, calls


def test_identical_concurrent_misses_are_computed_once():
    import httpx

    edge, calls = counting_edge()

    async def burst():
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=edge), base_url="http://t") as c:
            return await asyncio.gather(*(c.get("/estimate?years=3") for _ in range(50)))

    responses = asyncio.run(burst())
    assert [r.status_code for r in responses] == [200] * 50
    assert len({r.headers["etag"] for r in responses}) == 1
    assert sum(calls.values()) == 1


def test_one_off_queries_do_not_evict_repeated_ones():
    import httpx

    edge, calls = counting_edge(max_cache_bytes=20_000)  # room for about eight entries

    async def traffic():
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=edge), base_url="http://t") as c:
            for _ in range(3):
                await c.get("/states?popular=1")
            for n in range(100):
                await c.get(f"/estimate?one_off={n}")
            await c.get("/states?popular=1")

    asyncio.run(traffic())
    assert calls["popular=1"] == 2  # computed on its first two requests, then served from the cache
    assert all(calls[f"one_off={n}"] == 1 for n in range(100))
    # A cache admitting on first sighting would also compute popular=1 twice (evicted, then recomputed);
    # what tells them apart is that no one-off query ever took a place in the cache.
    cached = {key[1].decode() if isinstance(key[1], bytes) else key[1] for key in edge.cache}
    assert cached == {"popular=1"}  # its raw and canonical spellings
