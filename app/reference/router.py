"""Reference routes: experience levels, pay factors, certifications, sources, occupations."""

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from app.deps import SnapshotDep
from app.listing import CSV_CONTENT, Paging, csv_twin, list_response, paging
from app.reference import service
from app.reference.schemas import CertificationPage, ExperiencePage, FactorPage, OccupationPage, SourcePage
from app.schemas import ERROR_RESPONSES

router = APIRouter(tags=["reference"], responses=ERROR_RESPONSES)


def _keys(*names: str) -> dict[str, Any]:
    return {n: (lambda i, n=n: i[n]) for n in names}


EXPERIENCE_SORT = {
    **_keys("key", "name", "years_min"),
    "hourly_low": lambda i: i["hourly"]["low"],
    "annual_low": lambda i: i["annual"]["low"],
}
FACTOR_SORT = _keys("key", "factor", "kind", "source")
CERTIFICATION_SORT = _keys("code", "name", "issuer")
SOURCE_SORT = _keys("key", "publisher", "kind", "title")
OCCUPATION_SORT = {
    "code": lambda i: i["soc_code"],
    "soc_code": lambda i: i["soc_code"],
    "name": lambda i: i["title"],
}


@router.get("/experience", response_model=ExperiencePage)
async def list_experience(
    request: Request,
    snapshot: SnapshotDep,
    years: Annotated[
        int | None, Query(ge=0, le=60, description="Return the level that covers N years")
    ] = None,
    *,
    page: Annotated[Paging, paging(EXPERIENCE_SORT)],
) -> Response:
    """Pay by experience level (entry, mid, senior) with years, hourly and annual ranges."""
    items = service.experience_levels(snapshot, years=years)
    return list_response(
        request,
        page,
        items=items,
        envelope={},
        provenance=lambda its: service.release_provenance(snapshot, items=its),
        csv_name="experience.csv",
    )


@router.get("/factors", response_model=FactorPage)
async def list_factors(
    request: Request,
    snapshot: SnapshotDep,
    *,
    page: Annotated[Paging, paging(FACTOR_SORT)],
) -> Response:
    """Pay factors: what each source says moves pay, with a number only where the source gives one."""
    return list_response(
        request,
        page,
        items=service.pay_factors(snapshot),
        envelope={},
        provenance=lambda its: service.release_provenance(snapshot, items=its),
        csv_name="factors.csv",
    )


@router.get("/certifications", response_model=CertificationPage)
async def list_certifications(
    request: Request,
    snapshot: SnapshotDep,
    *,
    page: Annotated[Paging, paging(CERTIFICATION_SORT)],
) -> Response:
    """Coding certifications, their issuing body and what each covers."""
    # Certifications carry no release of their own: their sentences are the article's.
    article = ["article"] if "article" in snapshot.release_by_key else []
    return list_response(
        request,
        page,
        items=service.certifications(snapshot),
        envelope={},
        provenance=lambda _its: snapshot.provenance(article),
        csv_name="certifications.csv",
    )


@router.get("/sources", response_model=SourcePage)
async def list_sources(
    request: Request,
    snapshot: SnapshotDep,
    *,
    page: Annotated[Paging, paging(SOURCE_SORT)],
) -> Response:
    """Every source and its data releases (with file checksum and row counts for imports)."""
    return list_response(
        request,
        page,
        items=service.sources(snapshot),
        envelope={},
        provenance=lambda _its: {"data_version": snapshot.version},
        csv_name="sources.csv",
    )


@router.get("/occupations", response_model=OccupationPage)
async def list_occupations(
    request: Request,
    snapshot: SnapshotDep,
    *,
    page: Annotated[Paging, paging(OCCUPATION_SORT)],
    q: Annotated[
        str | None,
        Query(
            min_length=1,
            max_length=100,
            description="Search titles, aliases and SOC codes, e.g. 'medical coder' or 'billing specialist'; "
            "best matches first",
            examples=["billing specialist"],
        ),
    ] = None,
) -> Response:
    """Occupations (SOC code, title, aliases such as 'medical coder') and the releases holding their wages."""
    return list_response(
        request,
        page,
        items=service.occupations(snapshot, q=q),
        envelope={},
        provenance=lambda _its: {"data_version": snapshot.version},
        csv_name="occupations.csv",
    )


for _endpoint in (list_experience, list_factors, list_certifications, list_sources, list_occupations):
    router.add_api_route(
        f"/{_endpoint.__name__.removeprefix('list_')}.csv",
        csv_twin(_endpoint),
        methods=["GET"],
        tags=["csv"],
        response_class=Response,
        responses=CSV_CONTENT,
    )
