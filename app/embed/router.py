"""Embeddable widget: the wage-range card (HTML, for an iframe or /embed.js), its "How it is estimated" page,
and the /embed.js loader."""

import re
from collections.abc import Callable, Coroutine
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, Response
from fastapi.routing import APIRoute
from starlette.exceptions import HTTPException as StarletteHTTPException

from app.deps import ProfileQueryDep, SnapshotDep, in_memory
from app.domain.comparison import MAX_AMOUNT
from app.domain.models import WageUnit as Unit
from app.domain.units import HOURLY_BELOW
from app.embed import render, service
from app.embed.service import Theme
from app.errors import AppError, describe_pattern, validation_message
from app.schemas import ERROR_RESPONSES

EMBED_JS = (Path(__file__).resolve().parent.parent / "static" / "embed.js").read_text(encoding="utf-8")
# The card's one script is allowed by its hash; the card may be framed by any site.
CARD_CSP = (
    f"default-src 'none'; style-src 'unsafe-inline'; script-src '{render.RESIZE_HASH}'; img-src data:; "
    "base-uri 'none'; form-action 'none'; frame-ancestors *"
)
EMBED_HEADERS = {"Cross-Origin-Resource-Policy": "cross-origin"}
BRAND = describe_pattern(r"^#?[0-9a-fA-F]{6}$", "a colour as six hex digits, RRGGBB or #RRGGBB (e.g. b5179e)")
CompareParam = Annotated[
    float | None,
    Query(gt=0, le=MAX_AMOUNT, description="Badge: a posted range's low or high, in compare_unit"),
]


def _wants_json(request: Request) -> bool:
    """A client that asks for JSON and not HTML gets the JSON error."""
    accept = request.headers.get("accept", "")
    return "application/json" in accept and "text/html" not in accept


def _style_of(request: Request) -> dict[str, Any]:
    """Theme, size and brand of a request whose parameters may be invalid: what can be read, else defaults."""
    q = request.query_params
    brand = q.get("brand", "")
    return {
        "theme": q.get("theme") if q.get("theme") in service.THEMES else "light",
        "compact": q.get("compact", "").lower() in ("true", "1", "yes", "on"),
        "brand": ("#" + brand.lstrip("#")) if re.match(BRAND, brand) else None,
    }


def _error_card(request: Request, exc: Exception) -> Response:
    """The HTML card for an error, with the error's status."""
    if isinstance(exc, AppError):
        status, message = exc.status_code, exc.message
    elif isinstance(exc, RequestValidationError):
        status, message = 422, validation_message(exc.errors())[0]
    else:
        assert isinstance(exc, StarletteHTTPException)
        status, message = exc.status_code, str(exc.detail)
    card = service.error_card(status=status, message=message, **_style_of(request))
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


router = APIRouter(tags=["embed"])
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
cards = APIRouter(route_class=CardRoute, responses=CARD_ERRORS)
HTML_200: dict[int | str, dict[str, Any]] = {200: {"content": {"text/html": {"schema": {"type": "string"}}}}}


@cards.get("/embed/wage-range", response_class=HTMLResponse, responses=HTML_200)
async def wage_range_card(
    snapshot: SnapshotDep,
    query: ProfileQueryDep,
    theme: Annotated[
        Theme, Query(description="light, dark, or auto (follows prefers-color-scheme)")
    ] = Theme.light,
    compact: Annotated[
        bool, Query(description="A smaller card (fits 440 x 150 px): figures, bar, source")
    ] = False,
    brand: Annotated[
        str | None, Query(description="Brand colour of the bar, as RRGGBB or #RRGGBB", pattern=BRAND)
    ] = None,
    compare_low: CompareParam = None,
    compare_high: CompareParam = None,
    compare_unit: Annotated[
        Unit | None,
        Query(
            description=f"Unit of compare_low and compare_high; left out, amounts below {HOURLY_BELOW:,} are "
            "hourly and the others annual"
        ),
    ] = None,
) -> Response:
    """A small self-contained HTML card with the pay range for a profile, for an iframe or /embed.js."""
    await in_memory(snapshot, snapshot.catalog.resolve(query.occupation).id)
    # compare_low / compare_high: the badge, where a posted range sits among the official percentiles.
    if compare_low is not None or compare_high is not None:
        card = service.badge_card(
            snapshot,
            profile=query.model_dump(),
            low=compare_low,
            high=compare_high,
            unit=compare_unit,
            theme=theme,
            compact=compact,
            brand=("#" + brand.lstrip("#")) if brand else None,
        )
        return HTMLResponse(
            render.card_page(card), headers={"Content-Security-Policy": CARD_CSP, **EMBED_HEADERS}
        )
    card = service.wage_card(
        snapshot,
        profile=query.model_dump(),
        theme=theme,
        compact=compact,
        brand=("#" + brand.lstrip("#")) if brand else None,
    )
    return HTMLResponse(
        render.card_page(card), headers={"Content-Security-Policy": CARD_CSP, **EMBED_HEADERS}
    )


@cards.get("/embed/wage-range/method", response_class=HTMLResponse, responses=HTML_200)
async def wage_range_method(snapshot: SnapshotDep, query: ProfileQueryDep) -> Response:
    """The card's "How it is estimated" page: the estimate's steps in words, each with its source."""
    await in_memory(snapshot, snapshot.catalog.resolve(query.occupation).id)
    view = service.method_steps(snapshot, profile=query.model_dump())
    return HTMLResponse(render.method_page(view))


router.include_router(cards)


@router.get(
    "/embed.js",
    response_class=Response,
    responses={**ERROR_RESPONSES, 200: {"content": {"text/javascript": {"schema": {"type": "string"}}}}},
)
async def embed_js() -> Response:
    """The loader a page adds once: it fills every <div data-wage-range> with the card, via CORS."""
    return Response(EMBED_JS, media_type="text/javascript; charset=utf-8", headers=EMBED_HEADERS)
