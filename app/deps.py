"""Request dependencies and the query parameters several routes share."""

import asyncio
import json
from itertools import islice
from typing import Annotated

from fastapi import Depends, Query, Request

from app.config import DEFAULT_OCCUPATION
from app.domain.occupations import MAX_OCCUPATION_LENGTH, OCCUPATION, OccupationMatch
from app.domain.places import Located, LocationFields
from app.domain.profile import BODY_EXAMPLES, ProfileQuery
from app.domain.store import Snapshot
from app.errors import ServiceUnavailable, UnsupportedMediaType


async def get_snapshot(request: Request) -> Snapshot:
    """The current in-memory data; 503 while no data could be loaded."""
    store = request.app.state.store
    snapshot = store.snapshot
    if snapshot is None:
        if store.database_ok is False:
            await asyncio.to_thread(store.refresh_if_due)
            snapshot = store.snapshot
        if snapshot is None:
            raise ServiceUnavailable(
                "Wage data are not available yet: the database is unreachable or not seeded. "
                "Retry shortly; /readyz reports readiness."
            )
    return snapshot


SnapshotDep = Annotated[Snapshot, Depends(get_snapshot)]


OccupationParam = Annotated[
    str,
    Query(description=OCCUPATION, max_length=MAX_OCCUPATION_LENGTH, examples=["29-2072", "medical coder"]),
]


async def in_memory(snapshot: Snapshot, occupation_id: int) -> None:
    """Read an occupation's figures in a worker thread on its first request, so the event loop never waits
    on the database."""
    if not snapshot.has_figures(occupation_id):
        await asyncio.to_thread(snapshot.occupation_figures, occupation_id)


async def matched_occupation(
    snapshot: SnapshotDep, occupation: OccupationParam = DEFAULT_OCCUPATION
) -> OccupationMatch:
    """The occupation ``occupation=`` means (else a 404, or a 422 with candidates), its figures in memory."""
    match = snapshot.catalog.resolve(occupation)
    await in_memory(snapshot, match.id)
    return match


OccupationDep = Annotated[OccupationMatch, Depends(matched_occupation)]


async def located(snapshot: SnapshotDep, where: Annotated[LocationFields, Query()]) -> Located:
    """The one area ``location``, ``state`` and ``metro`` name together (app/domain/places.py)."""
    return snapshot.gazetteer.locate(location=where.location, state=where.state, metro=where.metro)


LocatedDep = Annotated[Located, Depends(located)]
ReleaseParam = Annotated[
    str | None,
    Query(
        description="Pin one data release by key (see /sources); default: newest release per area",
        max_length=80,
        examples=["bls-oews-2023-05-article"],
    ),
]


# The curl hint's body: the documented example profile's first field alone.
_CURL_BODY = json.dumps(dict(islice(BODY_EXAMPLES[0].items(), 1)))


async def json_body(request: Request) -> None:
    """A route that takes a JSON body says so plainly when the request is not marked as JSON (415)."""
    content_type = request.headers.get("content-type", "")
    media = content_type.split(";", 1)[0].strip().lower()
    if media != "application/json" and not (media.startswith("application/") and media.endswith("+json")):
        shown = (content_type[:60] + "...") if len(content_type) > 60 else content_type
        raise UnsupportedMediaType(
            f"{request.method} {request.url.path} takes a JSON body: send the header "
            f"'Content-Type: application/json'"
            + (f" (this request sent {shown!r})." if content_type else " (this request sent none).")
            + f" With curl: curl -H 'Content-Type: application/json' -d '{_CURL_BODY}' ...",
            details=[{"parameter": "Content-Type", "value": shown or None, "allowed": ["application/json"]}],
        )


ProfileQueryDep = Annotated[ProfileQuery, Query()]
"""The profile as query parameters (GET /estimate and the embed card): FastAPI's query model of the one
profile definition."""
