"""The explorer page at /: pick a profile, see the estimate and its explanation, percentiles and states."""

from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, Query
from fastapi.responses import HTMLResponse, Response

from app.deps import SnapshotDep, in_memory
from app.domain.profile import ProfileForm
from app.explorer import render, service
from app.route_facts import route_facts
from app.schemas import ERROR_RESPONSES

router = APIRouter(tags=["explorer"], responses=ERROR_RESPONSES)
EXPLORER_JS = (Path(__file__).resolve().parent.parent / "static" / "explorer.js").read_text(encoding="utf-8")


@router.get(
    "/",
    response_class=HTMLResponse,
    responses={200: {"content": {"text/html": {"schema": {"type": "string"}}}}},
)
async def explorer_page(
    snapshot: SnapshotDep,
    form: Annotated[ProfileForm, Query()],
    # Free text: an order the table does not know is said on the page, which still answers.
    sort: Annotated[str | None, Query(max_length=200, description="States table order, as /states")] = None,
) -> Response:
    """The explorer: a profile form, the explained estimate, percentile range, states table and charts."""
    raw = form.model_dump()
    occupation_id = service.named_occupation(snapshot, raw.get("occupation"))
    if occupation_id is not None:
        await in_memory(snapshot, occupation_id)
    view = service.explorer_view(snapshot, raw_profile=raw, sort=sort)
    return HTMLResponse(render.page(view))


@router.get(
    "/explorer.js",
    response_class=Response,
    responses={200: {"content": {"text/javascript": {"schema": {"type": "string"}}}}},
)
@route_facts(may_miss=False)
async def explorer_js() -> Response:
    """The explorer page's script: updates the results in place when an input changes."""
    return Response(EXPLORER_JS, media_type="text/javascript; charset=utf-8")
