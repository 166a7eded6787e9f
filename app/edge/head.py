"""HEAD on every GET route (RFC 9110 §9.3.2): the GET's status and headers, no body.

FastAPI's routes name GET alone, so a HEAD reaching them would be a 405; below the response cache (which
answers HEAD for what it holds) the request goes on as a GET and its body is dropped. The scope keeps
``HEAD_KEY`` so a route streaming a file can skip reading it."""

from starlette.types import ASGIApp, Message, Receive, Scope, Send

HEAD_KEY = "salary_api.head"


def is_head(scope: Scope) -> bool:
    """Whether the request is a HEAD answered as a GET (the body will not be sent)."""
    return bool(scope.get(HEAD_KEY))


class HeadMiddleware:
    """Answers HEAD as the GET of the same target, without its body."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "HEAD":
            await self.app(scope, receive, send)
            return

        async def headers_only(message: Message) -> None:
            if message["type"] == "http.response.body" and message.get("body"):
                message = {**message, "body": b""}
            await send(message)

        # A new scope: the server's own still says HEAD, so it writes no body and keeps Content-Length.
        await self.app({**scope, "method": "GET", HEAD_KEY: True}, receive, headers_only)
