"""Embeddable widget: the wage-range card (HTML, for an iframe or /embed.js) and the /embed.js loader."""

from pathlib import Path
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Query
from fastapi.responses import HTMLResponse, Response

from app.deps import get_snapshot
from app.embed import render, service
from app.estimate.schemas import (
    CERTS,
    HOURS,
    HOURS_MAX,
    MATCH,
    MATCH_MAX,
    YEARS,
    YEARS_MAX,
    Education,
    Level,
    Setting,
    Specialty,
)
from app.schemas import ERROR_RESPONSES
from app.store import Snapshot

router = APIRouter(tags=["embed"], responses=ERROR_RESPONSES)
SnapshotDep = Annotated[Snapshot, Depends(get_snapshot)]

EMBED_JS = (Path(__file__).resolve().parent.parent / "static" / "embed.js").read_text(encoding="utf-8")
# The card has no script at all; it may be framed by any site.
CARD_CSP = (
    "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'; "
    "frame-ancestors *"
)
EMBED_HEADERS = {"Cross-Origin-Resource-Policy": "cross-origin"}


@router.get(
    "/embed/wage-range",
    response_class=HTMLResponse,
    responses={200: {"content": {"text/html": {"schema": {"type": "string"}}}}},
)
def wage_range_card(
    snapshot: SnapshotDep,
    years: Annotated[int | None, Query(ge=0, le=YEARS_MAX, description=YEARS)] = None,
    level: Annotated[Level | None, Query(description="entry, mid or senior (or give years)")] = None,
    certifications: Annotated[str | None, Query(description=CERTS, max_length=200)] = None,
    education: Annotated[Education | None, Query()] = None,
    state: Annotated[str | None, Query(description="USPS state code", min_length=2, max_length=2)] = None,
    metro: Annotated[str | None, Query(description="CBSA code", pattern=r"^\d{5,7}$")] = None,
    setting: Annotated[Setting | None, Query()] = None,
    specialty: Annotated[Specialty | None, Query()] = None,
    hours_per_year: Annotated[int, Query(ge=1, le=HOURS_MAX, description=HOURS)] = 2080,
    retirement_match_pct: Annotated[float | None, Query(ge=0, le=MATCH_MAX, description=MATCH)] = None,
    theme: Annotated[Literal["light", "dark"], Query(description="Colour scheme of the card")] = "light",
    compact: Annotated[bool, Query(description="A smaller card: figures, bar and source only")] = False,
) -> Response:
    """A small self-contained HTML card with the /estimate range for a profile, for an iframe or /embed.js."""
    profile = {
        "years": years,
        "level": level,
        "certifications": certifications,
        "education": education,
        "state": state,
        "metro": metro,
        "setting": setting,
        "specialty": specialty,
        "hours_per_year": hours_per_year,
        "retirement_match_pct": retirement_match_pct,
    }
    card = service.wage_card(snapshot, profile=profile, theme=theme, compact=compact)
    return HTMLResponse(
        render.card_page(card), headers={"Content-Security-Policy": CARD_CSP, **EMBED_HEADERS}
    )


@router.get(
    "/embed.js",
    response_class=Response,
    responses={200: {"content": {"text/javascript": {"schema": {"type": "string"}}}}},
)
def embed_js() -> Response:
    """The loader a page adds once: it fills every <div data-wage-range> with the card, via CORS."""
    return Response(EMBED_JS, media_type="text/javascript; charset=utf-8", headers=EMBED_HEADERS)
