"""Liveness and readiness probes."""

from fastapi import APIRouter, Request
from fastapi.responses import Response
from pydantic import BaseModel

from app.errors import ServiceUnavailable
from app.listing import json_response
from app.observability.shutdown import drain
from app.observability.stack import refreshed
from app.schemas import ErrorResponse

router = APIRouter(tags=["health"])


class Health(BaseModel):
    status: str


class Ready(BaseModel):
    status: str
    data_version: int
    database: str


@router.get("/healthz", response_model=Health)
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
    return json_response({"status": "ready", "data_version": snapshot.version, "database": "ok"})
