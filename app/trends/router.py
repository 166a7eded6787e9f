"""Change over time: /trends and its CSV."""

from fastapi import APIRouter
from fastapi.responses import Response

from app.deps import LocatedDep, OccupationDep, SnapshotDep
from app.listing import CSV_CONTENT, csv_response, json_response
from app.schemas import ERROR_RESPONSES
from app.trends import service
from app.trends.schemas import TrendsResponse

router = APIRouter(tags=["trends"], responses=ERROR_RESPONSES)


@router.get("/trends", response_model=TrendsResponse)
async def get_trends(snapshot: SnapshotDep, occupation: OccupationDep, place: LocatedDep) -> Response:
    """An area's figures in every release held, oldest first, with the change between periods and over the
    span (dollars, percent, compound annual rate) and what makes periods hard to compare."""
    return json_response(service.trend(snapshot, occupation=occupation, place=place))


@router.get("/trends.csv", response_class=Response, responses=CSV_CONTENT, tags=["csv"])
async def get_trends_csv(snapshot: SnapshotDep, occupation: OccupationDep, place: LocatedDep) -> Response:
    """CSV of trends: one row per period, oldest first, with its change from the previous period."""
    body = service.trend(snapshot, occupation=occupation, place=place)
    area = body["area"]
    return csv_response(
        body["items"],
        filename=f"trends_{occupation.soc_code}_{area['area_type']}_{area['code']}.csv",
        template=service.CSV_TEMPLATE,
    )
