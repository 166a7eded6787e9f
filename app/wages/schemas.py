"""Public response models for wage figures by area."""

from typing import Optional

from pydantic import BaseModel, Field, create_model

from app.domain.models import STATISTICS, AreaType, Tier
from app.schemas import AreaRef, Figure, Location, OccupationRef, Page, Provenance, ReleaseRef


class Wages(BaseModel):
    p10: Figure | None
    p25: Figure | None
    median: Figure | None
    p75: Figure | None
    p90: Figure | None
    mean: Figure | None


class Employment(BaseModel):
    employment: float | None
    employment_rse: float | None
    jobs_per_1000: float | None
    location_quotient: float | None
    mean_wage_rse: float | None
    pct_total: float | None
    pct_reporting: float | None


class MetroRef(BaseModel):
    code: str
    name: str


class AreaWages(BaseModel):
    code: str
    name: str
    area_type: AreaType
    release: str | None = Field(description="Key of the release these figures come from")
    tier: Tier | None = Field(description="top_paying or lower_paying, where the source names one")
    rank: int | None
    tier_citation: str | None
    tier_release: str | None
    wages: Wages
    wages_released: bool = Field(
        True, description="False when the source published employment for the area but withheld its wages"
    )
    employment: Employment | None
    usps: str | None = None
    fips: str | None = None
    metros: list[MetroRef] | None = None
    principal_states: list[str] | None = None


# With fields=, an item carries only the fields asked for; a statistic name (median, ...) gives that figure.
AreaFields = create_model(  # type: ignore[call-overload]
    "AreaFields",
    __doc__="An area with only the fields asked for by fields= (every property optional).",
    **{
        name: (Optional[field.annotation], Field(default=None, description=field.description))  # noqa: UP045
        for name, field in AreaWages.model_fields.items()
    },
    **{stat: (Figure | None, Field(default=None, description=f"The {stat} figure")) for stat in STATISTICS},
)


class AreaPage(Page, Provenance):
    occupation: OccupationRef
    items: list[AreaWages | AreaFields] = Field(  # type: ignore[valid-type]
        description="The areas of this page: whole (AreaWages), or with fields= only the fields asked for"
    )


class MetroPage(AreaPage):
    location: Location | None = Field(description="With state=: how the state was understood")


class AreaDetail(Provenance):
    occupation: OccupationRef
    location: Location = Field(description="How the path's code or name was understood")
    item: AreaWages


class Percentiles(BaseModel):
    p10: Figure | None
    p25: Figure | None
    median: Figure | None
    p75: Figure | None
    p90: Figure | None


class PercentilesResponse(Provenance):
    occupation: OccupationRef
    area: AreaRef
    location: Location
    release: ReleaseRef
    percentiles: Percentiles
    mean: Figure | None
    employment: Employment | None = Field(
        description="Employment, its relative standard error and location quotient, as the release gives them"
    )
    wages_released: bool = Field(
        description="False when the source published employment for the area but withheld its wages"
    )
    note: str | None = Field(description="Why figures are null, when they are")


class BenchmarkItem(BaseModel):
    source: str
    publisher: str | None
    release: str
    as_of: str | None = Field(description="The period the source gives, or null when it gives none")
    job_title: str
    statistic: str
    unit: str = Field(description="The unit the source published: hourly or annual")
    hourly: float | None
    annual: float | None
    hourly_low: float | None
    hourly_high: float | None
    annual_low: float | None
    annual_high: float | None
    hourly_derived: bool
    annual_derived: bool
    citation: str


class BenchmarkPage(Page, Provenance):
    occupation: OccupationRef
    items: list[BenchmarkItem]
