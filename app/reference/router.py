"""Reference routes: experience levels, pay factors, certifications, sources, occupations."""

from collections.abc import Awaitable, Callable, Mapping, Sequence
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from app.deps import SnapshotDep
from app.domain.store import Snapshot
from app.listing import CSV_CONTENT, Paging, csv_twin, list_response, paging
from app.query import SortKey
from app.reference import service
from app.reference.schemas import CertificationPage, ExperiencePage, FactorPage, OccupationPage, SourcePage
from app.schemas import ERROR_RESPONSES

router = APIRouter(tags=["reference"], responses=ERROR_RESPONSES)

Items = Sequence[Mapping[str, Any]]
# The provenance of a list's items, once sorted.
ProvenanceOf = Callable[[Snapshot, Items], Mapping[str, Any]]


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


def _item_releases(snapshot: Snapshot, items: Items) -> Mapping[str, Any]:
    return service.release_provenance(snapshot, items=items)


def _article_release(snapshot: Snapshot, _items: Items) -> Mapping[str, Any]:
    # Certifications carry no release of their own: their sentences are the article's.
    return snapshot.provenance(["article"] if "article" in snapshot.release_by_key else [])


def _data_version(snapshot: Snapshot, _items: Items) -> Mapping[str, Any]:
    return {"data_version": snapshot.version}


def _answer(
    request: Request, page: Paging, snapshot: Snapshot, items: Items, provenance: ProvenanceOf, name: str
) -> Response:
    """A reference list's page (its provenance, no other envelope), or all of it as ``<name>.csv``."""
    return list_response(
        request,
        page,
        items=items,
        envelope={},
        provenance=lambda sorted_items: provenance(snapshot, sorted_items),
        csv_name=f"{name}.csv",
    )


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
    return _answer(request, page, snapshot, items, _item_releases, "experience")


def _whole_list(
    name: str, sort_keys: dict[str, SortKey], items: Callable[[Snapshot], Items], provenance: ProvenanceOf
) -> Callable[..., Awaitable[Response]]:
    """The route ``list_<name>`` of a list that takes no filter: every item, sorted and paged."""

    async def endpoint(
        request: Request, snapshot: SnapshotDep, page: Annotated[Paging, paging(sort_keys)]
    ) -> Response:
        return _answer(request, page, snapshot, items(snapshot), provenance, name)

    endpoint.__name__ = endpoint.__qualname__ = f"list_{name}"
    endpoint.__doc__ = WHOLE_LIST_DESCRIPTIONS[name]
    return endpoint


# What each list that takes no filter answers (its operation's description).
WHOLE_LIST_DESCRIPTIONS = {
    "factors": "Pay factors: what each source says moves pay, with a number only where the source gives one.",
    "certifications": "Coding certifications, their issuing body and what each covers.",
    "sources": "Every source and its data releases (with file checksum and row counts for imports).",
}
# Name (of the path and the CSV file), answer model, sort keys, items, provenance.
WHOLE_LISTS = (
    ("factors", FactorPage, FACTOR_SORT, service.pay_factors, _item_releases),
    ("certifications", CertificationPage, CERTIFICATION_SORT, service.certifications, _article_release),
    ("sources", SourcePage, SOURCE_SORT, service.sources, _data_version),
)
whole_list_routes = []
for _name, _model, _sort_keys, _items, _provenance in WHOLE_LISTS:
    whole_list_routes.append(_whole_list(_name, _sort_keys, _items, _provenance))
    router.get(f"/{_name}", response_model=_model)(whole_list_routes[-1])


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
    items = service.occupations(snapshot, q=q)
    return _answer(request, page, snapshot, items, _data_version, "occupations")


for _endpoint in (list_experience, *whole_list_routes, list_occupations):
    router.add_api_route(
        f"/{_endpoint.__name__.removeprefix('list_')}.csv",
        csv_twin(_endpoint),
        methods=["GET"],
        tags=["csv"],
        response_class=Response,
        responses=CSV_CONTENT,
    )
