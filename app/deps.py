"""Request dependencies and the query parameters several routes share."""

import asyncio
from typing import Annotated

from fastapi import Depends, Query, Request

from app.config import DEFAULT_OCCUPATION
from app.errors import ServiceUnavailable
from app.estimate.profile import METRO, METRO_PATTERN, STATE, STATE_PATTERN
from app.query import DEFAULT_LIMIT, MAX_LIMIT
from app.store import Snapshot


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


async def occupation_in_memory(request: Request, snapshot: SnapshotDep) -> None:
    """Read the requested occupation's figures in a worker thread on its first request, so the event
    loop never waits on the database (routers that take ``occupation`` depend on this)."""
    code = request.query_params.get("occupation", DEFAULT_OCCUPATION)
    occupation = snapshot.occupation_by_code.get(code)
    if occupation is not None and not snapshot.has_figures(occupation["id"]):
        await asyncio.to_thread(snapshot.occupation_figures, occupation["id"])


OccupationParam = Annotated[
    str,
    Query(
        description="SOC code of the occupation (see /occupations)",
        pattern=r"^\d{2}-\d{4}$",
        max_length=7,
        examples=["29-2072"],
    ),
]
ReleaseParam = Annotated[
    str | None,
    Query(
        description="Pin one data release by key (see /sources); default: newest release per area",
        max_length=80,
        examples=["bls-oews-2023-05-article"],
    ),
]
LimitParam = Annotated[
    int, Query(ge=1, le=MAX_LIMIT, description=f"Page size (max {MAX_LIMIT})", examples=[DEFAULT_LIMIT])
]
OffsetParam = Annotated[int, Query(ge=0, le=10_000_000, description="Items to skip")]
FormatParam = Annotated[
    str | None,
    Query(
        pattern="^(json|csv)$",
        description="json (the default) or csv. Kept for existing callers but not in the contract: the CSV "
        "representation is its own operation, at the list's path plus '.csv' (Accept: text/csv works too).",
        include_in_schema=False,
    ),
]
DEFAULT_PAGE = DEFAULT_LIMIT
StateParam = Annotated[str | None, Query(pattern=STATE_PATTERN, description=STATE, examples=["NJ"])]
MetroParam = Annotated[str | None, Query(pattern=METRO_PATTERN, description=METRO, examples=["35620"])]
