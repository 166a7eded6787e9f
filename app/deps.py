"""Request dependencies and the query parameters several routes share."""

import asyncio
import json
from itertools import islice
from typing import Annotated, Any

from fastapi import Depends, Query, Request

from app.config import DEFAULT_OCCUPATION
from app.domain.occupations import MAX_OCCUPATION_LENGTH, OCCUPATION, OccupationMatch
from app.domain.places import Located, LocationFields
from app.domain.profile import BODY_EXAMPLES, ProfileQuery
from app.domain.store import Snapshot
from app.errors import RepeatedName, ServiceUnavailable, UnsupportedMediaType


async def get_snapshot(request: Request) -> Snapshot:
    """The current in-memory data; 503 while no data could be loaded."""
    store = request.app.state.store
    snapshot = store.snapshot
    if snapshot is None:
        if store.database_ok is False:
            await asyncio.to_thread(store.refresh_if_due)
            snapshot = store.snapshot
        if snapshot is None:
            raise ServiceUnavailable(
                "Wage data are not available yet: the database is unreachable or not seeded. "
                "Retry shortly; /readyz reports readiness."
            )
    return snapshot


SnapshotDep = Annotated[Snapshot, Depends(get_snapshot)]


OccupationParam = Annotated[
    str,
    Query(description=OCCUPATION, max_length=MAX_OCCUPATION_LENGTH, examples=["29-2072", "medical coder"]),
]


async def in_memory(snapshot: Snapshot, occupation_id: int) -> None:
    """Read an occupation's figures in a worker thread on its first request, so the event loop never waits
    on the database."""
    if not snapshot.has_figures(occupation_id):
        await asyncio.to_thread(snapshot.occupation_figures, occupation_id)


async def matched_occupation(
    snapshot: SnapshotDep, occupation: OccupationParam = DEFAULT_OCCUPATION
) -> OccupationMatch:
    """The occupation ``occupation=`` means (else a 404, or a 422 with candidates), its figures in memory."""
    match = snapshot.catalog.resolve(occupation)
    await in_memory(snapshot, match.id)
    return match


OccupationDep = Annotated[OccupationMatch, Depends(matched_occupation)]


async def located(snapshot: SnapshotDep, where: Annotated[LocationFields, Query()]) -> Located:
    """The one area ``location``, ``state`` and ``metro`` name together (app/domain/places.py)."""
    return snapshot.gazetteer.locate(location=where.location, state=where.state, metro=where.metro)


LocatedDep = Annotated[Located, Depends(located)]
ReleaseParam = Annotated[
    str | None,
    Query(
        description="Pin one data release by key (see /sources); default: newest release per area",
        max_length=80,
        examples=["bls-oews-2023-05-article"],
    ),
]


# The curl hint's body: the documented example profile's first field alone.
_CURL_BODY = json.dumps(dict(islice(BODY_EXAMPLES[0].items(), 1)))


class _Repeats(dict[str, Any]):
    """An object of a JSON body giving a name more than once; ``pairs``: its names and values as sent."""

    __slots__ = ("pairs",)
    pairs: list[tuple[str, Any]]

    @property
    def name(self) -> str:
        """The first name given a second time."""
        seen = set()
        for name, _ in self.pairs:
            if name in seen:
                return name
            seen.add(name)
        raise AssertionError("fewer names than pairs: one repeats")


# How many values (in arrays and objects) are looked through for where a repeated name is: a list of 100
# profiles has about 1,000; a body of 1 MB may have 500,000, whose search would cost more than its parse.
# Past it, the name is said without its place.
PLACES_SEARCHED = 10_000


def repeated_name(body: bytes) -> tuple[str, tuple[str | int, ...] | None] | None:
    """A name a JSON body gives twice in one object, and the path (names and list indexes) to the first such
    object by where it opens (None when not found within ``PLACES_SEARCHED`` values); None when every
    object's names are distinct, or for a body that is not JSON (its parser says so). One parse and, with a
    repeat, a bounded search."""
    first: _Repeats | None = None

    def pairs(items: list[tuple[str, Any]]) -> dict[str, Any]:
        nonlocal first
        obj = dict(items)
        if len(obj) == len(items):
            return obj
        marked = _Repeats(obj)
        marked.pairs = items
        if first is None:
            first = marked
        return marked

    try:
        tree = json.loads(body, object_pairs_hook=pairs)
    except (ValueError, RecursionError):
        return None
    if first is None:
        return None
    # Depth first, children in order; each entry links to its parent, so no path is copied on the way down.
    stack: list[tuple[Any, tuple[Any, ...] | None]] = [(tree, None)]
    budget = PLACES_SEARCHED
    while stack:
        node, link = stack.pop()
        if isinstance(node, _Repeats):
            path: list[str | int] = []
            while link is not None:
                step, link = link
                path.append(step)
            return node.name, tuple(reversed(path))
        children = islice(node.items() if isinstance(node, dict) else enumerate(node), budget)
        budget -= min(len(node), budget)
        containers = [(child, (step, link)) for step, child in children if isinstance(child, (dict, list))]
        stack.extend(reversed(containers))
    return first.name, None


async def json_body(request: Request) -> None:
    """A route that takes a JSON body says so plainly when the request is not marked as JSON (415), and
    refuses a body whose object gives a name twice (422): JSON readers differ on which one counts (RFC 8259
    §4), so a check made on one reading (a proxy's) must not be bypassed by the other (Python's last wins).
    FastAPI has read the body by now: malformed JSON was its 400, before this."""
    content_type = request.headers.get("content-type", "")
    media = content_type.split(";", 1)[0].strip().lower()
    if media != "application/json" and not (media.startswith("application/") and media.endswith("+json")):
        shown = (content_type[:60] + "...") if len(content_type) > 60 else content_type
        raise UnsupportedMediaType(
            f"{request.method} {request.url.path} takes a JSON body: send the header "
            f"'Content-Type: application/json'"
            + (f" (this request sent {shown!r})." if content_type else " (this request sent none).")
            + f" With curl: curl -H 'Content-Type: application/json' -d '{_CURL_BODY}' ...",
            details=[{"parameter": "Content-Type", "value": shown or None, "allowed": ["application/json"]}],
        )
    repeated = repeated_name(await request.body())
    if repeated is not None:
        raise RepeatedName(*repeated)


ProfileQueryDep = Annotated[ProfileQuery, Query()]
"""The profile as query parameters (GET /estimate and the embed card): FastAPI's query model of the one
profile definition."""
