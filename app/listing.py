"""Turns a list of in-memory items into a sorted page of JSON, or into streamed CSV."""

import csv
import inspect
import io
import typing
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Annotated, Any

import orjson
from fastapi import Depends, Query, Request
from fastapi.params import Depends as DependsParam
from fastapi.responses import Response, StreamingResponse

from app.csvsafe import neutralise
from app.errors import describe_pattern
from app.negotiation import Representation, negotiate
from app.query import DEFAULT_LIMIT, MAX_LIMIT, SortKey, apply_sort, page_links, parse_sort, sort_query

JSON_MEDIA = "application/json"


def json_response(body: Any, status_code: int = 200, headers: dict[str, str] | None = None) -> Response:
    """Serialise with orjson (fast, and it rejects NaN/inf by turning them into null)."""
    return Response(orjson.dumps(body), status_code=status_code, media_type=JSON_MEDIA, headers=headers)


def wants_csv(request: Request, fmt: str | None) -> bool:
    """CSV when ``format=csv``, or when the Accept header prefers text/csv (the edge keys its cache on the
    same negotiation)."""
    return negotiate(fmt, request.headers.get("accept")) is Representation.csv


LimitParam = Annotated[
    int, Query(ge=1, le=MAX_LIMIT, description=f"Page size (max {MAX_LIMIT})", examples=[DEFAULT_LIMIT])
]
OffsetParam = Annotated[int, Query(ge=0, le=10_000_000, description="Items to skip")]
FormatParam = Annotated[
    str | None,
    Query(
        pattern=describe_pattern("^(json|csv)$", "json or csv", ["json", "csv"]),
        description="json (the default) or csv. Kept for existing callers but not in the contract: the CSV "
        "representation is its own operation, at the list's path plus '.csv' (Accept: text/csv works too).",
        include_in_schema=False,
    ),
]
DEFAULT_PAGE = DEFAULT_LIMIT


@dataclass(frozen=True, slots=True)
class Paging:
    """A list's sort, page and representation, as the request asked for them."""

    sort: str | None
    sort_keys: dict[str, SortKey]
    limit: int
    offset: int
    csv: bool


def paging(sort_keys: dict[str, SortKey]) -> Any:
    """The ``sort``, ``limit``, ``offset`` and ``format`` parameters of a list sorted by ``sort_keys``, as
    one dependency (``page: Annotated[Paging, paging(KEYS)]``); its CSV twin takes ``sort`` alone."""
    sort_param = Annotated[str | None, sort_query(sort_keys)]

    async def page_params(
        request: Request,
        sort: sort_param = None,
        limit: LimitParam = DEFAULT_PAGE,
        offset: OffsetParam = 0,
        format: FormatParam = None,
    ) -> Paging:
        return Paging(sort, sort_keys, limit, offset, wants_csv(request, format))

    async def every_row(sort: sort_param = None) -> Paging:
        return Paging(sort, sort_keys, MAX_LIMIT, 0, True)

    page_params.every_row = every_row  # type: ignore[attr-defined]
    return Depends(page_params)


def _list_token(value: Any) -> str:
    if isinstance(value, dict):
        return str(value.get("code") or value.get("key") or orjson.dumps(value).decode())
    return str(value)


def flatten(item: Mapping[str, Any], prefix: str = "", parents: set[str] | None = None) -> dict[str, Any]:
    """Nested dicts become ``a_b`` columns; lists become ';'-joined codes or values."""
    flat: dict[str, Any] = {}
    for key, value in item.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            if parents is not None:
                parents.add(name)
            flat.update(flatten(value, f"{name}_", parents))
        elif isinstance(value, list):
            flat[name] = ";".join(_list_token(v) for v in value)
        else:
            flat[name] = value
    return flat


def csv_columns(rows: list[dict[str, Any]], template: dict[str, Any] | None, parents: set[str]) -> list[str]:
    """Column order of the first flattened row (or a template when there are none), plus any later extras;
    ``parents`` are the names flattening found holding objects."""
    # A dict keeps the order of first sight and answers membership in constant time.
    columns: dict[str, None] = dict.fromkeys(flatten(template, "", parents)) if template else {}
    for row in rows:
        for col in row:
            if col not in columns:
                columns[col] = None
    # A field that is null in one row and an object in another becomes the object's columns only.
    return [c for c in columns if c not in parents]


def _csv_stream(rows: list[dict[str, Any]], columns: list[str]) -> Iterator[str]:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(columns)
    for n, row in enumerate(rows, 1):
        writer.writerow([neutralise(row.get(name)) for name in columns])
        if n % 500 == 0:
            yield buf.getvalue()
            buf.seek(0)
            buf.truncate()
    yield buf.getvalue()


def csv_response(
    items: Sequence[Mapping[str, Any]], *, filename: str, template: dict[str, Any] | None = None
) -> Response:
    """All matching rows as CSV, streamed, with a filename that names the resource and release."""
    parents: set[str] = set()
    rows = [flatten(item, "", parents) for item in items]  # once, for the columns and the rows
    return StreamingResponse(
        _csv_stream(rows, csv_columns(rows, template, parents)),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


def list_response(
    request: Request,
    page: Paging,
    *,
    items: Sequence[Mapping[str, Any]],
    envelope: Mapping[str, Any],
    provenance: Any,
    csv_name: str,
    project: Callable[[list[Any]], list[Any]] | None = None,
    csv_template: dict[str, Any] | None = None,
) -> Response:
    """Sort, then either stream every row as CSV or return one JSON page with provenance."""
    spec = parse_sort(page.sort, page.sort_keys)
    ordered = apply_sort(items, spec, page.sort_keys) if spec else list(items)
    prov = provenance(ordered)
    if project is not None:
        ordered = project(ordered)
    if page.csv:
        if csv_template is not None and project is not None:
            csv_template = project([csv_template])[0]
        return csv_response(ordered, filename=csv_name, template=csv_template)
    shown = ordered[page.offset : page.offset + page.limit]
    links = page_links(request, total=len(ordered), limit=page.limit, offset=page.offset)
    body = {**envelope, **prov, **links}
    body["items"] = shown
    return json_response(body)


CSV_CONTENT: dict[int | str, dict[str, Any]] = {
    200: {
        "description": "Every matching row (no paging), one column per field; nested fields become a_b "
        "columns and lists ';'-joined codes",
        "content": {"text/csv": {"schema": {"type": "string"}, "example": "code,name\nNJ,New Jersey\n"}},
    }
}


def csv_twin(endpoint: Callable[..., Any]) -> Callable[..., Any]:
    """The CSV operation of a JSON list route: same filters and sort, every row, no paging or format."""
    signature = inspect.signature(endpoint)

    def every_row(parameter: inspect.Parameter) -> inspect.Parameter:
        for meta in typing.get_args(parameter.annotation)[1:]:
            whole = getattr(meta.dependency, "every_row", None) if isinstance(meta, DependsParam) else None
            if whole is not None:
                return parameter.replace(annotation=Annotated[Paging, Depends(whole)])
        return parameter

    async def twin(**kwargs: Any) -> Any:
        return await endpoint(**kwargs)

    twin.__signature__ = signature.replace(  # type: ignore[attr-defined]
        parameters=[every_row(p) for p in signature.parameters.values()]
    )
    twin.__name__ = f"{endpoint.__name__}_csv"
    twin.__doc__ = f"CSV of {endpoint.__name__.removeprefix('list_')}: every matching row, sorted as asked."
    return twin
