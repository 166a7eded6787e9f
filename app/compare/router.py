"""/compare: where a posted pay range sits in the local official wage distribution."""

from typing import Annotated

from fastapi import APIRouter, Query
from fastapi.responses import Response

from app.compare.schemas import CompareResponse, Unit
from app.deps import LocatedDep, OccupationDep, SnapshotDep
from app.domain import comparison as service
from app.domain.units import HOURLY_BELOW, UNIT_AS_TYPED, UNIT_IN_WORDS, TypedAmount, amount_as_typed
from app.listing import json_response
from app.schemas import ERROR_RESPONSES

router = APIRouter(tags=["compare"], responses=ERROR_RESPONSES)

AmountParam = Annotated[
    TypedAmount,
    Query(
        gt=0,
        le=service.MAX_AMOUNT,
        allow_inf_nan=False,
        description="USD, in the unit given by `unit` (or inferred); written as a posting writes it: 45k",
    ),
    amount_as_typed(("low", "high")),
]
UNIT = (
    f"annual (USD a year) or hourly (USD an hour), also in words ({UNIT_IN_WORDS}). Left out, amounts "
    f"below {HOURLY_BELOW:,} are read as "
    f"hourly and amounts of {HOURLY_BELOW:,} or more as annual; a range straddling {HOURLY_BELOW:,} needs it"
)


@router.get("/compare", response_model=CompareResponse)
async def get_compare(
    snapshot: SnapshotDep,
    occupation: OccupationDep,
    place: LocatedDep,
    low: AmountParam,
    high: AmountParam,
    unit: Annotated[Unit | None, Query(description=UNIT), UNIT_AS_TYPED] = None,
) -> Response:
    """Percentile and position of a posted range's low and high among the area's published percentiles."""
    body = service.compare(
        snapshot,
        occupation=occupation,
        low=low,
        high=high,
        unit=unit,
        place=place,
    )
    return json_response(body)
