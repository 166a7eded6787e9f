"""Liveness and readiness probes."""

from datetime import datetime

from fastapi import APIRouter, Request
from fastapi.responses import Response
from pydantic import BaseModel, Field

from app.errors import ServiceUnavailable
from app.listing import json_response
from app.observability.shutdown import drain
from app.observability.stack import refreshed, release_status
from app.route_facts import route_facts
from app.schemas import ErrorResponse

router = APIRouter(tags=["health"])


class Health(BaseModel):
    status: str


class ReleaseCheckState(BaseModel):
    """The last `salary-api fetch-oews --check`, as this process read it from the database."""

    newer_release_available: bool = Field(
        description="BLS has published every file of `next_period`, and it is newer than `newest_held`."
    )
    next_period: str = Field(description="The period looked for, e.g. May 2026.", examples=["May 2026"])
    next_period_published: bool = Field(description="Every file of `next_period` was found (HEAD).")
    newest_held: str | None = Field(description="The newest period of BLS's own OEWS files held now.")
    checked_at: datetime = Field(description="When the check ran (UTC).")
    source: str = Field(description="The folder asked: BLS's, or the mirror given with `--from`.")
    files: dict[str, int] = Field(description="Each file of `next_period` and the HTTP status of its HEAD.")


class Ready(BaseModel):
    status: str
    data_version: int
    database: str
    release_check: ReleaseCheckState | None = Field(
        description="The last release check; null when `salary-api fetch-oews --check` never ran."
    )


@router.get("/healthz", response_model=Health)
@route_facts(cached=False, revalidates=False, may_miss=False)
async def healthz() -> Response:
    """The process is up (says nothing about the database)."""
    return json_response({"status": "ok"})


@router.get(
    "/readyz",
    response_model=Ready,
    responses={
        503: {
            "model": ErrorResponse,
            "description": "Database unreachable or not seeded, or the process is shutting down",
        }
    },
)
@route_facts(cached=False, revalidates=False, may_miss=False)
def readyz(request: Request) -> Response:
    """Ready when the database answers and holds seeded data and the process is not draining; else 503."""
    if drain.draining:
        raise ServiceUnavailable("Shutting down: finishing the requests in flight; send new ones elsewhere.")
    store = request.app.state.store
    refreshed(store, reloaded=store.refresh())
    snapshot = store.snapshot
    if not store.database_ok:
        raise ServiceUnavailable(f"Database unreachable ({store.last_error}).")
    if snapshot is None or not snapshot.seeded:
        raise ServiceUnavailable(
            "Database reachable but not seeded: run `salary-api migrate` and `salary-api seed`."
        )
    return json_response(
        {
            "status": "ready",
            "data_version": snapshot.version,
            "database": "ok",
            "release_check": release_status(store),
        }
    )
