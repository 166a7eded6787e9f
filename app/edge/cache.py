"""The response cache: strong ETags, 304s, one computation per burst of identical misses, fast routes.

Cached GETs never reach FastAPI's routing and validation, which alone would hold a handler to about a third
of what this machine can serve. The key is the path, the canonical query (app.edge.canonical: every
spelling of one question is one query, and the application reads that form), the negotiated representation
(app.negotiation, the function the routes use) and the data version, so a new release empties it by
construction. The ETag hashes the bytes sent and their media type (app.edge.etag), so the same answer has
the same tag however it was asked for, and JSON and CSV never share one.

Entries are admitted on their second sighting. While the cache has room, any client may fill it (a job board
whose server asks a thousand profiles from one address keeps them all); once it is full, room is made first
from the largest holder over its share (a tenth), oldest entry first, so a client cycling through spellings
or one-off questions evicts its own entries, never those of a client within its share.
"""

from __future__ import annotations

import asyncio
import sys
from collections import OrderedDict
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.edge.canonical import CanonicalQueries
from app.edge.clients import client_key
from app.edge.common import CORS_HEADERS, NOSNIFF, header, send_error
from app.edge.doorkeeper import Doorkeeper
from app.edge.etag import (
    PRECONDITION_FAILED,
    PRECONDITIONS,
    match_fails,
    none_match_fails,
    not_modified_headers,
    preconditions,
    strong_etag,
)
from app.negotiation import MEDIA_TYPES, Representation, negotiate
from app.observability import metrics
from app.route_facts import FastRoute
from app.wire import EncodedHead, HeadEncoder, Headers, head_encoder, response_start

MAX_CACHED_BODY = 2_000_000
CLIENT_SHARE = 0.10  # of the cache's bytes, the most one client's admissions may hold
# What an entry holds beyond its body, measured with tracemalloc over 3,000 /estimate entries: the key,
# both header lists, the etag, and the cache's, owner's and client's index entries.
ENTRY_OVERHEAD = 2048
STALE_HEADER = (b"x-data-stale", b"database unreachable; serving the last loaded data")
JSON_MEDIA = MEDIA_TYPES[Representation.json].encode()
# The answer depends on Accept (JSON or CSV), so shared caches must key on it too.
VARY = (b"vary", b"Accept")


def representation(scope: Scope) -> Representation:
    """What the Accept header negotiates (``format=`` is part of the query, hence of the key already)."""
    accept = header(scope, b"accept")
    return negotiate(None, accept.decode("latin-1") if accept is not None else None)


class CachedResponse:
    """A response ready to send: its headers are built, and encoded if the server offers to take them
    encoded (app.wire), once, when the entry is made; those of its 304 when it is admitted or first asked."""

    __slots__ = ("headers", "headers_304", "body", "etag", "size", "encoded", "encoded_304")

    def __init__(
        self, headers: list[tuple[bytes, bytes]], body: bytes, etag: bytes, encode: HeadEncoder | None
    ) -> None:
        self.etag = etag
        self.body = body
        self.headers = headers + [(b"content-length", str(len(body)).encode())]
        self.size = len(body) + ENTRY_OVERHEAD
        self.encoded = None if encode is None else encode(self.headers)
        self.headers_304: list[tuple[bytes, bytes]] | None = None
        self.encoded_304: EncodedHead | None = None

    def not_modified(self, encode: HeadEncoder | None) -> tuple[Headers, EncodedHead | None]:
        """The headers of this answer's 304, and their encoding (both made on first use)."""
        if self.headers_304 is None:
            self.headers_304 = not_modified_headers(self.headers)
            self.encoded_304 = None if encode is None else encode(self.headers_304)
        return self.headers_304, self.encoded_304

    def admitted(self, encode: HeadEncoder | None) -> None:
        """Made ready for every later request: its 304 made, the encodings counted in its size, its body
        compacted."""
        self.not_modified(encode)
        for encoded in (self.encoded, self.encoded_304):
            if encoded is not None:
                self.size += sys.getsizeof(encoded) + sys.getsizeof(encoded.wire)
        self.compact()

    def compact(self) -> None:
        """Hold the body in an exact-size copy: orjson's output keeps the capacity it grew to (a 7.6 kB
        answer holds 32 kB), so a cache of such bodies would hold several times what it counts."""
        self.body = bytes(memoryview(self.body))


