"""The pure-ASGI edge in front of FastAPI, one layer per job, outermost first:

1. ``ErrorShapeMiddleware``: whatever fails below answers a 500 in the error shape;
2. ``ClientAddressMiddleware``: the client address, from a trusted proxy's ``X-Forwarded-For`` or the peer;
3. ``RateLimitMiddleware``: per-client token buckets, 429;
4. ``BodyLimitMiddleware``: decided from the head: a head the server refused (app.wire.HEAD_REFUSAL: 400,
   505) in the error shape, 413 past the limit, a body no route reads never waited
   for; a body a route reads refused in a coding nothing here undoes (501, 415), else read up to the limit
   within the time limit (408);
5. ``ResponseCacheMiddleware``: cached GETs and fast routes on the canonical query, strong ETags, 304s, 412s;
6. ``TimeoutMiddleware``: 503 when producing an answer takes longer than its method and path allow;
7. ``ConditionalMiddleware``: If-Match (412) and If-None-Match (304) for answers made below the cache;
8. ``HeadMiddleware``: HEAD on every GET route, as the GET without its body;
9. ``SecurityHeadersMiddleware``: nosniff, and a CSP for HTML.
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from starlette.types import ASGIApp

from app.edge.cache import ResponseCacheMiddleware
from app.edge.canonical import CanonicalQueries
from app.edge.clients import ClientAddresses, ClientAddressMiddleware, RateLimitMiddleware
from app.edge.common import EXPOSED_HEADERS
from app.edge.errors import ErrorShapeMiddleware
from app.edge.etag import ConditionalMiddleware
from app.edge.head import HeadMiddleware
from app.edge.headers import SecurityHeadersMiddleware
from app.edge.limits import BodyLimitMiddleware, TimeoutMiddleware
from app.route_facts import RouteTable

T = TypeVar("T")

__all__ = ["EXPOSED_HEADERS", "EdgeOptions", "build_edge", "find_layer"]


@dataclass(frozen=True)
class EdgeOptions:
    store: Any
    max_age: int
    stale_while_revalidate: int
    max_body_bytes: int
    rate_limit_per_minute: int
    request_timeout: float
    # The settings that routes name as their time limits (app.route_facts); None: request_timeout for all.
    settings: Any = None
    max_cache_bytes: int = 64 * 1024 * 1024
    trusted_proxies: tuple[str, ...] = ()
    # The application's routes (FastAPI's live list, read when the stack is built): which take a body,
    # which query parameters are closed vocabularies.
    routes: Sequence[Any] = ()
    # Layers placed right inside the error-shape layer (request id, access log, /metrics): outside the
    # rate limit, and their failures still answer in the error shape.
    observe: Callable[[ASGIApp], ASGIApp] | None = None


def build_edge(app: ASGIApp, options: EdgeOptions) -> ASGIApp:
    """Wrap ``app`` (FastAPI's own stack) in the edge layers, innermost first."""
    app = SecurityHeadersMiddleware(app)
    app = HeadMiddleware(app)
    app = ConditionalMiddleware(app)
    table = RouteTable.of(options.routes)
    limits = {} if options.settings is None else table.time_limits_in(options.settings)
    app = TimeoutMiddleware(app, timeout=options.request_timeout, path_timeouts=limits)
    app = ResponseCacheMiddleware(
        app,
        store=options.store,
        max_age=options.max_age,
        stale_while_revalidate=options.stale_while_revalidate,
        max_cache_bytes=options.max_cache_bytes,
        fast_routes=table.fast_routes,
        canonical=CanonicalQueries(options.routes),
        uncached_paths=table.uncached_paths,
        uncached_prefixes=table.uncached_prefixes,
    )
    app = BodyLimitMiddleware(
        app,
        max_body_bytes=options.max_body_bytes,
        read_timeout=options.request_timeout,
        routes=options.routes,
    )
    if options.rate_limit_per_minute > 0:
        app = RateLimitMiddleware(app, per_minute=options.rate_limit_per_minute)
    addresses = ClientAddresses(options.trusted_proxies)
    if addresses.trusted:
        app = ClientAddressMiddleware(app, addresses=addresses)
    if options.observe is not None:
        app = options.observe(app)
    return ErrorShapeMiddleware(app)


def find_layer(app: Any, kind: type[T]) -> T | None:
    """The edge layer of type ``kind`` in a built stack (for metrics and tests), or None."""
    while app is not None:
        if isinstance(app, kind):
            return app
        app = getattr(app, "app", None)
    return None
