"""Wage routes: percentiles, states, metros and other sources' benchmarks."""

from dataclasses import dataclass
from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query, Request
from fastapi.responses import Response

from app.deps import (
    LocatedDep,
    OccupationDep,
    ReleaseParam,
    SnapshotDep,
)
from app.domain import wages as service
from app.domain.models import CLAIMED_TIERS, COMPUTED_TIERS, Tier
from app.domain.occupations import OccupationMatch
from app.domain.places import MAX_LOCATION_LENGTH, METRO, STATE
from app.domain.store import Snapshot
from app.listing import CSV_CONTENT, Paging, csv_twin, json_response, list_response, paging
from app.query import names_query, sort_query
from app.schemas import ERROR_RESPONSES
from app.wages.schemas import AreaDetail, AreaPage, BenchmarkPage, MetroPage, PercentilesResponse

router = APIRouter(tags=["wages"], responses=ERROR_RESPONSES)


@router.get("/percentiles", response_model=PercentilesResponse)
async def get_percentiles(
    snapshot: SnapshotDep, occupation: OccupationDep, place: LocatedDep, release: ReleaseParam = None
) -> Response:
    """Percentile wages (p10, p25, median, p75, p90; hourly and annual) for the nation, a state or a metro."""
    body = service.percentiles(snapshot, occupation=occupation, release=release, place=place)
    return json_response(body)


BoundParam = Annotated[
    float | None,
    Query(ge=0, allow_inf_nan=False, description="USD a year (annual statistic)", examples=[40000]),
]
AreaSortParam = Annotated[str | None, sort_query(service.AREA_SORT_KEYS)]
FIELDS = (*service.AREA_FIELDS, *service.WAGE_FIELDS)


class AreaFilters:
    """Parsed filters shared by /states and /metros."""

    def __init__(
        self,
        bounds: dict[str, tuple[float | None, float | None]],
        tier: Tier | None,
        q: str | None,
        fields: list[str] | None,
    ) -> None:
        self.bounds = bounds
        self.tier = tier
        self.q = q
        self.fields = fields


async def area_filters(
    min_mean: BoundParam = None,
    max_mean: BoundParam = None,
    min_median: BoundParam = None,
    max_median: BoundParam = None,
    min_p10: BoundParam = None,
    max_p10: BoundParam = None,
    min_p25: BoundParam = None,
    max_p25: BoundParam = None,
    min_p75: BoundParam = None,
    max_p75: BoundParam = None,
    min_p90: BoundParam = None,
    max_p90: BoundParam = None,
    tier: Annotated[
        Tier | None,
        Query(
            description=f"Only areas in this tier: {', '.join(COMPUTED_TIERS)} (computed from the served "
            f"release), or the article's {', '.join(CLAIMED_TIERS)} (where its release is served)"
        ),
    ] = None,
    q: Annotated[
        str | None,
        Query(
            max_length=100,
            description="Names holding these words, any case, St, Ft and Mt read as Saint, Fort and Mount "
            "('St Louis'), or with a word starting with them ('Ste')",
        ),
    ] = None,
    fields: Annotated[
        str | None,
        names_query(
            FIELDS,
            signed=False,
            description=f"Comma-separated fields to return, from: {', '.join(FIELDS)}; case and spaces "
            "around a field do not matter. The items then carry their identity (code, name, area_type) and "
            "these fields (see AreaFields).",
            examples=["code,name,median"],
        ),
    ] = None,
) -> AreaFilters:
    """min_/max_ per statistic, tier, name substring and fields (async: no thread-pool hop)."""
    raw = locals()
    bounds = {stat: (raw[f"min_{stat}"], raw[f"max_{stat}"]) for stat in service.WAGE_FIELDS}
    return AreaFilters(bounds, tier, q, service.parse_fields(fields))


FiltersDep = Annotated[AreaFilters, Depends(area_filters)]


@dataclass(frozen=True, slots=True)
class Asked:
    """Whose figures an area route reads: the occupation's, in the pinned release or the newest."""

    snapshot: Snapshot
    occupation: OccupationMatch
    release: str | None


async def asked_figures(
    snapshot: SnapshotDep, occupation: OccupationDep, release: ReleaseParam = None
) -> Asked:
    """The ``occupation`` and ``release`` parameters of the area routes, as one dependency."""
    return Asked(snapshot, occupation, release)


AskedDep = Annotated[Asked, Depends(asked_figures)]
StateCode = Annotated[str, Path(description=STATE, max_length=MAX_LOCATION_LENGTH, examples=["NJ"])]
MetroCode = Annotated[str, Path(description=METRO, max_length=MAX_LOCATION_LENGTH, examples=["35620"])]


