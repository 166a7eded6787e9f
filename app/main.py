"""Application factory: settings, the in-memory store, exception handlers and routers."""

import asyncio
import contextlib
import gc
import logging
from collections.abc import AsyncIterator

from fastapi import Depends, FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import Response
from fastapi.routing import iter_route_contexts
from starlette.datastructures import Headers
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import Match
from starlette.types import ASGIApp, Receive, Scope, Send

from app.admin.router import router as admin_router
from app.careers.router import router as careers_router
from app.careers.service import CAREER_LADDER
from app.charts.router import router as charts_router
from app.compare.router import router as compare_router
from app.config import Settings, get_settings
from app.db import make_engine
from app.docs.router import ASSETS_PATH, VIEWERS
from app.docs.router import router as docs_router
from app.domain.store import DataUnavailable, Store
from app.edge import EXPOSED_HEADERS, EdgeOptions, build_edge
from app.edge.head import is_head
from app.embed.router import router as embed_router
from app.errors import MALFORMED_BODY, AppError, ServiceUnavailable, error_body, validation_message
from app.estimate.router import router as estimate_router
from app.explorer.router import router as explorer_router
from app.export.cache import ExportCache
from app.export.router import router as export_router
from app.health.router import router as health_router
from app.jsonld.router import router as jsonld_router
from app.listing import json_response
from app.observability import metrics, stack
from app.observability.routes import RouteTemplates
from app.observability.shutdown import drain
from app.openapi import install as install_openapi
from app.openapi import operation_id, warm
from app.query import EMPTY_PARAMS, EmptyValuesAbsent, reject_unknown_params
from app.reference.router import router as reference_router
from app.trends.router import router as trends_router
from app.wages.router import router as wages_router

log = logging.getLogger("salary_api")


def install_error_handlers(app: FastAPI) -> None:
    """Every error leaves in the one error shape, without stack traces."""

    @app.exception_handler(AppError)
    async def app_error(_request: Request, exc: AppError) -> Response:
        return json_response(exc.to_dict(), status_code=exc.status_code, headers=exc.headers)

    @app.exception_handler(DataUnavailable)
    async def data_unavailable(_request: Request, exc: DataUnavailable) -> Response:
        error = ServiceUnavailable(str(exc))
        return json_response(error.to_dict(), status_code=503, headers=error.headers)

    @app.exception_handler(RequestValidationError)
    async def validation_error(request: Request, exc: RequestValidationError) -> Response:
        errors = exc.errors()
        if any(err.get("type") == "json_invalid" for err in errors):  # not JSON at all: malformed syntax
            return json_response(error_body(400, "invalid_body", MALFORMED_BODY), status_code=400)
        message, details = validation_message(errors, empty=request.scope.get(EMPTY_PARAMS, ()))
        return json_response(error_body(422, "invalid_input", message, details), status_code=422)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        if exc.status_code == 404:
            if request.method == "OPTIONS" and request.scope.get("raw_path") == b"*":
                # OPTIONS * asks about the server in general (RFC 9110 §9.3.7): the methods some path takes.
                return Response(status_code=204, headers={"Allow": server_methods(request.app)})
            path = request.url.path
            # No redirect for a trailing slash: a Location built from the client's Host header could
            # send a shared cache's users elsewhere. Say where the resource is instead.
            hint = f" Did you mean {path.rstrip('/')[:100]}?" if path.endswith("/") and path != "/" else ""
            message = f"No such path: {path[:100]}.{hint} See /docs for the available endpoints."
            error_type = "not_found"
        elif exc.status_code == 405:
            method = "HEAD" if is_head(request.scope) else request.method
            message = f"Method {method} is not allowed on {request.url.path[:100]}."
            error_type = "method_not_allowed"
            # Starlette's Allow names only the first route matching the path; every method it has counts. A
            # mounted application (the docs' files) names its own.
            allowed = allowed_methods(request.app, request.scope) or with_options(
                (exc.headers or {}).get("Allow", "")
            )
            if method == "OPTIONS" and allowed:
                # OPTIONS asks what the path allows (RFC 9110 §9.3.7): every path that has a route answers it.
                return Response(status_code=204, headers={"Allow": allowed})
            if allowed:
                return json_response(
                    error_body(405, error_type, f"{message} Allowed: {allowed}."),
                    status_code=405,
                    headers={"Allow": allowed},
                )
        elif exc.status_code == 400 and "parsing the body" in str(exc.detail):
            message, error_type = MALFORMED_BODY, "invalid_body"
        else:
            message, error_type = str(exc.detail), "http_error"
        return json_response(
            error_body(exc.status_code, error_type, message),
            status_code=exc.status_code,
            headers=dict(exc.headers or {}),
        )

    @app.exception_handler(Exception)
    async def unexpected(_request: Request, exc: Exception) -> Response:
        log.exception("unhandled error", exc_info=exc)
        return json_response(
            error_body(500, "internal_error", "Internal error; it has been logged."), status_code=500
        )


