"""Pure-ASGI edge in front of the router: body-size cap, per-client rate limit, request timeout, the
response cache with strong ETags and 304s, caching and security headers.

Cached GETs never reach FastAPI's routing and validation, which alone would hold a handler to about a third
of what this machine can serve. The cache key is the method, the canonical URL (sorted query), the
representation (JSON or CSV) and the data version, so a new release empties it by construction.
"""

from __future__ import annotations

import asyncio
import hashlib
import math
import time
from collections import OrderedDict
from collections.abc import Callable
from typing import Any

import orjson
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.errors import error_body
from app.observability import metrics

UNCACHED_PATHS = frozenset(
    {"/healthz", "/readyz", "/export", "/openapi.json", "/docs", "/redoc", "/docs/oauth2-redirect"}
)
MAX_CACHED_BODY = 2_000_000
SEEN_ONCE_MAX = 200_000
STALE_HEADER = (b"x-data-stale", b"database unreachable; serving the last loaded data")
NOSNIFF = (b"x-content-type-options", b"nosniff")
HTML_CSP = (
    "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; "
    "script-src 'self' 'unsafe-inline'; connect-src 'self'; base-uri 'none'; form-action 'self'; "
    "frame-ancestors *"
)


def canonical_query(query_string: bytes) -> str:
    """Query parameters sorted by name (stable within a name): the cache and ETag key.

    Raw segments are sorted, not decoded and re-encoded (a fraction of the cost); two spellings of one
    value simply get two keys."""
    segments = [seg for seg in query_string.split(b"&") if seg]
    segments.sort(key=lambda seg: seg.partition(b"=")[0])
    return b"&".join(segments).decode("latin-1")


def wants_csv_header(scope: Scope) -> bool:
    for name, value in scope["headers"]:
        if name == b"accept":
            return b"text/csv" in value
    return False


def header(scope: Scope, wanted: bytes) -> bytes | None:
    for name, value in scope["headers"]:
        if name == wanted:
            return value
    return None


class CachedResponse:
    """A response ready to send: both header lists are built once, when the entry is filled."""

    __slots__ = ("headers", "headers_304", "body", "etag", "size")

    def __init__(self, headers: list[tuple[bytes, bytes]], body: bytes, etag: bytes) -> None:
        self.etag = etag
        self.body = body
        self.headers = headers + [(b"content-length", str(len(body)).encode())]
        keep = (
            b"etag",
            b"cache-control",
            b"vary",
            b"x-data-version",
            b"access-control-allow-origin",
            b"access-control-expose-headers",
        )
        self.headers_304 = [(k, v) for k, v in headers if k in keep]
        self.size = len(body) + 1024


# Cached answers are public data: every origin may read them (preflights still go through CORSMiddleware).
EXPOSED_HEADERS = ("ETag", "X-Data-Version", "X-Data-Stale", "Content-Disposition", "Retry-After")
CORS_HEADERS = [
    (b"access-control-allow-origin", b"*"),
    (b"access-control-expose-headers", ", ".join(EXPOSED_HEADERS).encode()),
]


