"""Response models shared by several resources (figures, provenance, paging, the error shape)."""

from typing import Any

from pydantic import BaseModel, Field


class Figure(BaseModel):
    hourly: float | None = Field(description="USD per hour")
    annual: float | None = Field(description="USD per year")
    hourly_derived: bool = Field(description="True when hourly was computed as annual / 2080, not published")
    annual_derived: bool = Field(description="True when annual was computed as hourly x 2080, not published")
    hourly_capped: bool = Field(
        description="True when the value is BLS's top code: the wage is at or above it"
    )
    annual_capped: bool
    citation: str = Field(description="The sentence or file row this figure came from")


class ReleaseRef(BaseModel):
    key: str
    label: str
    period: str | None
    source: str
    via: str | None = Field(description="The article that quoted the figures, if they were not imported")
    origin: str


class SourceRef(BaseModel):
    key: str
    publisher: str | None
    title: str
    kind: str
    period: str | None
    url: str | None


class OccupationRef(BaseModel):
    soc_code: str
    title: str
    aliases: list[str]


class Page(BaseModel):
    total: int
    limit: int
    offset: int
    next: str | None


class Provenance(BaseModel):
    data_version: int
    releases: list[ReleaseRef]
    sources: list[SourceRef]


class ErrorDetail(BaseModel):
    status: int
    type: str
    message: str
    details: list[dict[str, Any]]
    request_id: str | None = Field(description="The request's X-Request-ID, as written in the logs")


class ErrorResponse(BaseModel):
    error: ErrorDetail


ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    304: {"description": "Not Modified: the If-None-Match ETag still matches (no body)"},
    400: {"model": ErrorResponse, "description": "Invalid query (unknown parameter, bad sort field, ...)"},
    404: {"model": ErrorResponse, "description": "Not found"},
    422: {"model": ErrorResponse, "description": "Invalid input"},
    413: {"model": ErrorResponse, "description": "Request body too large"},
    429: {"model": ErrorResponse, "description": "Rate limit exceeded; see Retry-After"},
    503: {"model": ErrorResponse, "description": "Data not available (database unreachable or not seeded)"},
}


# A list endpoint's 200 may also be CSV (``format=csv`` or ``Accept: text/csv``).
CSV_RESPONSE: dict[int | str, dict[str, Any]] = {
    200: {"content": {"text/csv": {"schema": {"type": "string"}}}}
}
