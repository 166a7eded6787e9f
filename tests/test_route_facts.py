"""A route's facts for the edge are declared beside the route and obeyed by the layers: a route declared
uncached is never answered from the response cache, a named time limit replaces the default one, and a
declared fast path answers before the application."""

import asyncio
from types import SimpleNamespace

import httpx
from fastapi import FastAPI
from fastapi.responses import PlainTextResponse

from app.edge import EdgeOptions, build_edge
from app.route_facts import route_facts

DEFAULT_LIMIT = 0.2
SLOW_SECONDS = 0.5


def application() -> tuple[FastAPI, dict[str, int]]:
    calls = {"counted": 0, "live": 0}
    app = FastAPI()

    @app.get("/counted")
    async def counted() -> PlainTextResponse:
        calls["counted"] += 1
        return PlainTextResponse(f"call {calls['counted']}")

    @app.get("/live")
    @route_facts(cached=False)
    async def live() -> PlainTextResponse:
        calls["live"] += 1
        return PlainTextResponse(f"call {calls['live']}")

    @app.get("/slow")
    @route_facts(cached=False, time_limit="slow_limit")
    async def slow() -> PlainTextResponse:
        await asyncio.sleep(SLOW_SECONDS)
        return PlainTextResponse("done")

    @app.get("/also-slow")
    @route_facts(cached=False)
    async def also_slow() -> PlainTextResponse:
        await asyncio.sleep(SLOW_SECONDS)
        return PlainTextResponse("done")

    @app.get("/quick")
    @route_facts(fast=lambda snapshot, query: b'{"fast": "' + query + b'"}')
    async def quick() -> PlainTextResponse:
        return PlainTextResponse("the application")

    return app, calls


def served(app: FastAPI) -> httpx.AsyncClient:
    store = SimpleNamespace(snapshot=SimpleNamespace(version=1), database_ok=True)
    edge = build_edge(
        app,
        EdgeOptions(
            store=store,
            max_age=60,
            stale_while_revalidate=60,
            max_body_bytes=1000,
            rate_limit_per_minute=0,
            request_timeout=DEFAULT_LIMIT,
            settings=SimpleNamespace(slow_limit=SLOW_SECONDS * 4),
            routes=app.router.routes,
        ),
    )
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=edge), base_url="http://t")


def test_declared_facts_are_obeyed_by_the_edge():
    app, calls = application()

    async def traffic() -> dict[str, list[httpx.Response]]:
        async with served(app) as client:
            return {
                path: [await client.get(path) for _ in range(3)]
                for path in ("/counted", "/live", "/slow", "/also-slow", "/quick?x=1")
            }

    answers = asyncio.run(traffic())
    # The default: cached after its second sighting, so the third request never reaches the route.
    assert [r.text for r in answers["/counted"]] == ["call 1", "call 2", "call 2"]
    assert all("etag" in r.headers for r in answers["/counted"])
    # Declared uncached: every request reaches the route, and no cache validator is added.
    assert [r.text for r in answers["/live"]] == ["call 1", "call 2", "call 3"]
    assert not any("etag" in r.headers for r in answers["/live"])
    # Its own time limit lets the slow route finish; the same work under the default limit is stopped.
    assert [(r.status_code, r.text) for r in answers["/slow"]] == [(200, "done")] * 3
    assert {r.status_code for r in answers["/also-slow"]} == {503}
    assert answers["/also-slow"][0].json()["error"]["type"] == "timeout"
    # The fast path answers with the canonical query, the application never does.
    assert {r.text for r in answers["/quick?x=1"]} == {'{"fast": "x=1"}'}


def test_every_time_limit_the_app_declares_is_a_setting():
    from app.config import Settings
    from app.main import create_app
    from app.route_facts import RouteTable

    settings = Settings(database_url="sqlite://")
    table = RouteTable.of(create_app(settings).router.routes)
    # /export names its own limit; a misspelt setting would fail every request when the edge is built.
    assert table.time_limits_in(settings) == {("GET", "/export"): settings.export_timeout}
    assert {"/healthz", "/readyz", "/export"} <= table.uncached_paths
