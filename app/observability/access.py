"""Per-request observation: the request metrics, and one access log line per (sampled) request.

The line holds the method, route template, path (no query string), status, duration, bytes, cache hit or
miss and request id: never a header, so no token, ``Authorization`` or cookie can reach the log."""

import logging
import random
import time

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.observability import metrics
from app.observability.routes import RouteTemplates

log = logging.getLogger("salary_api.access")


class AccessMiddleware:
    """Times each request, counts it by route template and status, and writes its access log line."""

    def __init__(self, app: ASGIApp, *, routes: RouteTemplates, sample: float) -> None:
        self.app = app
        self.routes = routes
        self.sample = sample

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 0
        size = 0

        async def observed_send(message: Message) -> None:
            nonlocal status, size
            if message["type"] == "http.response.start":
                status = message["status"]
            elif message["type"] == "http.response.body":
                size += len(message.get("body", b""))
            await send(message)

        try:
            await self.app(scope, receive, observed_send)
        finally:
            seconds = time.perf_counter() - started
            # No answer started: the server will send a 500 (or the client went away).
            status = status or 500
            route = self.routes.template(scope["path"])
            metrics.record_request(scope["method"], route, status, seconds)
            if log.isEnabledFor(logging.INFO) and (
                status >= 500 or self.sample >= 1.0 or random.random() < self.sample
            ):
                log.info(
                    "%s %s %d",
                    scope["method"],
                    route,
                    status,
                    extra={
                        "fields": {
                            "event": "request",
                            "method": scope["method"],
                            "route": route,
                            "path": scope["path"][:200],
                            "status": status,
                            "duration_ms": round(seconds * 1000, 3),
                            "bytes": size,
                            "cache": scope.get(metrics.CACHE_KEY),
                        }
                    },
                )
