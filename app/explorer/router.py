"""The explorer page at /: pick a profile, see the estimate and its explanation, percentiles and states."""

from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, Depends, Query
from fastapi.responses import HTMLResponse, Response

from app.deps import DEFAULT_OCCUPATION, SnapshotDep, occupation_in_memory
from app.explorer import render, service
from app.schemas import ERROR_RESPONSES

router = APIRouter(tags=["explorer"], responses=ERROR_RESPONSES, dependencies=[Depends(occupation_in_memory)])
EXPLORER_JS = (Path(__file__).resolve().parent.parent / "static" / "explorer.js").read_text(encoding="utf-8")
FormValue = Annotated[str | None, Query(max_length=200, description="As in /estimate; empty means not given")]


@router.get(
    "/",
    response_class=HTMLResponse,
    responses={200: {"content": {"text/html": {"schema": {"type": "string"}}}}},
)
async def explorer_page(
    snapshot: SnapshotDep,
    occupation: Annotated[
        str,
        Query(max_length=20, description="SOC code (see /occupations); another value is flagged on the page"),
    ] = DEFAULT_OCCUPATION,
    years: FormValue = None,
    level: FormValue = None,
    certifications: FormValue = None,
    education: FormValue = None,
    state: FormValue = None,
    metro: FormValue = None,
    setting: FormValue = None,
    specialty: FormValue = None,
    hours_per_year: FormValue = None,
    retirement_match_pct: FormValue = None,
    sort: Annotated[str | None, Query(max_length=200, description="States table order, as /states")] = None,
) -> Response:
    """The explorer: a profile form, the explained estimate, percentile range, states table and charts."""
    raw = {
        "years": years,
        "level": level,
        "certifications": certifications,
        "education": education,
        "state": state,
        "metro": metro,
        "setting": setting,
        "specialty": specialty,
        "hours_per_year": hours_per_year,
        "retirement_match_pct": retirement_match_pct,
    }
    view = service.explorer_view(snapshot, occupation=occupation, raw_profile=raw, sort=sort)
    return HTMLResponse(render.page(view))


@router.get(
    "/explorer.js",
    response_class=Response,
    responses={200: {"content": {"text/javascript": {"schema": {"type": "string"}}}}},
)
async def explorer_js() -> Response:
    """The explorer page's script: updates the results in place when an input changes."""
    return Response(EXPLORER_JS, media_type="text/javascript; charset=utf-8")
