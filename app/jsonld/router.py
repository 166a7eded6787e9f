"""/jsonld/occupation: the official wage percentiles of an occupation in a place as schema.org markup."""

from typing import Any

import orjson
from fastapi import APIRouter
from fastapi.responses import Response

from app.deps import LocatedDep, OccupationDep, SnapshotDep
from app.jsonld import service
from app.schemas import ERROR_RESPONSES

JSONLD_MEDIA = "application/ld+json"
JSONLD_200: dict[int | str, dict[str, Any]] = {
    200: {
        "description": "A schema.org Occupation whose estimatedSalary is the area's published percentiles",
        "content": {JSONLD_MEDIA: {"schema": {"type": "object", "additionalProperties": True}}},
    }
}
router = APIRouter(tags=["embed"], responses=ERROR_RESPONSES)


@router.get("/jsonld/occupation", response_class=Response, responses=JSONLD_200)
async def occupation_jsonld(snapshot: SnapshotDep, occupation: OccupationDep, place: LocatedDep) -> Response:
    """schema.org Occupation markup for a posting page: the market's wage percentiles as estimatedSalary."""
    body = service.occupation_markup(snapshot, occupation=occupation, place=place)
    return Response(orjson.dumps(body), media_type=JSONLD_MEDIA)
