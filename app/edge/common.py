"""What the edge layers share: header lookup, the CORS and security header values, and the error answer."""

import orjson
from starlette.types import Scope, Send

from app.errors import error_body

# Cached answers are public data: every origin may read them (preflights still go through CORSMiddleware).
EXPOSED_HEADERS = (
    "ETag",
    "X-Data-Version",
    "X-Data-Stale",
    "Content-Disposition",
    "Retry-After",
    "X-Request-ID",
)
CORS_HEADERS = [
    (b"access-control-allow-origin", b"*"),
    (b"access-control-expose-headers", ", ".join(EXPOSED_HEADERS).encode()),
]
NOSNIFF = (b"x-content-type-options", b"nosniff")


def header(scope: Scope, wanted: bytes) -> bytes | None:
    """The first value of a request header (names are lower-case in ASGI)."""
    for name, value in scope["headers"]:
        if name == wanted:
            return value
    return None


async def send_error(
    send: Send,
    status: int,
    error_type: str,
    message: str,
    extra: list[tuple[bytes, bytes]] | None = None,
) -> None:
    """Answer in the one error shape, readable cross-origin, from any edge layer."""
    body = orjson.dumps(error_body(status, error_type, message))
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(body)).encode()),
                NOSNIFF,
                *CORS_HEADERS,
                *(extra or []),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})
