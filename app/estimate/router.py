"""/estimate routes: explainable compensation estimates for one profile or a list of them."""

from typing import Annotated

from fastapi import APIRouter, Body, Depends, Query
from fastapi.responses import Response
from pydantic import Discriminator, Field, Tag

from app.deps import get_snapshot
from app.estimate import service
from app.estimate.schemas import (
    CERTS,
    HOURS,
    HOURS_MAX,
    MATCH,
    MATCH_MAX,
    YEARS,
    YEARS_MAX,
    Education,
    EstimateList,
    EstimateRequest,
    EstimateResponse,
    Level,
    Setting,
    Specialty,
)
from app.listing import json_response
from app.schemas import ERROR_RESPONSES
from app.store import Snapshot

router = APIRouter(tags=["estimate"], responses=ERROR_RESPONSES)
SnapshotDep = Annotated[Snapshot, Depends(get_snapshot)]
ProfileList = Annotated[list[EstimateRequest], Field(min_length=1, max_length=service.MAX_PROFILES)]
# A callable discriminator so a bad body reports the errors of its own shape only, not of both.
Payload = Annotated[
    Annotated[EstimateRequest, Tag("profile")] | Annotated[ProfileList, Tag("profiles")],
    Discriminator(lambda v: "profiles" if isinstance(v, list) else "profile"),
    Body(),
]


@router.get("/estimate", response_model=EstimateResponse)
def get_estimate(
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
) -> Response:
    """Estimated hourly and annual range for one profile, with every adjustment, note and source."""
    body = service.estimate_one(
        snapshot,
        years=years,
        level=level,
        certifications=certifications,
        education=education,
        state=state,
        metro=metro,
        setting=setting,
        specialty=specialty,
        hours_per_year=hours_per_year,
        retirement_match_pct=retirement_match_pct,
    )
    return json_response(body)


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
