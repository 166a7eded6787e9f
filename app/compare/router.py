"""/compare: where a posted pay range sits in the local official wage distribution."""

from typing import Annotated

from fastapi import APIRouter, Depends, Query
from fastapi.responses import Response

from app.compare import service
from app.compare.schemas import CompareResponse, Unit
from app.deps import DEFAULT_OCCUPATION, OccupationParam, SnapshotDep, occupation_in_memory
from app.listing import json_response
from app.schemas import ERROR_RESPONSES

router = APIRouter(tags=["compare"], responses=ERROR_RESPONSES, dependencies=[Depends(occupation_in_memory)])

AmountParam = Annotated[
    float, Query(gt=0, le=service.MAX_AMOUNT, description="USD, in the unit given by `unit`")
]


@router.get("/compare", response_model=CompareResponse)
async def get_compare(
    snapshot: SnapshotDep,
    low: AmountParam,
    high: AmountParam,
    unit: Annotated[Unit, Query(description="annual (USD a year) or hourly (USD an hour)")] = "annual",
    occupation: OccupationParam = DEFAULT_OCCUPATION,
    state: Annotated[str | None, Query(description="USPS state code", max_length=2, min_length=2)] = None,
    metro: Annotated[str | None, Query(description="CBSA code", pattern=r"^\d{5,7}$")] = None,
) -> Response:
    """Percentile and position of a posted range's low and high among the area's published percentiles."""
    body = service.compare(
        snapshot, occupation=occupation, low=low, high=high, unit=unit, state=state, metro=metro
    )
    return json_response(body)
