"""Sorting, paging and strict query-parameter checking shared by every list endpoint."""

from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from types import SimpleNamespace
from typing import Any, TypeVar
from urllib.parse import urlencode

from fastapi import Query, Request
from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute
from pydantic import BaseModel

from app.errors import InvalidQuery, describe_pattern

SortKey = Callable[[Any], Any]
# An item of a list answer: a plain dict, or a TypedDict (app/domain/records.py).
ItemT = TypeVar("ItemT", bound=Mapping[str, Any])
MAX_LIMIT = 1000
DEFAULT_LIMIT = 100


def parse_sort(sort: str | None, allowed: dict[str, SortKey]) -> list[tuple[str, bool]]:
    """Parse ``sort=-median,name`` into [(field, descending)], rejecting unknown or repeated fields."""
    if sort is None or sort == "":
        return []
    spec: list[tuple[str, bool]] = []
    for raw in sort.split(","):
        part = raw.strip()
        desc = part.startswith("-")
        name = part[1:] if desc or part.startswith("+") else part
        if name not in allowed:
            shown = part if len(part) <= 40 else part[:40] + "..."
            raise InvalidQuery(
                f"Cannot sort by {shown!r}. Allowed sort fields: {', '.join(allowed)}; "
                "prefix a field with '-' for descending, separate several with commas.",
                details=[{"parameter": "sort", "value": shown, "allowed": list(allowed)}],
            )
        # A field given again cannot change the order any more: ignored, so every schema-valid value works.
        if all(name != seen for seen, _ in spec):
            spec.append((name, desc))
    return spec


def sort_pattern(fields: Iterable[str], *, signed: bool = True) -> str:
    """The regular expression of a ``sort`` value (allowed fields, comma-separated, each maybe '-'/'+'), or
    with ``signed=False`` of a ``fields`` value; a value that does not match is explained by the names."""
    listed = list(fields)
    names = "|".join(sorted(listed, key=lambda f: (-len(f), f)))
    sign = "[-+]?" if signed else ""
    words = f"comma-separated fields from {', '.join(listed)}" + (
        " ('-' before a field: descending)" if signed else ""
    )
    return describe_pattern(f"^{sign}(?:{names})(?:,{sign}(?:{names}))*$", words, listed)


def sort_query(fields: Iterable[str], purpose: str = "Sort fields") -> Any:
    """``Query`` of the ``sort`` parameter of a list whose sort fields are ``fields``."""
    names = list(fields)
    return Query(
        description=f"{purpose}: comma-separated, from {', '.join(names)}. Prefix '-' for descending; "
        "nulls sort last; a field given again is ignored.",
        pattern=sort_pattern(names),
        max_length=300,
        examples=[f"-{names[-1]},{names[0]}"],
    )


def apply_sort(items: Sequence[ItemT], spec: list[tuple[str, bool]], keys: dict[str, SortKey]) -> list[ItemT]:
    """Stable multi-key sort; nulls go last whichever the direction."""
    result = list(items)
    for name, desc in reversed(spec):
        key = keys[name]
        present = [i for i in result if key(i) is not None]
        missing = [i for i in result if key(i) is None]
        present.sort(key=key, reverse=desc)
        result = present + missing
    return result


def page_links(request: Request, *, total: int, limit: int, offset: int) -> dict[str, Any]:
    """``total``, ``limit``, ``offset`` and a ``next`` link that keeps every other parameter."""
    next_url = None
    if offset + limit < total:
        params = [(k, v) for k, v in request.query_params.multi_items() if k != "offset"]
        params.append(("offset", str(offset + limit)))
        # Canonical (sorted) order: the same page has the same bytes whatever order the caller used.
        params.sort(key=lambda kv: kv[0])
        next_url = f"{request.url.path}?{urlencode(params)}"
    return {"total": total, "limit": limit, "offset": offset, "next": next_url}


_ALLOWED: dict[int, tuple[frozenset[str], frozenset[str]]] = {}


def query_params(dependant: Dependant) -> Iterator[Any]:
    """Every query parameter of a route and its dependencies (a query model's fields one by one)."""
    for param in dependant.query_params:
        model = param.field_info.annotation
        if isinstance(model, type) and issubclass(model, BaseModel):  # a query model: its fields
            for name, field in model.model_fields.items():
                yield SimpleNamespace(alias=field.alias or name, field_info=field)
        else:
            yield param
    for sub in dependant.dependencies:
        yield from query_params(sub)


def _route_params(route: APIRoute) -> tuple[frozenset[str], frozenset[str]]:
    cached = _ALLOWED.get(id(route))
    if cached is None:
        params = list(query_params(route.dependant))
        names = frozenset(p.alias for p in params)
        multi = frozenset(
            p.alias for p in params if getattr(p.field_info, "json_schema_extra", None) == {"multi": True}
        )
        cached = (names, multi)
        _ALLOWED[id(route)] = cached
    return cached


async def reject_unknown_params(request: Request) -> None:
    """Unknown or repeated query parameters are errors, never silently ignored."""
    route = request.scope.get("route")
    if not isinstance(route, APIRoute):
        return
    allowed, multi = _route_params(route)
    seen: set[str] = set()
    for key, _value in request.query_params.multi_items():
        if key not in allowed:
            shown = key if len(key) <= 40 else key[:40] + "..."
            raise InvalidQuery(
                f"Unknown query parameter {shown!r}. Allowed parameters here: "
                f"{', '.join(sorted(allowed)) or 'none'}.",
                details=[{"parameter": shown, "allowed": sorted(allowed)}],
            )
        if key in seen and key not in multi:
            raise InvalidQuery(
                f"Query parameter {key!r} is given more than once; give it once.",
                details=[{"parameter": key}],
            )
        seen.add(key)
