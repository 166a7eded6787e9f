"""Sorting, paging and strict query-parameter checking shared by every list endpoint."""

import re
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from types import SimpleNamespace
from typing import Any, TypeVar
from urllib.parse import unquote_plus, urlencode

from fastapi import Query, Request
from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute, iter_route_contexts
from pydantic import BaseModel, BeforeValidator
from starlette.types import ASGIApp, Receive, Scope, Send

from app.errors import InvalidQuery, describe_pattern, nearest_spelling

SortKey = Callable[[Any], Any]
# An item of a list answer: a plain dict, or a TypedDict (app/domain/records.py).
ItemT = TypeVar("ItemT", bound=Mapping[str, Any])
MAX_LIMIT = 1000
DEFAULT_LIMIT = 100
# The longest ``sort`` or ``fields`` value taken, and the most names a refusal suggests a spelling for.
MAX_NAMES_LENGTH = 300
MAX_SUGGESTED_NAMES = 12
# A direction written after a sort field ("median desc", "median:desc", "median_desc"), as people write it.
_DIRECTION = re.compile(r"^(?P<name>.*?)(?:[\s:_]+(?P<word>asc|ascending|desc|descending))?$")


# Where EmptyValuesAbsent leaves the names of the parameters it took out, for reject_unknown_params.
EMPTY_PARAMS = "salary_api.empty_params"


def without_empty_values(query_string: bytes) -> tuple[bytes, tuple[str, ...]] | None:
    """The query without its parameters whose value is empty or only spaces (``years=``, ``years=+``,
    ``years`` alone; a stray ``&`` or ``=``), and the names of those taken out, unescaped as typed; None when
    there are none."""
    kept: list[bytes] = []
    empty: list[str] = []
    pairs = query_string.split(b"&")
    for pair in pairs:
        name, _, value = pair.partition(b"=")
        if _blank(value):
            if name:
                empty.append(unquote_plus(name.decode("latin-1")))
        else:
            kept.append(pair)
    return None if len(kept) == len(pairs) else (b"&".join(kept), tuple(empty))


def _blank(value: bytes) -> bool:
    """Whether a query value as sent is empty once unescaped and stripped (``+``, ``%20``, ``%09``)."""
    if not value.strip(b"+"):
        return True
    return b"%" in value and not unquote_plus(value.decode("latin-1")).strip()


