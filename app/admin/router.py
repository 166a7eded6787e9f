"""Admin routes: the only HTTP paths that change server state; each requires the admin token."""

import asyncio
from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response
from fastapi.security import HTTPAuthorizationCredentials as Credentials
from fastapi.security import HTTPBearer
from pydantic import BaseModel

from app.admin import service
from app.errors import ServiceUnavailable
from app.listing import json_response
from app.route_facts import route_facts
from app.schemas import ErrorResponse

router = APIRouter(
    prefix="/admin",
    tags=["admin"],
    responses={
        401: {"model": ErrorResponse, "description": "Missing or wrong admin token"},
        403: {"model": ErrorResponse, "description": "Admin endpoints disabled (no token configured)"},
        503: {"model": ErrorResponse, "description": "Database unreachable"},
    },
)


# Declared as the contract's security scheme; checked by the service (a missing token is its 401, not a 403).
ADMIN_TOKEN = HTTPBearer(
    auto_error=False,
    scheme_name="adminToken",
    description="The admin token (SALARY_API_ADMIN_TOKEN) as a bearer token",
)


class Refreshed(BaseModel):
    reloaded: bool
    data_version: int | None


@router.post("/refresh", response_model=Refreshed)
@route_facts(may_miss=False)
async def refresh(
    request: Request, credentials: Annotated[Credentials | None, Depends(ADMIN_TOKEN)]
) -> Response:
    """Reload the in-memory data from the database now (normally automatic on a new data version)."""
    service.check_token(
        configured=request.app.state.settings.admin_token,
        authorization=f"{credentials.scheme} {credentials.credentials}" if credentials else None,
    )
    store = request.app.state.store
    reloaded = await asyncio.to_thread(store.refresh, force=True)
    if not store.database_ok:
        raise ServiceUnavailable("Database unreachable; the data already in memory keep being served.")
    return json_response(
        {"reloaded": reloaded, "data_version": store.snapshot.version if store.snapshot else None},
        headers={"Cache-Control": "no-store"},
    )
