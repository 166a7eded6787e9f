"""Request and public response models for /estimate."""

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from app.models import HOURS_PER_YEAR
from app.schemas import OccupationRef, Provenance

Level = Literal["entry", "mid", "senior"]
Education = Literal["certificate", "associate", "bachelor"]
Setting = Literal["hospital", "physician_office", "billing_company", "government", "freelance"]
Specialty = Literal["outpatient", "inpatient", "surgical", "auditing", "risk_adjustment"]

YEARS_MAX = 50
HOURS_MAX = 4000
HOURS_DEFAULT = HOURS_PER_YEAR
MATCH_MAX = 10
YEARS = f"Years of experience (0-{YEARS_MAX}); picks the experience band"
HOURS = f"Paid hours a year (1-{HOURS_MAX}); annual = hourly x hours"
MATCH = f"Employer retirement match, percent of base salary (0-{MATCH_MAX})"
CERTS = (
    "Certification codes from /certifications (comma-separated in a query, or a JSON list), or 'none'; "
    "leave out when unknown"
)


class EstimateRequest(BaseModel):
    """One profile; the JSON body of POST /estimate (or a list of up to 100 of them)."""

    model_config = ConfigDict(extra="forbid", strict=True)

    years: int | None = Field(default=None, ge=0, le=YEARS_MAX, description=YEARS)
    level: Level | None = None
    certifications: str | list[str] | None = Field(default=None, description=CERTS, max_length=200)
    education: Education | None = None
    state: str | None = Field(default=None, min_length=2, max_length=2, description="USPS state code")
    metro: str | None = Field(default=None, pattern=r"^\d{5,7}$", description="CBSA code")
    setting: Setting | None = None
    specialty: Specialty | None = None
    hours_per_year: int = Field(default=HOURS_DEFAULT, ge=1, le=HOURS_MAX, description=HOURS)
    retirement_match_pct: float | None = Field(default=None, ge=0, le=MATCH_MAX, description=MATCH)


class MoneyRange(BaseModel):
    low: float
    mid: float
    high: float
    open_top: bool = Field(description="True for the senior band: the high end is where '$45.00+' starts")


class AnnualRange(MoneyRange):
    published: bool = Field(
        description="True when these are BLS's published annual figures (a percentile base at 2080 hours); "
        "false when annual = hourly x hours_per_year"
    )


class AreaRef(BaseModel):
    type: str
    code: str
    name: str


class LevelRef(BaseModel):
    key: str
    name: str
    years_min: int
    years_max: int | None


class Base(BaseModel):
    kind: str = Field(
        description="experience_band, or area_percentiles with no years/level: the p25 / median / p75 of the "
        "most specific area given (metro, else state, else national), as published"
    )
    area: AreaRef | None = Field(description="The area whose percentiles are the base; null for a band")
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


class Adjustment(BaseModel):
    factor: str
    input: Any
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


class Note(BaseModel):
    factor: str
    input: Any
    message: str
    source: str | None
    release: str | None
    citation: str | None


class CompensationComponent(BaseModel):
    component: str = Field(description="additional_pay or retirement_match")
    label: str
    low: float
    mid: float
    high: float
    source: str | None
    release: str | None
    citation: str | None


class TotalCompensation(BaseModel):
    base_annual: dict[str, float]
    components: list[CompensationComponent]
    low: float
    mid: float
    high: float
    open_top: bool


class ProgressionStep(BaseModel):
    level: LevelRef
    hourly: MoneyRange
    annual: AnnualRange
    open_top: bool


class Profile(BaseModel):
    years: int | None
    level: str | None
    certifications: list[str] | None
    education: str | None
    state: str | None
    metro: str | None
    setting: str | None
    specialty: str | None
    hours_per_year: int
    retirement_match_pct: float | None


class EstimateResponse(Provenance):
    occupation: OccupationRef
    profile: Profile
    level: LevelRef | None = Field(description="The experience band used; null for an area_percentiles base")
    base: Base
    hourly: MoneyRange
    annual: AnnualRange = Field(
        description="BLS's published annual figures for an area_percentiles base at the default hours; "
        "otherwise hourly x hours_per_year, to the cent"
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
