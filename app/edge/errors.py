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
        # No wrapper around send to learn whether the answer started (it would cost every request a call
        # per message): the server refuses a second start, which says the answer was already under way.
        try:
            await self.app(scope, receive, send)
        except Exception:
            if scope["type"] != "http":
                raise  # a lifespan failure is the server's to report; it has no answer to shape
            try:
                await send_error(
                    send,
                    500,
                    "internal_error",
                    "Internal error; it has been logged.",
                    extra=request_id_header(),
                )
            except Exception:  # noqa: BLE001
                # The answer had started below: FastAPI's handler logged the error and answered it (or the
                # server closes the unfinished answer). Logging it again would only repeat the traceback.
                return
            log.exception("unhandled error in %s %s", scope.get("method"), scope.get("path"))
