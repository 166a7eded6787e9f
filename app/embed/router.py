"""Embeddable widget: the wage-range card (HTML, for an iframe or /embed.js), its "How it is estimated" page,
and the /embed.js loader."""

from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, Query
from fastapi.responses import HTMLResponse, Response

from app.cards import render
from app.cards.figures import Theme
from app.cards.route import BRAND, CARD_ERRORS, EMBED_HEADERS, HTML_200, CardRoute, card_response
from app.cards.shapes import Card
from app.deps import ProfileQueryDep, SnapshotDep, in_memory
from app.domain.comparison import MAX_AMOUNT
from app.domain.models import WageUnit as Unit
from app.domain.units import HOURLY_BELOW, UNIT_AS_TYPED, UNIT_IN_WORDS, TypedAmount, amount_as_typed
from app.embed import service
from app.route_facts import route_facts
from app.schemas import ERROR_RESPONSES

EMBED_JS = (Path(__file__).resolve().parent.parent / "static" / "embed.js").read_text(encoding="utf-8")
CompareParam = Annotated[
    TypedAmount | None,
    Query(
        gt=0,
        le=MAX_AMOUNT,
        allow_inf_nan=False,
        description="Badge: a posted range's low or high, in compare_unit",
    ),
    amount_as_typed(("compare_low", "compare_high")),
]
router = APIRouter(tags=["embed"])
cards = APIRouter(route_class=CardRoute, responses=CARD_ERRORS)


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
            description=f"Unit of compare_low and compare_high ({UNIT_IN_WORDS}); left out, amounts below "
            f"{HOURLY_BELOW:,} are "
            "hourly and the others annual"
        ),
        UNIT_AS_TYPED,
    ] = None,
) -> Response:
    """A small self-contained HTML card with the pay range for a profile, for an iframe or /embed.js."""
    await in_memory(snapshot, snapshot.catalog.resolve(query.occupation).id)
    colour = ("#" + brand.lstrip("#")) if brand else None
    card: Card
    # compare_low / compare_high: the badge, where a posted range sits among the official percentiles.
    if compare_low is not None or compare_high is not None:
        card = service.badge_card(
            snapshot,
            profile=query,
            low=compare_low,
            high=compare_high,
            unit=compare_unit,
            theme=theme,
            compact=compact,
            brand=colour,
        )
    else:
        card = service.wage_card(snapshot, profile=query, theme=theme, compact=compact, brand=colour)
    return card_response(render.card_page(card))


@cards.get("/embed/wage-range/method", response_class=HTMLResponse, responses=HTML_200)
async def wage_range_method(snapshot: SnapshotDep, query: ProfileQueryDep) -> Response:
    """The card's "How it is estimated" page: the estimate's steps in words, each with its source."""
    await in_memory(snapshot, snapshot.catalog.resolve(query.occupation).id)
    view = service.method_steps(snapshot, profile=query)
    return HTMLResponse(render.method_page(view))


router.include_router(cards)


@router.get(
    "/embed.js",
    response_class=Response,
    responses={**ERROR_RESPONSES, 200: {"content": {"text/javascript": {"schema": {"type": "string"}}}}},
)
@route_facts(may_miss=False)
async def embed_js() -> Response:
    """The loader a page adds once: it fills every <div data-wage-range> with the card, via CORS."""
    return Response(EMBED_JS, media_type="text/javascript; charset=utf-8", headers=EMBED_HEADERS)