class ResponseCacheMiddleware:
    """Serves repeated GETs from memory with strong ETags; fills misses once from the layers below."""

    def __init__(
        self,
        app: ASGIApp,
        *,
        store: Any,
        max_age: int,
        stale_while_revalidate: int,
        max_cache_bytes: int = 64 * 1024 * 1024,
        fast_routes: dict[str, FastRoute] | None = None,
        canonical: CanonicalQueries | None = None,
        uncached_paths: frozenset[str] = frozenset(),
        uncached_prefixes: tuple[str, ...] = (),
    ) -> None:
        self.app = app
        # What routes declared (app.route_facts): their paths, and mounted files' prefixes, pass through.
        self.uncached_paths = uncached_paths
        self.uncached_prefixes = uncached_prefixes
        self.store = store
        self.cache_control = (
            f"public, max-age={max_age}, stale-while-revalidate={stale_while_revalidate}".encode()
        )
        self.max_cache_bytes = max_cache_bytes
        self.cache_bytes = 0
        self.cache: OrderedDict[tuple, CachedResponse] = OrderedDict()
        self.inflight: dict[tuple, asyncio.Future[CachedResponse | None]] = {}
        self.seen_lately = Doorkeeper()
        # Who admitted each entry, and each client's entries (oldest first) and bytes.
        self.client_share = max(int(max_cache_bytes * CLIENT_SHARE), 1)
        self.owners: dict[tuple, str] = {}
        self.client_entries: dict[str, OrderedDict[tuple, None]] = {}
        self.client_bytes: dict[str, int] = {}
        # The clients holding more than their share: where a full cache makes room first.
        self.over_share: dict[str, None] = {}
        self.canonical = canonical or CanonicalQueries()
        # path -> (snapshot, raw query) -> JSON body, or None to defer to the full application.
        self.fast_routes = fast_routes or {}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if (
            scope["type"] != "http"
            or scope["method"] not in ("GET", "HEAD")
            or scope["path"] in self.uncached_paths
            or scope["path"].startswith(self.uncached_prefixes)
            or self.store.snapshot is None
        ):
            await self.app(scope, receive, send)
            return
        version = self.store.snapshot.version
        variant = representation(scope)
        key = (scope["path"], self.canonical(scope["path"], scope["query_string"]), variant, version)
        entry = self.cache.get(key)
        if entry is None:
            metrics.cache_miss(scope)
            # A fast route answers without awaiting, so no identical miss can start meanwhile.
            entry = self._fill_fast(scope, key)
            if entry is None:
                entry = await self._fill_once(scope, receive, send, key)
            if entry is None:
                return
        else:
            self.cache.move_to_end(key)
            metrics.cache_hit(scope)
        await self._send_cached(scope, send, entry)

    async def _fill_once(
        self, scope: Scope, receive: Receive, send: Send, key: tuple
    ) -> CachedResponse | None:
        """Fill an entry, or wait for the request already filling it: a burst of identical misses (say
        512 connections after a new release) costs one computation, not 512."""
        pending = self.inflight.get(key)
        if pending is not None:
            entry = await asyncio.shield(pending)
            if entry is not None:
                return entry
            return await self._fill(scope, receive, send, key)
        future: asyncio.Future[CachedResponse | None] = asyncio.get_running_loop().create_future()
        self.inflight[key] = future
        entry = None
        try:
            entry = await self._fill(scope, receive, send, key)
        finally:
            del self.inflight[key]
            future.set_result(entry)
        return entry

    def _remember(self, key: tuple, entry: CachedResponse, scope: Scope) -> None:
        if entry.size > MAX_CACHED_BODY or key in self.cache:
            return
        # Admit a key on its second sighting: a stream of one-off queries (every /estimate different)
        # must not evict the entries that are asked for again and again.
        if not self.seen_lately.seen_before(hash(key)):
            return
        # The client is worked out only for an admission: a one-off query never needs it.
        peer = scope.get("client")
        client = client_key(peer[0]) if peer else "-"
        entry.admitted(head_encoder(scope))
        self.cache[key] = entry
        self.cache_bytes += entry.size
        self.owners[key] = client
        self.client_entries.setdefault(client, OrderedDict())[key] = None
        self.client_bytes[client] = self.client_bytes.get(client, 0) + entry.size
        if self.client_bytes[client] > self.client_share:
            self.over_share[client] = None
        metrics.cache_admitted(self.cache_bytes)
        while self.cache_bytes > self.max_cache_bytes and self.cache:
            self._evict(self._room_from(key))

    def _room_from(self, admitted: tuple) -> tuple:
        """The entry a full cache evicts: the oldest of the largest holder over its share, else the oldest of
        all; the entry just admitted only when nothing else is left."""
        if self.over_share:
            largest = max(self.over_share, key=self.client_bytes.__getitem__)
            for key in self.client_entries[largest]:
                if key != admitted:
                    return key
        return next((key for key in self.cache if key != admitted), admitted)

    def _evict(self, key: tuple) -> None:
        evicted = self.cache.pop(key)
        self.cache_bytes -= evicted.size
        owner = self.owners.pop(key)
        own = self.client_entries[owner]
        del own[key]
        self.client_bytes[owner] -= evicted.size
        if self.client_bytes[owner] <= self.client_share:
            self.over_share.pop(owner, None)
        if not own:
            del self.client_entries[owner]
            del self.client_bytes[owner]
        metrics.cache_evicted(self.cache_bytes)

    async def _fill(self, scope: Scope, receive: Receive, send: Send, key: tuple) -> CachedResponse | None:
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
                    await send(message)
            elif message["type"] == "http.response.body":
                if passthrough:
                    await send(message)
                else:
                    chunks.append(message.get("body", b""))

        # The application reads the canonical query; preconditions are the cache's to evaluate.
        request_headers = [h for h in scope["headers"] if h[0] not in PRECONDITIONS]
        _path, query, _variant, _version = key
        below = {**scope, "method": "GET", "query_string": query, "headers": request_headers}
        await self.app(below, receive, capture)
        if passthrough or status == 0:
            return None
        body = b"".join(chunks)
        media_type = next((v for k, v in headers if k == b"content-type"), b"")
        dropped = (b"content-length", b"vary")
        headers = [(k, v) for k, v in headers if k not in dropped and not k.startswith(b"access-control-")]
        return self._entry(key, headers, body, media_type, scope)

    def _fill_fast(self, scope: Scope, key: tuple) -> CachedResponse | None:
        """The entry a fast route answers, or None when the path has none or it defers to the application."""
        path, query, _variant, _version = key
        fast = self.fast_routes.get(path)
        body = fast(self.store.snapshot, query) if fast else None
        if body is None:
            return None
        return self._entry(key, [(b"content-type", JSON_MEDIA), NOSNIFF], body, JSON_MEDIA, scope)

    def _entry(
        self, key: tuple, headers: list[tuple[bytes, bytes]], body: bytes, media_type: bytes, scope: Scope
    ) -> CachedResponse:
        """An answer made into an entry (its ETag and the cache's headers added), remembered for admission."""
        _path, _query, _variant, version = key
        etag = strong_etag(body, media_type)
        headers += [
            (b"etag", etag),
            (b"cache-control", self.cache_control),
            VARY,
            (b"x-data-version", str(version).encode()),
            *CORS_HEADERS,
        ]
        entry = CachedResponse(headers, body, etag, head_encoder(scope))
        self._remember(key, entry, scope)
        return entry

    async def _send_cached(self, scope: Scope, send: Send, entry: CachedResponse) -> None:
        stale = [] if self.store.database_ok else [STALE_HEADER]
        if_match, if_none_match = preconditions(scope)
        if if_match is not None and match_fails(if_match, entry.etag):
            await send_error(send, 412, "precondition_failed", PRECONDITION_FAILED, stale)
            return
        if none_match_fails(if_none_match, entry.etag):
            headers_304, encoded_304 = entry.not_modified(head_encoder(scope))
            await send(response_start(304, headers_304 + stale, encoded_304))
            await send({"type": "http.response.body", "body": b""})
            return
        headers = entry.headers + stale if stale else entry.headers
        await send(response_start(200, headers, entry.encoded))
        await send({"type": "http.response.body", "body": b"" if scope["method"] == "HEAD" else entry.body})
