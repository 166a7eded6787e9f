"""Response models shared by several resources (figures, provenance, paging, the error shape)."""

from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from app.domain.models import AreaType
from app.domain.places import Method as LocationMethod
from app.domain.profile import ANNUAL_FROM_HOURLY, HOURS_DEFAULT
from app.domain.records import SourceRef
from app.errors import ErrorType


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


class OccupationRef(BaseModel):
    soc_code: str
    title: str
    aliases: list[str]
    input: str | None = Field(description="The occupation as given (null when the request named none)")
    matched: str | None = Field(
        description="How the input was understood (a title, an alias, an O*NET or SOC 2010 code), in words; "
        "null when it was the SOC code itself or the default"
    )


class LocationArea(BaseModel):
    area_type: AreaType
    code: str
    name: str


class LocationAlternative(LocationArea):
    share: float | None = Field(
        description="Share of the input's addresses in this area (HUD-USPS tot_ratio); null where none "
        "applies"
    )


class Location(BaseModel):
    """How the request's location (location, state, metro) was understood."""

    input: str | None = Field(description="The location as given; null when none was given (national)")
    area: LocationArea = Field(description="The area served")
    method: LocationMethod = Field(description="How the input led to the area")
    explanation: str = Field(description="One sentence saying how, with its source")
    alternatives: list[LocationAlternative] = Field(
        description="Other areas the input touches (a ZIP or city split between areas), each with its share"
    )


class Page(BaseModel):
    total: int
    limit: int
    offset: int
    next: str | None


class Provenance(BaseModel):
    data_version: int
    releases: list[ReleaseRef]
    sources: list[SourceRef]


# A detail's value: a code, a number, a flag, a list of codes, or null.
DetailValue = str | int | float | bool | list[str] | None


class ErrorItem(BaseModel):
    """One machine-readable specific of an error; which keys appear depends on the error."""

    model_config = ConfigDict(extra="allow")
    __pydantic_extra__: dict[str, DetailValue] = Field(init=False)  # type: ignore[assignment]

    parameter: str | None = Field(default=None, description="The query parameter or body field concerned")
    value: DetailValue = Field(default=None, description="The value given")
    problem: str | None = Field(default=None, description="What is wrong with it")
    allowed: list[str] | None = Field(default=None, description="The values that would be accepted")


class Candidate(BaseModel):
    """One thing an ambiguous input could mean."""

    value: str = Field(description="What to send as the parameter's value to mean this one")
    label: str = Field(description="Person-readable description")
    area_type: AreaType | None = Field(description="For a place: the kind of area; null for an occupation")
    code: str = Field(description="The area's or occupation's code")
    name: str


class ErrorDetail(BaseModel):
    status: int = Field(description="The HTTP status, repeated")
    type: ErrorType = Field(description="What went wrong, as a code to branch on")
    message: str = Field(description="Person-readable explanation, saying how to fix the request")
    details: list[ErrorItem] = Field(description="Machine-readable specifics (may be empty)")
    request_id: str | None = Field(description="The request's X-Request-ID, as written in the logs")
    candidates: list[Candidate] | None = Field(
        default=None,
        description="With type ambiguous: what the input could mean, best first; send one's value instead",
    )


class ErrorResponse(BaseModel):
    """The one error shape of every 4xx and 5xx."""

    error: ErrorDetail


ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    400: {"model": ErrorResponse, "description": "Invalid query (unknown parameter, bad sort field, ...)"},
    404: {"model": ErrorResponse, "description": "Not found"},
    422: {"model": ErrorResponse, "description": "Invalid input"},
    413: {"model": ErrorResponse, "description": "Request body too large"},
    429: {"model": ErrorResponse, "description": "Rate limit exceeded; see Retry-After"},
    503: {"model": ErrorResponse, "description": "Data not available (database unreachable or not seeded)"},
}


class AreaRef(BaseModel):
    area_type: AreaType
    code: str
    name: str


class AreaAnswer(Provenance):
    # The head of an answer about one occupation in one area: which occupation, which area, how the
    # location parameters were read.
    occupation: OccupationRef
    area: AreaRef
    location: Location


class Wages(BaseModel):
    p10: Figure | None
    p25: Figure | None
    median: Figure | None
    p75: Figure | None
    p90: Figure | None
    mean: Figure | None


class MoneyRange(BaseModel):
    low: float
    mid: float
    high: float
    open_top: bool = Field(description="True for the senior band: the high end is where '$45.00+' starts")


class AnnualRange(MoneyRange):
    published: bool = Field(
        description="True when these are BLS's published annual figures (a percentile base at "
        f"{HOURS_DEFAULT} hours); false when annual = {ANNUAL_FROM_HOURLY}"
    )


class LevelRef(BaseModel):
    key: str
    name: str
    years_min: int
    years_max: int | None


# The range at one experience level (an estimate's progression, a career ladder's step).
class ProgressionStep(BaseModel):
    level: LevelRef
    hourly: MoneyRange
    annual: AnnualRange
    open_top: bool


InputValue = str | int | float | None


class Note(BaseModel):
    factor: str
    input: InputValue = Field(description="The profile value the note answers; null when it was not given")
    message: str
    source: str | None
    release: str | None
    citation: str | None
