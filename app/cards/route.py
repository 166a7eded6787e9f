"""How every HTML card is answered: its Content-Security-Policy and headers, and the route class whose errors
are a small HTML card for the reader in the iframe (the usual JSON error for a client asking for JSON)."""

import re
from collections.abc import Callable, Coroutine
from typing import Any

from fastapi import Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, Response
from fastapi.routing import APIRoute
from starlette.exceptions import HTTPException as StarletteHTTPException

from app.cards import render
from app.cards.figures import THEMES, error_card
from app.cards.frame import RESIZE_HASH
from app.cards.shapes import CardStyle
from app.errors import AppError, describe_pattern, validation_message
from app.query import EMPTY_PARAMS
from app.schemas import ERROR_RESPONSES

# The card's one script is allowed by its hash; the card may be framed by any site.
CARD_CSP = (
    f"default-src 'none'; style-src 'unsafe-inline'; script-src '{RESIZE_HASH}'; img-src data:; "
    "base-uri 'none'; form-action 'none'; frame-ancestors *"
)
EMBED_HEADERS = {"Cross-Origin-Resource-Policy": "cross-origin"}
BRAND = describe_pattern(r"^#?[0-9a-fA-F]{6}$", "a colour as six hex digits, RRGGBB or #RRGGBB (e.g. b5179e)")


def card_response(html: str) -> HTMLResponse:
    """A card's document as the answer: framable by any site, its one script allowed by its hash."""
    return HTMLResponse(html, headers={"Content-Security-Policy": CARD_CSP, **EMBED_HEADERS})


def _wants_json(request: Request) -> bool:
    """A client that asks for JSON and not HTML gets the JSON error."""
    accept = request.headers.get("accept", "")
    return "application/json" in accept and "text/html" not in accept


def _style_of(request: Request) -> CardStyle:
    """Theme, size and brand of a request whose parameters may be invalid: what can be read, else defaults."""
    q = request.query_params
    brand, theme = q.get("brand", ""), q.get("theme", "light")
    return {
        "theme": theme if theme in THEMES else "light",
        "compact": q.get("compact", "").lower() in ("true", "1", "yes", "on"),
        "brand": ("#" + brand.lstrip("#")) if re.match(BRAND, brand) else None,
    }


def _error_card(request: Request, exc: Exception) -> Response:
    """The HTML card for an error, with the error's status."""
    if isinstance(exc, AppError):
        status, message = exc.status_code, exc.message
    elif isinstance(exc, RequestValidationError):
        status, message = 422, validation_message(exc.errors(), empty=request.scope.get(EMPTY_PARAMS, ()))[0]
    else:
        assert isinstance(exc, StarletteHTTPException)
        status, message = exc.status_code, str(exc.detail)
    card = error_card(status=status, message=message, **_style_of(request))
    return HTMLResponse(
        render.card_page(card),
        status_code=status,
        headers={"Content-Security-Policy": CARD_CSP, "Cache-Control": "no-store", **EMBED_HEADERS},
    )


class CardRoute(APIRoute):
    """A route whose errors are a small HTML card (for the reader inside an iframe); the usual JSON error
    for a client that asks for JSON only."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        """The usual handler, with its errors caught and shown as a card."""
        handler = super().get_route_handler()

        async def route(request: Request) -> Response:
            try:
                return await handler(request)
            except (AppError, RequestValidationError, StarletteHTTPException) as exc:
                if _wants_json(request):
                    raise
                return _error_card(request, exc)

        return route


# Each error is the one JSON shape for a client asking for JSON, an HTML card otherwise.
CARD_ERRORS: dict[int | str, dict[str, Any]] = {
    code: {
        "description": spec["description"],
        "content": {
            "application/json": {"schema": {"$ref": "#/components/schemas/ErrorResponse"}},
            "text/html": {"schema": {"type": "string"}},
        },
    }
    if "model" in spec
    else spec
    for code, spec in ERROR_RESPONSES.items()
}
HTML_200: dict[int | str, dict[str, Any]] = {200: {"content": {"text/html": {"schema": {"type": "string"}}}}}