@dataclass(frozen=True, slots=True)
class AreaList:
    """What /states and /metros are asked, but the release: the filters and the occupation, and the request
    (for the page's links)."""

    request: Request
    snapshot: Snapshot
    filters: AreaFilters
    occupation: OccupationMatch


async def area_list(
    request: Request, snapshot: SnapshotDep, filters: FiltersDep, occupation: OccupationDep
) -> AreaList:
    """The parameters /states and /metros share, as one dependency. ``release`` stays each route's own:
    FastAPI lists a route's own parameters before its dependencies', and the contract has it first."""
    return AreaList(request, snapshot, filters, occupation)


AreaListDep = Annotated[AreaList, Depends(area_list)]
AreaPaging = Annotated[Paging, paging(service.AREA_SORT_KEYS)]


def _area_list(
    query: AreaList, page: Paging, release: str | None, *, kind: str, state: str | None = None
) -> Response:
    snapshot, occupation, filters = query.snapshot, query.occupation, query.filters
    if kind == "state":
        envelope, items = service.list_states(snapshot, occupation=occupation, release=release)
    else:
        envelope, items = service.list_metros(snapshot, occupation=occupation, release=release, state=state)
    items = service.filter_areas(
        snapshot, items, occupation=occupation, bounds=filters.bounds, tier=filters.tier, q=filters.q
    )
    fields = filters.fields
    csv_name = f"{kind}s_{occupation.soc_code}_{release or snapshot.newest_release_key or 'none'}.csv"
    return list_response(
        query.request,
        page,
        items=items,
        envelope=envelope,
        provenance=lambda page: service.list_provenance(snapshot, items=page),
        csv_name=csv_name,
        project=(lambda its: service.project(its, fields)) if fields else None,
        csv_template=service.AREA_CSV_TEMPLATE,
    )


def _area(asked: Asked, *, kind: str, code: str) -> Response:
    snapshot, occupation, release = asked.snapshot, asked.occupation, asked.release
    return json_response(
        service.get_area(snapshot, occupation=occupation, release=release, kind=kind, code=code)
    )


@router.get("/states", response_model=AreaPage)
async def list_states(query: AreaListDep, page: AreaPaging, release: ReleaseParam = None) -> Response:
    """States, DC and territories that have figures or a tier, with their metros; filter, sort, page, CSV."""
    return _area_list(query, page, release, kind="state")


@router.get("/states/{code}", response_model=AreaDetail)
async def get_state(code: StateCode, asked: AskedDep) -> Response:
    """One state's figures, tier or rank, and the metros inside it."""
    return _area(asked, kind="state", code=code)


@router.get("/metros", response_model=MetroPage)
async def list_metros(
    query: AreaListDep,
    page: AreaPaging,
    release: ReleaseParam = None,
    state: Annotated[
        str | None,
        Query(
            max_length=MAX_LOCATION_LENGTH,
            description="Only the areas lying (wholly or partly) in this state: USPS code or name",
            examples=["TX"],
        ),
    ] = None,
) -> Response:
    """Metropolitan and nonmetropolitan areas that have figures; filter, sort, page, CSV."""
    return _area_list(query, page, release, kind="metro", state=state)


@router.get("/metros/{code}", response_model=AreaDetail)
async def get_metro(code: MetroCode, asked: AskedDep) -> Response:
    """One metro area's figures and its principal states."""
    return _area(asked, kind="metro", code=code)


@router.get("/benchmarks", response_model=BenchmarkPage)
async def list_benchmarks(
    request: Request,
    snapshot: SnapshotDep,
    occupation: OccupationDep,
    *,
    page: Annotated[Paging, paging(service.BENCHMARK_SORT_KEYS)],
) -> Response:
    """National figures from Salary.com, Payscale and Glassdoor, each with its job title and as-of."""
    envelope, items = service.benchmarks(snapshot, occupation=occupation)
    return list_response(
        request,
        page,
        items=items,
        envelope=envelope,
        provenance=lambda page: snapshot.provenance(i["release"] for i in page),
        csv_name=f"benchmarks_{occupation.soc_code}.csv",
    )


for _path, _endpoint in (
    ("/states.csv", list_states),
    ("/metros.csv", list_metros),
    ("/benchmarks.csv", list_benchmarks),
):
    router.add_api_route(
        _path,
        csv_twin(_endpoint),
        methods=["GET"],
        tags=["csv"],
        response_class=Response,
        responses=CSV_CONTENT,
    )
