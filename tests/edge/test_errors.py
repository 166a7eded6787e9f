"""The edge's own failures answer in the error shape (issue 12 §2): a bug in a fast route or in a layer
below leaves as a logged 500 with the usual body, never as a plain-text 500 from the server."""

import asyncio
from types import SimpleNamespace

import httpx
import pytest
from starlette.routing import Route

from app.edge import EdgeOptions, build_edge
from app.route_facts import route_facts

ERROR_500 = {
    "error": {
        "status": 500,
        "type": "internal_error",
        "message": "Internal error; it has been logged.",
        "details": [],
    }
}


async def broken_app(scope, receive, send):
    raise TypeError("a bug below the edge")


def broken_fast_route(snapshot, query: bytes) -> bytes:
    raise TypeError("a bug in a fast route")


def edge(**overrides) -> object:
    store = SimpleNamespace(snapshot=SimpleNamespace(version=1), database_ok=True)
    options = {
        "store": store,
        "max_age": 60,
        "stale_while_revalidate": 60,
        "max_body_bytes": 1000,
        "rate_limit_per_minute": 0,
        "request_timeout": 5,
        # The application below is broken; the route table still declares /estimate's fast path.
        "routes": [Route("/estimate", route_facts(fast=broken_fast_route)(broken_app))],
    }
    return build_edge(broken_app, EdgeOptions(**{**options, **overrides}))


@pytest.mark.parametrize(
    ("method", "path"), [("GET", "/estimate?years=3"), ("GET", "/states"), ("POST", "/x")]
)
def test_failures_below_and_in_fast_routes_answer_in_the_error_shape(method: str, path: str, caplog):
    async def call() -> httpx.Response:
        transport = httpx.ASGITransport(app=edge(), raise_app_exceptions=False)
        async with httpx.AsyncClient(transport=transport, base_url="http://t") as c:
            return await c.request(method, path, content=b"{}" if method == "POST" else None)

    r = asyncio.run(call())
    assert r.status_code == 500
    body = r.json()
    assert body["error"].pop("request_id") is None  # no request-id layer in this bare edge
    assert body == ERROR_500
    assert r.headers["access-control-allow-origin"] == "*"
    assert "TypeError" in caplog.text


def test_a_500_from_below_carries_the_request_id_in_body_header_and_log(caplog):
    from app.observability.access import ObserveMiddleware, log
    from app.observability.routes import RouteTemplates
    from app.observability.writer import AccessLogWriter

    writer = AccessLogWriter(log, max_lines=100, interval=0.05)

    def observe(inner):
        return ObserveMiddleware(
            inner, routes=RouteTemplates([]), sample=0.0, slow_ms=1e9, writer=writer, metrics_path=None
        )

    async def call() -> httpx.Response:
        transport = httpx.ASGITransport(app=edge(observe=observe), raise_app_exceptions=False)
        async with httpx.AsyncClient(transport=transport, base_url="http://t") as c:
            return await c.get("/states", headers={"X-Request-ID": "req-500-check"})

    caplog.set_level("INFO", logger="salary_api.access")
    r = asyncio.run(call())
    writer.close()  # writes the queued lines
    assert r.status_code == 500
    assert r.json()["error"]["request_id"] == "req-500-check" == r.headers["x-request-id"]
    access = [rec for rec in caplog.records if rec.name == "salary_api.access"]
    assert [rec.fields["status"] for rec in access] == [500]  # 5xx are logged whatever the sampling
