"""Bounds on one request: how long producing its answer may take, and how large its body may be."""

import asyncio

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.edge.common import header, send_error
from app.errors import RETRY_AFTER_SECONDS

BODYLESS_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


class TimeoutMiddleware:
    """503 when no answer has started within the path's time limit; a started body streams at the
    client's pace (an export), so the limit stops at the first byte."""

    def __init__(
        self, app: ASGIApp, *, timeout: float, path_timeouts: dict[str, float] | None = None
    ) -> None:
        self.app = app
        self.timeout = timeout
        self.path_timeouts = path_timeouts or {}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False
        deadline = asyncio.timeout(self.path_timeouts.get(scope["path"], self.timeout))

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


class BodyLimitMiddleware:
    """Reads a request body up to the limit before the application sees it: 413 for a larger one, whether
    its length is declared or it arrives chunked; the application then gets the body in one message."""

    def __init__(self, app: ASGIApp, *, max_body_bytes: int) -> None:
        self.app = app
        self.max_body_bytes = max_body_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] in BODYLESS_METHODS:
            await self.app(scope, receive, send)
            return
        declared = header(scope, b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > self.max_body_bytes:
            await self._too_large(send)
            return
        chunks: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] != "http.request":
                return  # the client went away before sending its body
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self.max_body_bytes:
                await self._too_large(send)
                return
            chunks.append(chunk)
            if not message.get("more_body", False):
                break
        replayed = False

        async def replay() -> Message:
            nonlocal replayed
            if not replayed:
                replayed = True
                return {"type": "http.request", "body": b"".join(chunks), "more_body": False}
            return await receive()

        await self.app(scope, replay, send)

    async def _too_large(self, send: Send) -> None:
        await send_error(
            send,
            413,
            "payload_too_large",
            f"Request body too large; the limit is {self.max_body_bytes} bytes.",
            extra=[(b"connection", b"close")],
        )