class TokenBuckets:
    """Per-client token buckets; a bounded dict so a flood of addresses cannot grow it without limit."""

    def __init__(self, per_minute: int, max_clients: int = 100_000) -> None:
        self.rate = per_minute / 60.0
        self.capacity = float(max(per_minute // 6, 1))  # a burst of ten seconds' worth
        self.max_clients = max_clients
        self.buckets: OrderedDict[str, tuple[float, float]] = OrderedDict()

    def take(self, client: str, now: float) -> float:
        """0 when allowed, else the seconds until a token is available."""
        tokens, last = self.buckets.pop(client, (self.capacity, now))
        tokens = min(self.capacity, tokens + (now - last) * self.rate)
        if tokens >= 1:
            self.buckets[client] = (tokens - 1, now)
            wait = 0.0
        else:
            self.buckets[client] = (tokens, now)
            wait = (1 - tokens) / self.rate
        if len(self.buckets) > self.max_clients:
            self.buckets.popitem(last=False)
        return wait


class EdgeMiddleware:
    def __init__(
        self,
        app: ASGIApp,
        *,
        store: Any,
        max_age: int,
        stale_while_revalidate: int,
        max_body_bytes: int,
        rate_limit_per_minute: int,
        request_timeout: float,
        path_timeouts: dict[str, float] | None = None,
        max_cache_bytes: int = 64 * 1024 * 1024,
        fast_routes: dict[str, Callable[[Any, bytes], bytes | None]] | None = None,
    ) -> None:
        self.app = app
        self.store = store
        self.cache_control = (
            f"public, max-age={max_age}, stale-while-revalidate={stale_while_revalidate}".encode()
        )
        self.max_body_bytes = max_body_bytes
        self.buckets = TokenBuckets(rate_limit_per_minute) if rate_limit_per_minute > 0 else None
        self.request_timeout = request_timeout
        self.path_timeouts = path_timeouts or {}
        self.max_cache_bytes = max_cache_bytes
        self.cache_bytes = 0
        self.cache: OrderedDict[tuple, CachedResponse] = OrderedDict()
        self.inflight: dict[tuple, asyncio.Future[CachedResponse | None]] = {}
        self.seen_once: OrderedDict[int, None] = OrderedDict()
        # path -> (snapshot, raw query) -> JSON body, or None to defer to the full application.
        self.fast_routes = fast_routes or {}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        if self.buckets is not None:
            client = scope.get("client")
            wait = self.buckets.take(client[0] if client else "-", time.monotonic())
            if wait > 0:
                metrics.rate_limited()
                retry = str(max(1, math.ceil(wait)))
                await self._error(
                    send,
                    429,
                    "rate_limited",
                    f"Too many requests from this client; retry after {retry} s.",
                    extra=[(b"retry-after", retry.encode())],
                )
                return
        method = scope["method"]
        if method in ("GET", "HEAD") and scope["path"] not in UNCACHED_PATHS:
            await self._cached_get(scope, receive, send)
            return
        await self._guarded(scope, self._limit_body(scope, receive), send)

    # ------------------------------------------------------------------ requests with bodies
    def _limit_body(self, scope: Scope, receive: Receive) -> Receive:
        limit = self.max_body_bytes
        declared = header(scope, b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > limit:
            scope["state"] = {**scope.get("state", {}), "body_too_large": True}
        seen = 0

        async def limited() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > limit:
                    raise BodyTooLarge
            return message

        return limited

    async def _guarded(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope.get("state", {}).get("body_too_large"):
            await self._error(send, 413, "payload_too_large", self._too_large_message())
            return
        started = False
        deadline = asyncio.timeout(self.path_timeouts.get(scope["path"], self.request_timeout))

        async def tracking_send(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
                # The limit is on producing an answer; a large body (an export) streams at the client's pace.
                deadline.reschedule(None)
                message["headers"] = list(message.get("headers", [])) + self._security_headers(message)
            await send(message)

        try:
            async with deadline:
                await self.app(scope, receive, tracking_send)
        except BodyTooLarge:
            if not started:
                await self._error(send, 413, "payload_too_large", self._too_large_message())
        except TimeoutError:
            if not started:
                await self._error(
                    send, 503, "timeout", "The request took too long and was stopped; retry later."
                )

    def _too_large_message(self) -> str:
        return f"Request body too large; the limit is {self.max_body_bytes} bytes."

    # ------------------------------------------------------------------ cached GETs
    async def _cached_get(self, scope: Scope, receive: Receive, send: Send) -> None:
        snapshot = self.store.snapshot
        if snapshot is None:
            await self._guarded(scope, receive, send)
            return
        csv_variant = wants_csv_header(scope)
        # Looked up by the raw query first; canonicalised (sorted) only on a miss.
        raw_key = (scope["path"], scope["query_string"], csv_variant, snapshot.version)
        entry = self.cache.get(raw_key)
        if entry is None:
            query = canonical_query(scope["query_string"])
            key = (scope["path"], query, csv_variant, snapshot.version)
            entry = self.cache.get(key)
            if entry is None:
                metrics.cache_miss(scope)
                entry = await self._fill_once(scope, receive, send, key, query, csv_variant)
                if entry is None:
                    return
            else:
                metrics.cache_hit(scope)
            if raw_key != key and key in self.cache:  # this spelling too, once the query is worth keeping
                self._remember(raw_key, entry)
        else:
            self.cache.move_to_end(raw_key)
            metrics.cache_hit(scope)
        await self._send_cached(scope, send, entry)

    async def _fill_once(
        self, scope: Scope, receive: Receive, send: Send, key: tuple, query: str, csv_variant: bool
    ) -> CachedResponse | None:
        """Fill an entry, or wait for the request already filling it: a burst of identical misses (say
        512 connections after a new release) costs one computation, not 512."""
        pending = self.inflight.get(key)
        if pending is not None:
            entry = await asyncio.shield(pending)
            if entry is not None:
                return entry
            return await self._fill(scope, receive, send, key, query, csv_variant)
        future: asyncio.Future[CachedResponse | None] = asyncio.get_running_loop().create_future()
        self.inflight[key] = future
        entry = None
        try:
            entry = await self._fill(scope, receive, send, key, query, csv_variant)
        finally:
            del self.inflight[key]
            future.set_result(entry)
        return entry

    def _remember(self, key: tuple, entry: CachedResponse) -> None:
        if entry.size > MAX_CACHED_BODY or key in self.cache:
            return
        # Admit a key on its second sighting: a stream of one-off queries (every /estimate different)
        # must not evict the entries that are asked for again and again.
        digest = hash(key)
        if digest not in self.seen_once:
            self.seen_once[digest] = None
            if len(self.seen_once) > SEEN_ONCE_MAX:
                self.seen_once.popitem(last=False)
            return
        del self.seen_once[digest]
        self.cache[key] = entry
        self.cache_bytes += entry.size
        metrics.cache_admitted(self.cache_bytes)
        while self.cache_bytes > self.max_cache_bytes and self.cache:
            _, evicted = self.cache.popitem(last=False)
            self.cache_bytes -= evicted.size
            metrics.cache_evicted(self.cache_bytes)

    async def _fill(
        self, scope: Scope, receive: Receive, send: Send, key: tuple, query: str, csv_variant: bool
    ) -> CachedResponse | None:
        status = 0
        headers: list[tuple[bytes, bytes]] = []
        chunks: list[bytes] = []
        passthrough = False

        async def capture(message: Message) -> None:
            nonlocal status, headers, passthrough
            if message["type"] == "http.response.start":
                status = message["status"]
                headers = list(message.get("headers", []))
                if status != 200:
                    passthrough = True
                    message["headers"] = headers + self._security_headers(message)
                    await send(message)
            elif message["type"] == "http.response.body":
                if passthrough:
                    await send(message)
                else:
                    chunks.append(message.get("body", b""))

        fast = self.fast_routes.get(scope["path"])
        body_fast = fast(self.store.snapshot, scope["query_string"]) if fast and not csv_variant else None
        if body_fast is None:
            await self._guarded({**scope, "method": "GET"}, receive, capture)
            if passthrough or status == 0:
                return None
        tag = hashlib.blake2b(
            f"{key[3]}|{scope['path']}?{query}|{'csv' if csv_variant else 'json'}".encode(), digest_size=16
        ).hexdigest()
        etag = f'"{tag}"'.encode()
        cache_headers = [
            (b"etag", etag),
            (b"cache-control", self.cache_control),
            (b"vary", b"Accept"),
            (b"x-data-version", str(key[3]).encode()),
            *CORS_HEADERS,
        ]
        if body_fast is not None:
            body = body_fast
            headers = [(b"content-type", b"application/json"), *cache_headers, NOSNIFF]
        else:
            body = b"".join(chunks)
            dropped = (b"content-length", b"vary")
            headers = [
                (k, v) for k, v in headers if k not in dropped and not k.startswith(b"access-control-")
            ]
            headers += cache_headers
            headers += self._security_headers({"headers": headers})
        entry = CachedResponse(headers, body, etag)
        self._remember(key, entry)
        return entry

    async def _send_cached(self, scope: Scope, send: Send, entry: CachedResponse) -> None:
        stale = [] if self.store.database_ok else [STALE_HEADER]
        inm = header(scope, b"if-none-match")
        if inm is not None and (inm.strip() == b"*" or entry.etag in [t.strip() for t in inm.split(b",")]):
            await send({"type": "http.response.start", "status": 304, "headers": entry.headers_304 + stale})
            await send({"type": "http.response.body", "body": b""})
            return
        headers = entry.headers + stale if stale else entry.headers
        await send({"type": "http.response.start", "status": 200, "headers": headers})
        await send({"type": "http.response.body", "body": b"" if scope["method"] == "HEAD" else entry.body})

    # ------------------------------------------------------------------ helpers
    @staticmethod
    def _security_headers(message: Message) -> list[tuple[bytes, bytes]]:
        existing = {k for k, _ in message.get("headers", [])}
        out = []
        if b"x-content-type-options" not in existing:
            out.append(NOSNIFF)
        content_type = next((v for k, v in message.get("headers", []) if k == b"content-type"), b"")
        if content_type.startswith(b"text/html") and b"content-security-policy" not in existing:
            out.append((b"content-security-policy", HTML_CSP.encode()))
        return out

    async def _error(
        self,
        send: Send,
        status: int,
        error_type: str,
        message: str,
        extra: list[tuple[bytes, bytes]] | None = None,
    ) -> None:
        body = orjson.dumps(error_body(status, error_type, message))
        await send(
            {
                "type": "http.response.start",
                "status": status,
                "headers": [
                    (b"content-type", b"application/json"),
                    (b"content-length", str(len(body)).encode()),
                    (b"x-content-type-options", b"nosniff"),
                    *CORS_HEADERS,
                    *(extra or []),
                ],
            }
        )
        await send({"type": "http.response.body", "body": body})


class BodyTooLarge(Exception):
    """Raised from receive() when a body grows past the cap."""
