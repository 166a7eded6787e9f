"""Bounds on one request: how long producing its answer may take, and what body it may send."""

import asyncio
from collections.abc import Iterable
from typing import Any

from fastapi.routing import APIRoute, iter_route_contexts
from starlette.routing import Match
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.edge.common import send_error
from app.errors import RETRY_AFTER_SECONDS
from app.observability.disconnect import CLIENT_GONE
from app.wire import HEAD_REFUSAL

# Methods whose body has no meaning (RFC 9110 §9.3): a body sent with them is ignored, never read.
BODYLESS_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "DELETE", "TRACE"})
CONNECTION_CLOSE = (b"connection", b"close")


class TimeoutMiddleware:
    """503 when no answer has started within the time limit of the request's method and path; a started
    body streams at the client's pace (an export), so the limit stops at the first byte. HEAD has GET's."""

    def __init__(
        self, app: ASGIApp, *, timeout: float, path_timeouts: dict[tuple[str, str], float] | None = None
    ) -> None:
        self.app = app
        self.timeout = timeout
        self.path_timeouts = path_timeouts or {}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False
        method = "GET" if scope["method"] == "HEAD" else scope["method"]
        deadline = asyncio.timeout(self.path_timeouts.get((method, scope["path"]), self.timeout))

        async def tracking_send(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
                deadline.reschedule(None)
            await send(message)

        try:
            async with deadline:
                await self.app(scope, receive, tracking_send)
        except TimeoutError:
            if started:
                raise
            retry = (b"retry-after", str(RETRY_AFTER_SECONDS).encode())
            await send_error(
                send, 503, "timeout", "The request took too long and was stopped; retry later.", [retry]
            )


class BodyRoutes:
    """The routes that read a request body, to tell whether a request's method and path reach one."""

    def __init__(self, routes: Iterable[Any]) -> None:
        self.routes = [
            context
            for context in iter_route_contexts(list(routes))
            if isinstance(context.original_route, APIRoute) and context.original_route.body_field is not None
        ]

    def takes_body(self, scope: Scope) -> bool:
        """Whether a route reading a body answers this method and path."""
        return any(route.matches(scope)[0] is Match.FULL for route in self.routes)


def _coding_refused(headers: Iterable[tuple[bytes, bytes]], codings: bytes) -> tuple[Any, ...] | None:
    """``send_error``'s arguments refusing a body wrapped in a coding nothing here undoes, or None: a
    transfer coding but chunked (RFC 9112 6.1: 501), a content coding but identity (RFC 9110 15.5.16: 415,
    saying in Accept-Encoding that only the body as is would do). Without them a gzipped body would reach the
    route as bytes it cannot read."""
    unknown = [c for c in codings.lower().replace(b" ", b"").split(b",") if c not in (b"", b"chunked")]
    if unknown:
        shown = b", ".join(unknown)[:60].decode("latin-1")
        message = (
            f"Transfer-Encoding {shown!r} is not decoded here: send the body chunked alone, or with "
            "Content-Length."
        )
        return 501, "http_error", message, [CONNECTION_CLOSE]
    content = [v for n, v in headers if n == b"content-encoding"]
    coding = b", ".join(content).strip()
    if content and coding.lower() not in (b"", b"identity"):
        shown = coding[:60].decode("latin-1")
        message = (
            f"Content-Encoding {shown!r} is not decoded here: send the JSON uncompressed, without "
            "Content-Encoding."
        )
        return 415, "unsupported_media_type", message, [CONNECTION_CLOSE, (b"accept-encoding", b"identity")]
    return None


def close_after(send: Send) -> Send:
    """``send``, with ``Connection: close`` on the answer: the body left unread is never waited for."""

    async def closing_send(message: Message) -> None:
        if message["type"] == "http.response.start":
            message = {**message, "headers": [*message.get("headers", ()), CONNECTION_CLOSE]}
        await send(message)

    return closing_send


class BodyLimitMiddleware:
    """What a request may send, decided from its head before anything waits for its body.

    A head the server does not take (app.wire.HEAD_REFUSAL: no Host, several, one naming no host, HTTP/2.0):
    its refusal, in the error shape.

    No body: passed on. A declared length over the limit: 413 at once, whatever the method. A body where no
    route reads one (any body on GET, a POST to a GET-only path): never read; the answer (a GET's, a 405)
    goes out at once, and the connection closes after it unless the body was declared small enough to be
    skipped. A body a route reads: refused if a transfer coding other than chunked wraps it (501), else read
    here up to the limit (413 past it, declared or chunked) within the time limit (408), then handed to the
    application in one message."""

    def __init__(
        self, app: ASGIApp, *, max_body_bytes: int, read_timeout: float, routes: Iterable[Any] = ()
    ) -> None:
        self.app = app
        self.max_body_bytes = max_body_bytes
        self.read_timeout = read_timeout
        self.body_routes = BodyRoutes(routes)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        refusal = scope.get(HEAD_REFUSAL)
        if refusal is not None:
            status, message = refusal
            await send_error(send, status, "http_error", message)
            return
        declared: bytes | None = None
        codings = b""
        for name, value in scope["headers"]:
            if name == b"content-length":
                declared = value
            elif name == b"transfer-encoding":
                codings += b"," + value
        chunked = bool(codings)
        if declared is None and not chunked:
            await self.app(scope, receive, send)  # no body: the common case
            return
        size = int(declared) if declared is not None and declared.isdigit() else 0
        if size > self.max_body_bytes:
            await self._too_large(send)
            return
        if not chunked and size == 0:
            await self.app(scope, receive, send)
            return
        if scope["method"] in BODYLESS_METHODS or not self.body_routes.takes_body(scope):
            # Never read: a small declared body is skipped by the server, anything else ends the connection.
            skipped = not chunked and scope["method"] in BODYLESS_METHODS
            await self.app(scope, receive, send if skipped else close_after(send))
            return
        refused = _coding_refused(scope["headers"], codings)
        if refused is not None:
            await send_error(send, *refused)
            return
        try:
            async with asyncio.timeout(self.read_timeout):
                body = await self._read(receive)
        except TimeoutError:
            seconds = f"{self.read_timeout:g}"
            await send_error(
                send,
                408,
                "request_timeout",
                f"The request body was not received within {seconds} s.",
                extra=[CONNECTION_CLOSE],
            )
            return
        if body is None:
            await self._too_large(send)
            return
        if body is False:
            scope[CLIENT_GONE] = True
            return  # the client went away before sending its body
        replayed = False

        async def replay() -> Message:
            nonlocal replayed
            if not replayed:
                replayed = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()

        await self.app(scope, replay, send)

    async def _read(self, receive: Receive) -> bytes | None | bool:
        """The whole body; None past the limit; False when the client disconnected."""
        chunks: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] != "http.request":
                return False
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self.max_body_bytes:
                return None
            chunks.append(chunk)
            if not message.get("more_body", False):
                return b"".join(chunks)

    async def _too_large(self, send: Send) -> None:
        await send_error(
            send,
            413,
            "payload_too_large",
            f"Request body too large; the limit is {self.max_body_bytes} bytes.",
            extra=[CONNECTION_CLOSE],
        )
