"""The outermost layer: whatever fails below it (an edge layer, a fast path) answers in the error shape."""

import logging

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.edge.common import send_error
from app.observability.requestid import request_id_header

log = logging.getLogger("salary_api")


class ErrorShapeMiddleware:
    """Turns an exception escaping the layers below into a logged 500 in the error shape."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def tracking_send(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, receive, tracking_send)
        except Exception:
            log.exception("unhandled error in %s %s", scope.get("method"), scope.get("path"))
            if started:
                raise
            await send_error(
                send, 500, "internal_error", "Internal error; it has been logged.", extra=request_id_header()
            )
