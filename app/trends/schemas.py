"""Public response models of /trends: one area's figures per period, and how they changed."""

from datetime import date

from pydantic import BaseModel, Field

from app.domain.records import Employment
from app.domain.trends import NoteKind
from app.schemas import AreaAnswer, Wages


class StatChange(BaseModel):
    """How one statistic moved between two periods (derived)."""

    hourly: float | None = Field(description="Later minus earlier, USD per hour (null where either lacks it)")
    annual: float | None = Field(description="Later minus earlier, USD per year (null where either lacks it)")
    percent: float | None = Field(description="Change in percent of the earlier figure")
    annual_rate: float | None = Field(
        description="Compound annual rate, percent: (later / earlier) ^ (1 / years) - 1"
    )


class Change(BaseModel):
    """The change between two periods of the trend; computed here, never published."""

    from_release: str
    to_release: str
    from_period: str
    to_period: str
    years: float = Field(description="Years between the two periods (months / 12)")
    median: StatChange | None
    mean: StatChange | None
    derived: bool = Field(description="Always true: computed here from the two releases' figures")
    comparable: bool = Field(description="False when a caveat applies (see caveats and the answer's notes)")
    caveats: list[NoteKind] = Field(description="The comparability notes that bear on this change")


class TrendPoint(BaseModel):
    """The area's figures in one period, from the best release of that period (official before quoted)."""

    period: str
    period_start: date = Field(description="First day of the reference period")
    release: str
    source: str
    via: str | None = Field(description="The article that quoted the figures, when they are quoted")
    quoted: bool = Field(description="True when the figures are another's quote of the source, not its files")
    citation: str | None = Field(description="The median's citation (each figure carries its own)")
    area_title: str | None = Field(description="The area's title as the release's file gives it, where known")
    wages_released: bool = Field(description="False when the release gives employment but withholds wages")
    wages: Wages
    employment: Employment | None
    change: Change | None = Field(description="The change from the previous period; null for the first")


class ComparabilityNote(BaseModel):
    kind: NoteKind
    message: str
    releases: list[str] = Field(description="The releases the note concerns (empty when it explains a gap)")


class TrendsResponse(AreaAnswer):
    items: list[TrendPoint] = Field(description="One per period held, oldest first")
    span: Change | None = Field(description="From the first period to the last; null with fewer than two")
    notes: list[ComparabilityNote] = Field(description="What makes periods of this trend hard to compare")
