"""Wage routes: percentiles, states, metros and other sources' benchmarks."""

from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query, Request
from fastapi.responses import Response

from app.deps import (
    DEFAULT_PAGE,
    FormatParam,
    LimitParam,
    OccupationParam,
    OffsetParam,
    ReleaseParam,
    SortParam,
    get_snapshot,
)
from app.listing import json_response, list_response, wants_csv
from app.schemas import ERROR_RESPONSES
from app.store import Snapshot
from app.wages import service
from app.wages.schemas import AreaDetail, AreaPage, BenchmarkPage, PercentilesResponse

router = APIRouter(tags=["wages"], responses=ERROR_RESPONSES)
SnapshotDep = Annotated[Snapshot, Depends(get_snapshot)]
CSV_CONTENT = {"text/csv": {"schema": {"type": "string"}}}


@router.get("/percentiles", response_model=PercentilesResponse)
def get_percentiles(
    snapshot: SnapshotDep,
    occupation: OccupationParam = "29-2072",
    release: ReleaseParam = None,
    state: Annotated[str | None, Query(description="USPS state code", max_length=2, min_length=2)] = None,
    metro: Annotated[str | None, Query(description="CBSA code", pattern=r"^\d{5,7}$")] = None,
) -> Response:
    """Percentile wages (p10, p25, median, p75, p90; hourly and annual) for the nation, a state or a metro."""
    body = service.percentiles(snapshot, occupation=occupation, release=release, state=state, metro=metro)
    return json_response(body)


def _area_list(
    request: Request,
    snapshot: Snapshot,
    *,
    kind: str,
    occupation: str,
    release: str | None,
    sort: str | None,
    limit: int,
    offset: int,
    fmt: str | None,
) -> Response:
    lister = service.list_states if kind == "state" else service.list_metros
    envelope, items = lister(snapshot, occupation=occupation, release=release)
    csv_name = None
    if wants_csv(request, fmt):
        csv_name = f"{kind}s_{occupation}_{release or snapshot.newest_release_key or 'none'}.csv"
    return list_response(
        request,
        items=items,
        sort=sort,
        sort_keys=service.AREA_SORT_KEYS,
        limit=limit,
        offset=offset,
        envelope=envelope,
        provenance=lambda page: service.list_provenance(snapshot, items=page),
        csv_name=csv_name,
    )


@router.get("/states", response_model=AreaPage, responses={200: {"content": CSV_CONTENT}})
def list_states(
    request: Request,
    snapshot: SnapshotDep,
    occupation: OccupationParam = "29-2072",
    release: ReleaseParam = None,
    sort: SortParam = None,
    limit: LimitParam = DEFAULT_PAGE,
    offset: OffsetParam = 0,
    format: FormatParam = None,
) -> Response:
    """States, DC and territories that have figures or a tier, with their metros; sortable and pageable."""
    return _area_list(
        request,
        snapshot,
        kind="state",
        occupation=occupation,
        release=release,
        sort=sort,
        limit=limit,
        offset=offset,
        fmt=format,
    )


@router.get("/states/{code}", response_model=AreaDetail)
def get_state(
    snapshot: SnapshotDep,
    code: Annotated[str, Path(description="USPS code, e.g. NJ", max_length=40)],
    occupation: OccupationParam = "29-2072",
    release: ReleaseParam = None,
) -> Response:
    """One state's figures, tier or rank, and the metros inside it."""
    body = service.get_area(snapshot, occupation=occupation, release=release, kind="state", code=code)
    return json_response(body)


@router.get("/metros", response_model=AreaPage, responses={200: {"content": CSV_CONTENT}})
def list_metros(
    request: Request,
    snapshot: SnapshotDep,
    occupation: OccupationParam = "29-2072",
    release: ReleaseParam = None,
    sort: SortParam = None,
    limit: LimitParam = DEFAULT_PAGE,
    offset: OffsetParam = 0,
    format: FormatParam = None,
) -> Response:
    """Metropolitan and nonmetropolitan areas that have figures; sortable and pageable."""
    return _area_list(
        request,
        snapshot,
        kind="metro",
        occupation=occupation,
        release=release,
        sort=sort,
        limit=limit,
        offset=offset,
        fmt=format,
    )


@router.get("/metros/{code}", response_model=AreaDetail)
def get_metro(
    snapshot: SnapshotDep,
    code: Annotated[str, Path(description="CBSA code, e.g. 41940", max_length=40)],
    occupation: OccupationParam = "29-2072",
    release: ReleaseParam = None,
) -> Response:
    """One metro area's figures and its principal states."""
    body = service.get_area(snapshot, occupation=occupation, release=release, kind="metro", code=code)
    return json_response(body)


@router.get("/benchmarks", response_model=BenchmarkPage, responses={200: {"content": CSV_CONTENT}})
def list_benchmarks(
    request: Request,
    snapshot: SnapshotDep,
    occupation: OccupationParam = "29-2072",
    sort: SortParam = None,
    limit: LimitParam = DEFAULT_PAGE,
    offset: OffsetParam = 0,
    format: FormatParam = None,
) -> Response:
    """National figures from Salary.com, Payscale and Glassdoor, each with its job title and as-of."""
    envelope, items = service.benchmarks(snapshot, occupation=occupation)
    return list_response(
        request,
        items=items,
        sort=sort,
        sort_keys=service.BENCHMARK_SORT_KEYS,
        limit=limit,
        offset=offset,
        envelope=envelope,
        provenance=lambda page: service.provenance(
            snapshot, release_keys=list(dict.fromkeys(i["release"] for i in page))
        ),
        csv_name=f"benchmarks_{occupation}.csv" if wants_csv(request, format) else None,
    )
