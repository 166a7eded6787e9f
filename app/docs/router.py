"""/docs (Swagger UI) and /redoc (ReDoc), served offline: the pages are ours, the viewers come from the
packaged copy in ``fastapi-offline``, and a strict CSP allows scripts from this service only."""

from importlib import resources
from pathlib import Path

import orjson
from fastapi import APIRouter
from fastapi.responses import HTMLResponse, Response
from starlette.staticfiles import StaticFiles
from starlette.types import Message, Receive, Scope, Send

from app.errors import error_body
from app.route_facts import route_facts

ASSETS_PATH = "/docs/assets"


class ViewerFiles(StaticFiles):
    """The viewers' files, whose refusals of a Range header (Starlette's text/plain 400 and empty 416) answer
    in the error shape, saying what was asked and what to send instead."""

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        asked = next((value for name, value in scope.get("headers", ()) if name == b"range"), None)
        if asked is None:
            await super().__call__(scope, receive, send)
            return
        refused = False

        async def shaped(message: Message) -> None:
            nonlocal refused
            if refused:
                return  # Starlette's own body of the refusal
            if message["type"] == "http.response.start" and message["status"] in (400, 416):
                refused = True
                await _refuse_range(send, message, asked.decode("latin-1")[:60])
                return
            await send(message)

        await super().__call__(scope, receive, shaped)


async def _refuse_range(send: Send, start: Message, asked: str) -> None:
    """Answer Starlette's refusal of the Range ``asked`` (its response start) in the error shape."""
    status = start["status"]
    kept = [(k, v) for k, v in start.get("headers", ()) if k == b"content-range"]
    if status == 416:
        size = dict(kept).get(b"content-range", b"").decode("latin-1").rpartition("/")[2]
        message = (
            f"The range {asked!r} lies outside the file's {size} bytes; ask within them, or without Range."
        )
    else:
        message = f"The range {asked!r} could not be read; send e.g. 'Range: bytes=0-1023', or no Range."
    body = orjson.dumps(error_body(status, "http_error", message))
    headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode()), *kept]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


VIEWERS = ViewerFiles(directory=str(resources.files("fastapi_offline") / "static"))
SWAGGER_INIT = (Path(__file__).resolve().parent.parent / "static" / "swagger-init.js").read_text("utf-8")
# ReDoc renders with inline styles and searches in a blob: worker; no inline script is needed by either.
DOCS_CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
    "font-src 'self' data:; connect-src 'self'; worker-src 'self' blob:; base-uri 'none'; "
    "form-action 'none'; frame-ancestors 'none'"
)
TITLE = "Medical billing and coding salary API"

SWAGGER_PAGE = f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{TITLE}: reference</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="icon" href="{ASSETS_PATH}/favicon.png">
<link rel="stylesheet" href="{ASSETS_PATH}/swagger-ui.css"></head>
<body><div id="swagger-ui"></div>
<script src="{ASSETS_PATH}/swagger-ui-bundle.js"></script>
<script src="/docs/swagger-init.js"></script></body></html>
"""

REDOC_PAGE = f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{TITLE}: ReDoc</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="icon" href="{ASSETS_PATH}/favicon.png"></head>
<body><redoc spec-url="/openapi.json"></redoc>
<script src="{ASSETS_PATH}/redoc.standalone.js"></script></body></html>
"""

router = APIRouter(include_in_schema=False)


@router.get("/docs")
@route_facts(cached=False)
async def swagger_ui() -> HTMLResponse:
    """The interactive reference (Swagger UI)."""
    return HTMLResponse(SWAGGER_PAGE, headers={"Content-Security-Policy": DOCS_CSP})


@router.get("/docs/swagger-init.js")
@route_facts(cached=False)
async def swagger_init() -> Response:
    """Swagger UI's start-up script, as a file so the page needs no inline script."""
    return Response(SWAGGER_INIT, media_type="text/javascript")


@router.get("/redoc")
@route_facts(cached=False)
async def redoc() -> HTMLResponse:
    """The reference as one readable page (ReDoc)."""
    return HTMLResponse(REDOC_PAGE, headers={"Content-Security-Policy": DOCS_CSP})
