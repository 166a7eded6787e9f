"""GET /export: the whole dataset with its sources as one file, built once per data version and streamed."""

import asyncio
import logging
from typing import Annotated, BinaryIO

import anyio
from fastapi import APIRouter, Query, Request
from fastapi.responses import Response
from starlette.types import Receive, Scope, Send

from app.deps import SnapshotDep
from app.edge.etag import PRECONDITION_FAILED, precondition_status, preconditions
from app.edge.head import is_head
from app.errors import RETRY_AFTER_SECONDS, ServiceUnavailable, error_body
from app.export.cache import ExportCache
from app.export.service import ExportFailed, ExportFormat
from app.listing import json_response
from app.route_facts import route_facts
from app.schemas import ERROR_RESPONSES

log = logging.getLogger("salary_api")
router = APIRouter(tags=["export"], responses=ERROR_RESPONSES)

MEDIA = {"zip": "application/zip", "sqlite": "application/vnd.sqlite3"}
SUFFIX = {"zip": "zip", "sqlite": "db"}
CHUNK_BYTES = 256 * 1024


class OpenFileResponse(Response):
    """Streams a file opened before the response starts, so it may be replaced or removed meanwhile."""

    def __init__(self, file: BinaryIO, *, size: int, media_type: str, headers: dict[str, str]) -> None:
        super().__init__(media_type=media_type, headers={**headers, "Content-Length": str(size)})
        self.file = file
        self.size = size

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        try:
            await send({"type": "http.response.start", "status": 200, "headers": self.raw_headers})
            if is_head(scope):  # the headers of the GET, and no reading of the file
                await send({"type": "http.response.body", "body": b""})
                return
            left = self.size
            while left > 0:
                chunk = await anyio.to_thread.run_sync(self.file.read, min(CHUNK_BYTES, left))
                if not chunk:
                    raise OSError("export file ended early")
                left -= len(chunk)
                await send({"type": "http.response.body", "body": chunk, "more_body": left > 0})
        finally:
            self.file.close()


def export_etag(fmt: str, version: int) -> str:
    """One strong ETag per format and data version (a build's bytes depend only on the data)."""
    return f'"export-{fmt}-v{version}"'


@router.get(
    "/export",
    response_class=Response,
    responses={
        200: {"content": {m: {"schema": {"type": "string", "format": "binary"}} for m in MEDIA.values()}}
    },
)
@route_facts(cached=False, time_limit="export_timeout")
async def export(
    request: Request,
    snapshot: SnapshotDep,
    format: Annotated[
        ExportFormat, Query(description="zip (one CSV per table) or sqlite", examples=["zip"])
    ] = ExportFormat.zip,
) -> Response:
    """Download every table (figures, releases, sources, citations) as a zip of CSVs or a SQLite file."""
    etag = export_etag(format, snapshot.version)
    # Before the build: a client holding this version's file (or asking with *) needs no new one, and one
    # holding another version's needs no build to learn that its If-Match failed.
    status = precondition_status(*preconditions(request.scope), etag.encode())
    if status == 412:
        return json_response(error_body(412, "precondition_failed", PRECONDITION_FAILED), status_code=412)
    if status == 304:
        return Response(
            status_code=304,
            headers={"ETag": etag, "X-Data-Version": str(snapshot.version), "Cache-Control": "no-cache"},
        )
    cache: ExportCache = request.app.state.export_cache
    # Answer before the edge's export timeout would; the build carries on for the retry.
    wait = max(1.0, request.app.state.settings.export_timeout - 1.0)
    try:
        built = await asyncio.wait_for(cache.get(format, snapshot.version), timeout=wait)
    except TimeoutError:
        retry = str(RETRY_AFTER_SECONDS)
        message = (
            f"The {format} export of data version {snapshot.version} is being built; retry in {retry} s."
        )
        return json_response(
            error_body(503, "service_unavailable", message), status_code=503, headers={"Retry-After": retry}
        )
    except ExportFailed as exc:
        log.warning("export build failed: %s", exc)
        raise ServiceUnavailable(
            "The export could not be built right now (the database or the disk is unavailable). "
            "Retry shortly; /readyz reports readiness."
        ) from exc
    # Opened before any await: a newer build may remove the name, never these bytes.
    file = built.path.open("rb")
    filename = f"salary-api-data-v{built.version}.{SUFFIX[format]}"
    return OpenFileResponse(
        file,
        size=built.size,
        media_type=MEDIA[format],
        headers={
            "Content-Disposition": f'attachment; filename="{filename}"',
            "X-Data-Version": str(built.version),
            "ETag": export_etag(format, built.version),
            "Cache-Control": "no-cache",
        },
    )
