"""Embeddable widget: the wage-range card (HTML, for an iframe or /embed.js) and the /embed.js loader."""

from enum import StrEnum
from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, Query
from fastapi.responses import HTMLResponse, Response

from app.deps import SnapshotDep
from app.embed import render, service
from app.estimate.params import ProfileQueryDep
from app.schemas import ERROR_RESPONSES

router = APIRouter(tags=["embed"], responses=ERROR_RESPONSES)

EMBED_JS = (Path(__file__).resolve().parent.parent / "static" / "embed.js").read_text(encoding="utf-8")
# The card has no script at all; it may be framed by any site.
CARD_CSP = (
    "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'; "
    "frame-ancestors *"
)
EMBED_HEADERS = {"Cross-Origin-Resource-Policy": "cross-origin"}


class Theme(StrEnum):
    """Colour scheme of the embedded card."""

    light = "light"
    dark = "dark"


@router.get(
    "/embed/wage-range",
    response_class=HTMLResponse,
    responses={200: {"content": {"text/html": {"schema": {"type": "string"}}}}},
)
async def wage_range_card(
    snapshot: SnapshotDep,
    query: ProfileQueryDep,
    theme: Annotated[Theme, Query(description="Colour scheme of the card")] = Theme.light,
    compact: Annotated[bool, Query(description="A smaller card: figures, bar and source only")] = False,
) -> Response:
    """A small self-contained HTML card with the /estimate range for a profile, for an iframe or /embed.js."""
    profile = query.model_dump()
    card = service.wage_card(snapshot, profile=profile, theme=theme, compact=compact)
    return HTMLResponse(
        render.card_page(card), headers={"Content-Security-Policy": CARD_CSP, **EMBED_HEADERS}
    )


@router.get(
    "/embed.js",
    response_class=Response,
    responses={200: {"content": {"text/javascript": {"schema": {"type": "string"}}}}},
)
async def embed_js() -> Response:
    """The loader a page adds once: it fills every <div data-wage-range> with the card, via CORS."""
    return Response(EMBED_JS, media_type="text/javascript; charset=utf-8", headers=EMBED_HEADERS)