class EmptyValuesAbsent:
    """A parameter with an empty value (or only spaces) is a parameter not given: an HTML form sends a
    field left blank as ``years=``, and a job board fills a URL template from a posting's empty fields. Its
    name must still be one the route takes. Placed where FastAPI's stack starts, below the response cache
    (which keys such a query apart, for the same bytes and ETag) and the estimate's fast route (which leaves
    it to FastAPI), so no cached answer pays for it."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        query_string = scope.get("query_string", b"")
        if scope["type"] == "http" and query_string:
            found = without_empty_values(query_string)
            if found is not None:
                kept, empty = found
                scope = {**scope, "query_string": kept, EMPTY_PARAMS: empty}
        await self.app(scope, receive, send)


def names(value: str) -> list[str]:
    """The names of a comma-separated ``sort`` or ``fields`` value as a person types them: the case of a
    name and the spaces around it mean nothing."""
    return [part.strip().lower() for part in value.split(",")]


def parse_sort(sort: str | None, allowed: dict[str, SortKey]) -> list[tuple[str, bool]]:
    """Parse ``sort=-median,name`` into [(field, descending)], rejecting unknown or repeated fields."""
    if sort is None or sort == "":
        return []
    spec: list[tuple[str, bool]] = []
    for part in names(sort):
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
    alternatives = "|".join(sorted(listed, key=lambda f: (-len(f), f)))
    sign = "[-+]?" if signed else ""
    words = f"comma-separated fields from {', '.join(listed)}" + (
        " ('-' before a field: descending)" if signed else ""
    )
    return describe_pattern(
        f"^{sign}(?:{alternatives})(?:,{sign}(?:{alternatives}))*$",
        words,
        listed,
        suggest=lambda typed: meant_names(typed, listed, signed=signed),
    )


def meant_names(typed: str, allowed: list[str], *, signed: bool = True) -> str | None:
    """The value ``typed`` was likely meant to be ('median desc' is '-median', 'Medain' is 'median'), or None
    when some name in it is like none of ``allowed``."""
    parts = names(typed[:MAX_NAMES_LENGTH])
    if len(parts) > MAX_SUGGESTED_NAMES:  # a suggestion costs a fuzzy match a name: bounded
        return None
    meant = []
    for part in parts:
        sign = ""
        if signed:
            if part[:1] in ("-", "+"):
                sign, part = part[0].replace("+", ""), part[1:].strip()
            said = _DIRECTION.match(part)
            if said is not None and said["word"]:
                part, sign = said["name"], "-" if said["word"].startswith("desc") else ""
        name = part if part in allowed else nearest_spelling(part, allowed)
        if name is None:
            return None
        meant.append(sign + name)
    return ",".join(meant)


def _folding(pattern: str) -> BeforeValidator:
    """A value of names read as typed (any case, spaces around a name) where that makes it match ``pattern``;
    any other value stays as typed, for the refusal to name it."""
    matches = re.compile(pattern).fullmatch

    def fold(value: Any) -> Any:
        if isinstance(value, str) and len(value) <= MAX_NAMES_LENGTH:
            folded = ",".join(names(value))
            if matches(folded):
                return folded
        return value

    return BeforeValidator(fold)


def names_query(fields: Iterable[str], *, signed: bool = True, **query: Any) -> Any:
    """``Query`` of a comma-separated list of ``fields`` (a ``sort`` value when ``signed``), read as typed."""
    pattern = sort_pattern(fields, signed=signed)
    param = Query(pattern=pattern, max_length=MAX_NAMES_LENGTH, **query)
    param.metadata.append(_folding(pattern))
    return param


def sort_query(fields: Iterable[str], purpose: str = "Sort fields") -> Any:
    """``Query`` of the ``sort`` parameter of a list whose sort fields are ``fields``."""
    listed = list(fields)
    return names_query(
        listed,
        description=f"{purpose}: comma-separated, from {', '.join(listed)}. Prefix '-' for descending; "
        "nulls sort last; a field given again is ignored; case and spaces around a field do not matter.",
        examples=[f"-{listed[-1]},{listed[0]}"],
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
        known = frozenset(p.alias for p in params)
        multi = frozenset(
            p.alias for p in params if getattr(p.field_info, "json_schema_extra", None) == {"multi": True}
        )
        cached = (known, multi)
        _ALLOWED[id(route)] = cached
    return cached


async def reject_unknown_params(request: Request) -> None:
    """Unknown or repeated query parameters are errors, never silently ignored."""
    route = request.scope.get("route")
    if not isinstance(route, APIRoute):
        return
    allowed, multi = _route_params(route)
    for key in request.scope.get(EMPTY_PARAMS, ()):
        if key not in allowed:
            raise _unknown(request, route, key, "", allowed)
    seen: set[str] = set()
    for key, value in request.query_params.multi_items():
        if key not in allowed:
            raise _unknown(request, route, key, value, allowed)
        if key in seen and key not in multi:
            raise InvalidQuery(
                f"Query parameter {key!r} is given more than once; give it once.",
                details=[{"parameter": key}],
            )
        seen.add(key)


def reject_any_params(request: Request) -> None:
    """For a route outside FastAPI's parameters (the contract at /openapi.json): any query parameter is
    refused as reject_unknown_params refuses one, with a value or without."""
    for key in request.scope.get(EMPTY_PARAMS, ()):
        raise _unknown(request, None, key, "", frozenset())
    for key, value in request.query_params.multi_items():
        raise _unknown(request, None, key, value, frozenset())


def _unknown(
    request: Request, route: APIRoute | None, key: str, value: str, allowed: frozenset[str]
) -> InvalidQuery:
    """The refusal of a parameter ``route`` does not take, with the nearest it does take; a list's CSV twin
    (its path plus '.csv') says where a parameter of the JSON list alone, such as its paging, goes instead."""
    shown = key if len(key) <= 40 else key[:40] + "..."
    listed = sorted(allowed)
    detail: dict[str, Any] = {"parameter": shown, "allowed": listed}
    message = f"Unknown query parameter {shown!r}."
    paths = [
        (context.original_route, context.path)
        for context in iter_route_contexts(list(request.app.router.routes))
        if "GET" in (context.methods or ()) and isinstance(context.original_route, APIRoute)
    ]
    path = next((p for r, p in paths if r is route and p is not None), request.url.path)
    json_path = path.removesuffix(".csv")
    twin = next((r for r, p in paths if p == json_path), None) if json_path != path else None
    if twin is not None and key in _route_params(twin)[0]:
        query = request.url.query or urlencode([(key, value[:40])])
        suggestion = f"{json_path}?{query if len(query) <= 200 else urlencode([(key, value[:40])])}"
        message = (
            f"Unknown query parameter {shown!r}: {path} answers every matching row, without paging; "
            f"{shown!r} is a parameter of the JSON list: {suggestion}."
        )
        detail["problem"] = f"a parameter of {json_path}, not of {path}"
        detail["suggestion"] = suggestion
    else:
        nearest = nearest_spelling(key.lower(), listed)
        if nearest:
            message += f" Did you mean {nearest!r}?"
    return InvalidQuery(
        f"{message} Allowed parameters here: {', '.join(listed) or 'none'}.", details=[detail]
    )
