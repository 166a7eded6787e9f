"""Public response model of /compare."""

from enum import StrEnum

from pydantic import BaseModel, Field

from app.domain.models import WageUnit as Unit
from app.schemas import AreaAnswer, Figure, ReleaseRef


class Position(StrEnum):
    """Where a value sits among the published percentiles."""

    below_p10 = "below_p10"
    within = "within"
    above_p90 = "above_p90"
    top_coded = "top_coded"


class Placement(BaseModel):
    value: float = Field(description="The posted amount, in the unit asked for")
    percentile: float | None = Field(
        description="10-90, linear between the two published percentiles around the value (one decimal); "
        "exactly a published percentile's rank at its value; null below p10, above p90 or top-coded"
    )
    position: Position = Field(
        description="below_p10, within (p10-p90), above_p90, or top_coded: at or above BLS's top code, "
        "which hides where the value sits among the top-coded percentiles"
    )
    between: list[str] | None = Field(
        description="The two published statistics interpolated between (the same one twice at a "
        "published value); null outside p10-p90"
    )
    top_coded: bool = Field(description="True when a top-coded figure bounds this answer")
    note: str | None = Field(description="What top-coding means for this value")


class PublishedPercentiles(BaseModel):
    p10: Figure
    p25: Figure
    median: Figure
    p75: Figure
    p90: Figure


class CompareResponse(AreaAnswer):
    unit: Unit = Field(description="The unit the amounts were read in")
    unit_inferred: bool = Field(
        description="True when no unit was given and it was inferred from the amounts"
    )
    unit_reason: str = Field(description="How the unit was chosen, in words")
    low: Placement
    high: Placement
    summary: str = Field(description="One plain sentence a job board can show as it is")
    release: ReleaseRef = Field(description="The release the compared figures come from")
    percentiles: PublishedPercentiles = Field(
        description="The published figures compared against, with citations"
    )
