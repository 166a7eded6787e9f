"""Request and public response models for /estimate."""

from pydantic import BaseModel, Field

from app.domain.models import AreaType
from app.domain.profile import ANNUAL_FROM_HOURLY, EXPERIENCE_FIELDS, EstimateRequest, ProfileEcho
from app.schemas import (
    AnnualRange,
    InputValue,
    LevelRef,
    Location,
    MoneyRange,
    Note,
    OccupationRef,
    ProgressionStep,
    Provenance,
)

__all__ = ["EstimateRequest"]


class EstimateArea(BaseModel):
    type: AreaType
    code: str
    name: str


class Base(BaseModel):
    kind: str = Field(
        description=f"experience_band, or area_percentiles with no {'/'.join(EXPERIENCE_FIELDS)}: the p25 / "
        "median / p75 of the most specific area given (metro, else state, else national), as published"
    )
    area: EstimateArea | None = Field(description="The area whose percentiles are the base; null for a band")
    hourly_low: float | None
    hourly_mid: float | None
    hourly_high: float | None
    annual_low: float | None = Field(description="Published annual p25 of an area_percentiles base")
    annual_mid: float | None
    annual_high: float | None
    open_top: bool
    source: str
    release: str
    citation: str


# What a profile parameter was given as: a code, a number, or null when it was left out.


class Adjustment(BaseModel):
    factor: str
    input: InputValue = Field(description="The profile value the adjustment answers (a code or a number)")
    multiplier_low: float = Field(description="Applied to the low end")
    multiplier_mid: float = Field(description="Mean of the low and high multipliers; applied to the mid")
    multiplier_high: float = Field(description="Applied to the high end")
    explanation: str
    source: str
    release: str
    releases: list[str] = Field(
        description="Every release the figures come from (a location factor may pair a state file's release "
        "with the national file's release of the same period)"
    )
    citation: str


class CompensationComponent(BaseModel):
    component: str = Field(description="additional_pay or retirement_match")
    label: str
    low: float
    mid: float
    high: float
    source: str | None
    release: str | None
    citation: str | None


class AnnualAmounts(BaseModel):
    low: float
    mid: float
    high: float


class TotalCompensation(BaseModel):
    base_annual: AnnualAmounts = Field(description="The annual base range the components add to")
    components: list[CompensationComponent]
    low: float
    mid: float
    high: float
    open_top: bool


class EstimateResponse(Provenance):
    occupation: OccupationRef
    location: Location
    profile: ProfileEcho
    level: LevelRef | None = Field(description="The experience band used; null for an area_percentiles base")
    base: Base
    hourly: MoneyRange
    annual: AnnualRange = Field(
        description="BLS's published annual figures for an area_percentiles base at the default hours; "
        f"otherwise {ANNUAL_FROM_HOURLY}, to the cent"
    )
    open_top: bool
    adjustments: list[Adjustment]
    notes: list[Note] = Field(description="Inputs described only in words or not applicable here")
    total_compensation: TotalCompensation
    progression: list[ProgressionStep]
    summary: str = Field(
        description="The range in one plain sentence, amounts formatted with their unit and the source "
        "named, for a school or job page to show as it is"
    )


class EstimateList(BaseModel):
    items: list[EstimateResponse]
