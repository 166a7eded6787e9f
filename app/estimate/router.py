"""/estimate routes: explainable compensation estimates for one profile or a list of them."""

from typing import Annotated

from fastapi import APIRouter, Body, Depends
from fastapi.responses import Response
from pydantic import Field

from app.deps import ProfileQueryDep, SnapshotDep, in_memory, json_body
from app.domain.estimation import estimates as service
from app.domain.profile import BODY_EXAMPLES, EstimateRequest
from app.estimate.fast import estimate_body
from app.estimate.schemas import EstimateList, EstimateResponse
from app.listing import json_response
from app.route_facts import route_facts
from app.schemas import ERROR_RESPONSES

router = APIRouter(tags=["estimate"], responses=ERROR_RESPONSES)
ProfileList = Annotated[
    list[EstimateRequest],
    Field(min_length=1, max_length=service.MAX_PROFILES),
    Body(examples=[list(BODY_EXAMPLES)]),
]


@router.get("/estimate", response_model=EstimateResponse)
@route_facts(fast=estimate_body)
async def get_estimate(snapshot: SnapshotDep, query: ProfileQueryDep) -> Response:
    """Estimated hourly and annual range for one profile, with every adjustment, note and source."""
    await in_memory(snapshot, snapshot.catalog.resolve(query.occupation).id)
    return json_response(service.estimate_one(snapshot, query))


@router.post(
    "/estimate",
    response_model=EstimateResponse,
    dependencies=[Depends(json_body)],
    description="One profile as a JSON object in, one estimate out (as GET /estimate). "
    "For several profiles at once, POST a list to /estimate/batch.",
)
def estimate(
    snapshot: SnapshotDep,
    profile: Annotated[EstimateRequest, Body(examples=[BODY_EXAMPLES[0]])],
) -> Response:
    """The estimate for one profile sent as JSON."""
    return json_response(service.estimate_one(snapshot, profile))


@router.post(
    "/estimate/batch",
    response_model=EstimateList,
    dependencies=[Depends(json_body)],
    description=f'A list of 1 to {service.MAX_PROFILES} profiles in, `{{"items": [...]}}` out, in the same '
    "order; an invalid profile fails the whole request and its index is named.",
)
def estimate_batch(snapshot: SnapshotDep, profiles: ProfileList) -> Response:
    """Estimates for a list of profiles, answered in order."""
    items = service.estimate_many(snapshot, profiles=profiles)
    return json_response({"items": items})
