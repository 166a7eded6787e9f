"""Turns a list of in-memory items into a sorted page of JSON, or into streamed CSV."""

import csv
import inspect
import io
from collections.abc import Callable, Iterator
from typing import Any

import orjson
from fastapi import Request
from fastapi.responses import Response, StreamingResponse

from app.csvsafe import neutralise
from app.negotiation import Representation, negotiate
from app.query import MAX_LIMIT, SortKey, apply_sort, page_links, parse_sort

JSON_MEDIA = "application/json"


def json_response(body: Any, status_code: int = 200, headers: dict[str, str] | None = None) -> Response:
    """Serialise with orjson (fast, and it rejects NaN/inf by turning them into null)."""
    return Response(orjson.dumps(body), status_code=status_code, media_type=JSON_MEDIA, headers=headers)


def wants_csv(request: Request, fmt: str | None) -> bool:
    """CSV when ``format=csv``, or when the Accept header prefers text/csv (the edge keys its cache on the
    same negotiation)."""
    return negotiate(fmt, request.headers.get("accept")) is Representation.csv


def _list_token(value: Any) -> str:
    if isinstance(value, dict):
        return str(value.get("code") or value.get("key") or orjson.dumps(value).decode())
    return str(value)


def flatten(item: dict[str, Any], prefix: str = "", parents: set[str] | None = None) -> dict[str, Any]:
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


def csv_columns(items: list[dict[str, Any]], template: dict[str, Any] | None) -> list[str]:
    """Column order of the first item (or a template when there are none), plus any later extras."""
    parents: set[str] = set()
    columns: list[str] = list(flatten(template, "", parents).keys()) if template else []
    for item in items:
        for col in flatten(item, "", parents):
            if col not in columns:
                columns.append(col)
    # A field that is null in one row and an object in another becomes the object's columns only.
    return [c for c in columns if c not in parents]


def _csv_stream(items: list[dict[str, Any]], columns: list[str]) -> Iterator[str]:
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=columns, extrasaction="ignore", lineterminator="\n")
    writer.writeheader()
    for n, item in enumerate(items, 1):
        writer.writerow({name: neutralise(value) for name, value in flatten(item).items()})
        if n % 500 == 0:
            yield buf.getvalue()
            buf.seek(0)
            buf.truncate()
    yield buf.getvalue()


def csv_response(
    items: list[dict[str, Any]], *, filename: str, template: dict[str, Any] | None = None
) -> Response:
    """All matching rows as CSV, streamed, with a filename that names the resource and release."""
    columns = csv_columns(items, template)
    return StreamingResponse(
        _csv_stream(items, columns),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


def list_response(
    request: Request,
    *,
    items: list[dict[str, Any]],
    sort: str | None,
    sort_keys: dict[str, SortKey],
    limit: int,
    offset: int,
    envelope: dict[str, Any],
    provenance: Any,
    csv_name: str | None,
    project: Callable[[list[dict[str, Any]]], list[dict[str, Any]]] | None = None,
    csv_template: dict[str, Any] | None = None,
) -> Response:
    """Sort, then either stream every row as CSV or return one JSON page with provenance."""
    spec = parse_sort(sort, sort_keys)
    ordered = apply_sort(items, spec, sort_keys) if spec else list(items)
    prov = provenance(ordered)
    if project is not None:
        ordered = project(ordered)
    if csv_name is not None:
        if csv_template is not None and project is not None:
            csv_template = project([csv_template])[0]
        return csv_response(ordered, filename=csv_name, template=csv_template)
    page = ordered[offset : offset + limit]
    body = {**envelope, **prov, **page_links(request, total=len(ordered), limit=limit, offset=offset)}
    body["items"] = page
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
    dropped = {"format", "limit", "offset"} & set(signature.parameters)

    async def twin(**kwargs: Any) -> Any:
        fixed = {"format": "csv", "limit": MAX_LIMIT, "offset": 0}
        return await endpoint(**kwargs, **{k: v for k, v in fixed.items() if k in dropped})

    twin.__signature__ = signature.replace(  # type: ignore[attr-defined]
        parameters=[p for name, p in signature.parameters.items() if name not in dropped]
    )
    twin.__name__ = f"{endpoint.__name__}_csv"
    twin.__doc__ = f"CSV of {endpoint.__name__.removeprefix('list_')}: every matching row, sorted as asked."
    return twin