def allowed_methods(app: FastAPI, scope: Scope) -> str:
    """Every method some route offers on the path of ``scope``, as an Allow header."""
    allowed = [
        method
        for method in ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE")
        if any(route.matches({**scope, "method": method})[0] == Match.FULL for route in app.router.routes)
    ]
    if "GET" in allowed and "HEAD" not in allowed:  # the edge answers HEAD for every GET
        allowed.insert(1, "HEAD")
    return with_options(", ".join(allowed))


def server_methods(app: FastAPI) -> str:
    """Every method some path of the server offers, as an Allow header."""
    offered = {m for context in iter_route_contexts(list(app.router.routes)) for m in context.methods or ()}
    if "GET" in offered:  # the edge answers HEAD for every GET
        offered.add("HEAD")
    return with_options(
        ", ".join(m for m in ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE") if m in offered)
    )


def with_options(allow: str) -> str:
    """An Allow header's methods and OPTIONS, which every path that has a method answers (none: none)."""
    return f"{allow}, OPTIONS" if allow and "OPTIONS" not in allow else allow


class CORS(CORSMiddleware):
    """Starlette's CORS, whose refused preflight answers in the error shape, naming what was asked."""

    def preflight_response(self, request_headers: Headers) -> Response:
        """The preflight's answer; a refusal (Starlette's text/plain 400) in the error shape."""
        answer = super().preflight_response(request_headers)
        if answer.status_code != 400:
            return answer
        methods = answer.headers["access-control-allow-methods"]
        allowed = answer.headers["access-control-allow-headers"]
        method = request_headers["access-control-request-method"][:20]
        asked = request_headers.get("access-control-request-headers", "")[:200]
        refused = [
            h for h in (h.strip() for h in asked.split(",")) if h and h.lower() not in self.allow_headers
        ]
        reasons, details = [], []
        if method not in self.allow_methods:
            reasons.append(f"this API takes no {method!r} requests")
            named = {"parameter": "Access-Control-Request-Method", "value": method}
            details.append({**named, "allowed": methods.split(", ")})
        if refused:
            reasons.append(f"a request here may not send {', '.join(refused)}")
            named = {"parameter": "Access-Control-Request-Headers", "value": asked}
            details.append({**named, "allowed": allowed.split(", ")})
        why = " and ".join(reasons) or "it asked for what this API does not allow"
        message = f"CORS preflight refused: {why}. Allowed methods: {methods}; request headers: {allowed}."
        headers = {k: v for k, v in answer.headers.items() if k not in ("content-length", "content-type")}
        return json_response(
            error_body(400, "http_error", message, details), status_code=400, headers=headers
        )


async def _refresh_loop(store: Store, interval: float) -> None:
    while True:
        await asyncio.sleep(interval)
        reloaded = await asyncio.to_thread(store.refresh)
        stack.refreshed(store, reloaded=reloaded)


class SalaryAPI(FastAPI):
    """FastAPI with the edge (response cache, limits) outside every other layer, so a cache hit costs
    no routing, no validation and no per-request middleware."""

    edge_options: EdgeOptions
    # Without OpenTelemetry an HTTP request goes straight to the built stack: FastAPI's own __call__ asks its
    # telemetry whether it is on for every request (about 0.5 us of a cached answer's 7 in process).
    telemetry_off = False

    def build_middleware_stack(self) -> ASGIApp:
        return build_edge(EmptyValuesAbsent(super().build_middleware_stack()), self.edge_options)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        stack = self.middleware_stack
        if self.telemetry_off and stack is not None and scope["type"] == "http":
            scope["app"] = self
            await stack(scope, receive, send)
            return
        await super().__call__(scope, receive, send)


def create_app(settings: Settings | None = None) -> SalaryAPI:
    """Build the application; data are loaded into memory at start-up and refreshed on a new data version."""
    settings = settings or get_settings()
    # The occupations the documented examples read load at start-up: /careers reads the default
    # occupation's whole ladder.
    ladder = CAREER_LADDER if settings.default_occupation in CAREER_LADDER else ()
    preload = (settings.default_occupation, *(c for c in ladder if c != settings.default_occupation))
    store = Store(make_engine(settings.database_url, connections=settings.db_connections), preload=preload)
    access_log = stack.access_log_writer(settings)

    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        app.state.export_cache = ExportCache(store.engine)
        reloaded = await asyncio.to_thread(store.refresh)
        stack.refreshed(store, reloaded=reloaded)
        warm(app)  # the contract, built now rather than on its first request
        drain.install(settings.shutdown_drain)
        # The loaded data live for the process: keep them out of the cyclic collector's full passes,
        # and collect the young generation less often (request handling allocates many short-lived dicts).
        gc.collect()
        gc.freeze()
        gc.set_threshold(20_000, 50, 100)
        task = asyncio.create_task(_refresh_loop(store, settings.refresh_interval))
        try:
            yield
        finally:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
            await app.state.export_cache.close()
            store.engine.dispose()
            access_log.close()
            metrics.process_exiting()

    app = SalaryAPI(
        title="Medical billing and coding salary API",
        version="0.1.0",
        summary="Wage percentiles, state and metro wages, pay by experience and explainable estimates "
        "for Medical Records Specialists (SOC 29-2072), every figure traced to its source.",
        lifespan=lifespan,
        redirect_slashes=False,
        docs_url=None,
        redoc_url=None,
        openapi_url=None,  # served by app.openapi.install, as bytes built once
        dependencies=[Depends(reject_unknown_params)],
        generate_unique_id_function=operation_id,
        telemetry={
            "tracing": settings.opentelemetry,
            "metrics": settings.opentelemetry,
            "logs": settings.opentelemetry,
        },
    )
    app.edge_options = EdgeOptions(
        store=store,
        max_age=settings.cache_max_age,
        stale_while_revalidate=settings.cache_stale_while_revalidate,
        max_body_bytes=settings.max_body_bytes,
        rate_limit_per_minute=settings.rate_limit_per_minute,
        request_timeout=settings.request_timeout,
        settings=settings,
        max_cache_bytes=settings.cache_max_bytes,
        trusted_proxies=tuple(settings.trusted_proxies),
        routes=app.router.routes,
        # Called when the stack is built (first request), once every router is included.
        observe=lambda inner: stack.wrap(
            inner, settings=settings, routes=RouteTemplates(app.router.routes), writer=access_log
        ),
    )
    app.telemetry_off = not settings.opentelemetry
    app.state.settings = settings
    app.state.store = store
    install_error_handlers(app)
    install_openapi(app)
    app.add_middleware(
        CORS,
        allow_origins=["*"],
        allow_methods=["GET", "HEAD", "POST", "OPTIONS"],
        allow_headers=[
            "Accept",
            "Content-Type",
            "If-None-Match",
            "If-Match",
            "Authorization",
            "X-Request-ID",
        ],
        expose_headers=list(EXPOSED_HEADERS),
        max_age=settings.cors_max_age,
    )
    app.include_router(health_router)
    app.include_router(admin_router)
    app.include_router(wages_router)
    app.include_router(trends_router)
    app.include_router(reference_router)
    app.include_router(estimate_router)
    app.include_router(compare_router)
    app.include_router(careers_router)
    app.include_router(export_router)
    app.include_router(embed_router)
    app.include_router(jsonld_router)
    app.include_router(charts_router)
    app.include_router(explorer_router)
    app.include_router(docs_router)
    app.mount(ASSETS_PATH, VIEWERS, name="docs-assets")
    return app
