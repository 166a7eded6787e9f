"""/careers (JSON) and /embed/careers (HTML card): career outcomes for a program page in a state or metro."""

import asyncio
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse, Response

from app.cards.figures import Theme
from app.cards.route import CARD_ERRORS, HTML_200, CardRoute, card_response
from app.careers import render, service
from app.careers.schemas import CareersResponse
from app.deps import LocatedDep, SnapshotDep
from app.domain.places import LocationFields
from app.listing import json_response
from app.schemas import ERROR_RESPONSES


async def ladder_in_memory(snapshot: SnapshotDep) -> None:
    """Read the ladder occupations' figures in a worker thread on first use, never on the event loop."""
    for code in service.CAREER_LADDER:
        occupation = snapshot.occupation_by_code.get(code)
        if occupation is not None and not snapshot.has_figures(occupation["id"]):
            await asyncio.to_thread(snapshot.occupation_figures, occupation["id"])


router = APIRouter(tags=["careers"], dependencies=[Depends(ladder_in_memory)])
# The card's errors are a small HTML card for the reader in the iframe (JSON for a client asking for JSON).
card_router = APIRouter(route_class=CardRoute, responses=CARD_ERRORS)


@router.get("/careers", response_model=CareersResponse, responses=ERROR_RESPONSES)
async def get_careers(snapshot: SnapshotDep, place: LocatedDep) -> Response:
    """Local entry range, progression by level and the career ladder's official medians, each cited."""
    return json_response(service.careers(snapshot, place=place))


@card_router.get(
    "/embed/careers",
    response_class=HTMLResponse,
    responses=HTML_200,
)
async def careers_card(
    request: Request,
    snapshot: SnapshotDep,
    place: LocatedDep,
    theme: Annotated[Theme, Query(description="auto follows prefers-color-scheme")] = Theme.light,
) -> Response:
    """The /careers figures as a self-contained HTML card for a program page's iframe."""
    data = service.careers(snapshot, place=place)
    # The card's link passes the place on in the words it was given.
    where = {
        name: request.query_params[name]
        for name in LocationFields.model_fields
        if name in request.query_params
    }
    return card_response(render.card_page(data, theme=theme, where=where))


router.include_router(card_router)
