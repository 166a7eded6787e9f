"""Security headers on every answer produced below the cache (cached entries keep them)."""

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.edge.common import NOSNIFF

HTML_CSP = (
    "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; "
    "script-src 'self' 'unsafe-inline'; connect-src 'self'; base-uri 'none'; form-action 'self'; "
    "frame-ancestors *"
)


def security_headers(headers: list[tuple[bytes, bytes]]) -> list[tuple[bytes, bytes]]:
    """The headers to add: nosniff always, a CSP for HTML that does not set its own."""
    existing = {k for k, _ in headers}
    out = []
    if b"x-content-type-options" not in existing:
        out.append(NOSNIFF)
    content_type = next((v for k, v in headers if k == b"content-type"), b"")
    if content_type.startswith(b"text/html") and b"content-security-policy" not in existing:
        out.append((b"content-security-policy", HTML_CSP.encode()))
    return out


class SecurityHeadersMiddleware:
    """Adds ``X-Content-Type-Options`` and, to HTML, a Content-Security-Policy."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                message["headers"] = headers + security_headers(headers)
            await send(message)

        await self.app(scope, receive, send_with_headers)
