"""The outermost layer: whatever fails below it (an edge layer, a fast path) answers in the error shape."""

import logging

from starlette.types import ASGIApp, Receive, Scope, Send

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
        # No wrapper around send to learn whether the answer started (it would cost every request a call
        # per message): a second start is refused by the server, and then the original error goes on up.
        try:
            await self.app(scope, receive, send)
        except Exception:
            log.exception("unhandled error in %s %s", scope.get("method"), scope.get("path"))
            try:
                await send_error(
                    send,
                    500,
                    "internal_error",
                    "Internal error; it has been logged.",
                    extra=request_id_header(),
                )
            except Exception:  # noqa: BLE001
                pass  # the answer had started, so the server refused a second one: the original goes on up
            else:
                return
            raise
