"""/estimate routes: explainable compensation estimates for one profile or a list of them."""

from typing import Annotated

from fastapi import APIRouter, Body
from fastapi.responses import Response
from pydantic import Discriminator, Field, Tag

from app.deps import SnapshotDep
from app.estimate import service
from app.estimate.params import ProfileQueryDep
from app.estimate.schemas import EstimateList, EstimateRequest, EstimateResponse
from app.listing import json_response
from app.schemas import ERROR_RESPONSES

router = APIRouter(tags=["estimate"], responses=ERROR_RESPONSES)
ProfileList = Annotated[list[EstimateRequest], Field(min_length=1, max_length=service.MAX_PROFILES)]
# A callable discriminator so a bad body reports the errors of its own shape only, not of both.
Payload = Annotated[
    Annotated[EstimateRequest, Tag("profile")] | Annotated[ProfileList, Tag("profiles")],
    Discriminator(lambda v: "profiles" if isinstance(v, list) else "profile"),
    Body(),
]


@router.get("/estimate", response_model=EstimateResponse)
async def get_estimate(snapshot: SnapshotDep, query: ProfileQueryDep) -> Response:
    """Estimated hourly and annual range for one profile, with every adjustment, note and source."""
    return json_response(service.estimate_one(snapshot, **query.model_dump()))


@router.post(
    "/estimate",
    response_model=EstimateResponse | EstimateList,
    description='One profile in, one estimate out; a list of up to 100 profiles in, `{"items": [...]}` '
    "out, in the same order.",
)
def post_estimate(snapshot: SnapshotDep, payload: Payload) -> Response:
    """Estimates for one profile or a list of up to 100, answered in order."""
    if isinstance(payload, list):
        items = service.estimate_many(snapshot, profiles=[p.model_dump() for p in payload])
        return json_response({"items": items})
    return json_response(service.estimate_one(snapshot, **payload.model_dump()))
