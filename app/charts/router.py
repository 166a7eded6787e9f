"""Charts as SVG: the percentile distribution and states by wage, usable in a report or an <img>."""

from typing import Annotated, Any

from fastapi import APIRouter, Query
from fastapi.responses import Response

from app.charts import render, service
from app.deps import LocatedDep, OccupationDep, ReleaseParam, SnapshotDep
from app.domain.models import WageUnit
from app.domain.wages import AREA_SORT_KEYS
from app.query import sort_query
from app.schemas import ERROR_RESPONSES

router = APIRouter(tags=["charts"], responses=ERROR_RESPONSES)
SVG_MEDIA = "image/svg+xml"
SVG_CONTENT: dict[int | str, dict[str, Any]] = {200: {"content": {SVG_MEDIA: {"schema": {"type": "string"}}}}}
# An SVG opened on its own is a document: no script may run in it, whatever it contains.
SVG_HEADERS = {
    "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'",
    "Cross-Origin-Resource-Policy": "cross-origin",
}


UnitParam = Annotated[WageUnit, Query(description="annual (default) or hourly wages")]


def _svg(body: str) -> Response:
    return Response(body, media_type=SVG_MEDIA, headers=SVG_HEADERS)


@router.get("/charts/percentiles.svg", response_class=Response, responses=SVG_CONTENT)
async def percentiles_chart(
    snapshot: SnapshotDep,
    occupation: OccupationDep,
    place: LocatedDep,
    release: ReleaseParam = None,
    unit: UnitParam = WageUnit.annual,
) -> Response:
    """Bar chart of p10, p25, median, p75 and p90 for the nation, a state or a metro (as /percentiles)."""
    chart = service.percentiles_chart(
        snapshot, occupation=occupation, release=release, place=place, unit=unit
    )
    return _svg(render.percentiles_svg(chart))


@router.get("/charts/states.svg", response_class=Response, responses=SVG_CONTENT)
async def states_chart(
    snapshot: SnapshotDep,
    occupation: OccupationDep,
    release: ReleaseParam = None,
    sort: Annotated[
        str,
        sort_query(AREA_SORT_KEYS),
        Query(
            description="Order of the bars (as /states); the first wage statistic in it is the one charted"
        ),
    ] = "-mean",
    unit: UnitParam = WageUnit.annual,
) -> Response:
    """Horizontal bar chart of the states that have the charted statistic, ordered like /states?sort=."""
    chart = service.states_chart(snapshot, occupation=occupation, release=release, sort=sort, unit=unit)
    return _svg(render.states_svg(chart))
