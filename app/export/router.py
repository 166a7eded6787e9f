"""GET /export: the whole dataset with its sources as one file."""

import asyncio
from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from app.deps import SnapshotDep
from app.export import service
from app.schemas import ERROR_RESPONSES

router = APIRouter(tags=["export"], responses=ERROR_RESPONSES)

MEDIA = {"zip": "application/zip", "sqlite": "application/vnd.sqlite3"}
SUFFIX = {"zip": "zip", "sqlite": "db"}


@router.get(
    "/export",
    response_class=Response,
    responses={
        200: {"content": {m: {"schema": {"type": "string", "format": "binary"}} for m in MEDIA.values()}}
    },
)
async def export(
    request: Request,
    snapshot: SnapshotDep,
    format: Annotated[
        str, Query(pattern="^(zip|sqlite)$", description="zip (one CSV per table) or sqlite")
    ] = "zip",
) -> Response:
    """Download every table (figures, releases, sources, citations) as a zip of CSVs or a SQLite file."""
    cache = request.app.state.export_cache
    key = (format, snapshot.version)
    body = cache.get(key)
    if body is None:
        version, body = await asyncio.to_thread(
            service.export_dataset, request.app.state.store.engine, fmt=format
        )
        cache.clear()
        cache[(format, version)] = body
    filename = f"salary-api-data-v{snapshot.version}.{SUFFIX[format]}"
    return Response(
        body,
        media_type=MEDIA[format],
        headers={
            "Content-Disposition": f'attachment; filename="{filename}"',
            "X-Data-Version": str(snapshot.version),
        },
    )
