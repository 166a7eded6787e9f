"""Public response models for wage figures by area."""

from typing import Optional

from pydantic import BaseModel, Field, create_model

from app.domain.models import STATISTICS, AreaType, Tier, TierBasis
from app.domain.records import Employment
from app.domain.wages import AREA_IDENTITY, BenchmarkItem
from app.schemas import (
    AreaAnswer,
    Figure,
    Location,
    OccupationRef,
    Page,
    Provenance,
    ReleaseRef,
    Wages,
)


class NationalDifference(BaseModel):
    """An area's figure minus the national one of the same release (derived)."""

    hourly: float | None = Field(description="USD per hour (null where either figure lacks it)")
    annual: float | None = Field(description="USD per year (null where either figure lacks it)")
    percent: float | None = Field(description="Percent of the national figure (annual where both give it)")


class VsNational(BaseModel):
    national_release: str = Field(
        description="The release of the national figures: the area's own, or the national file of the same "
        "BLS release where the area's figures come from its state or metro file"
    )
    median: NationalDifference | None
    mean: NationalDifference | None


class MetroRef(BaseModel):
    code: str
    name: str


class AreaWages(BaseModel):
    code: str
    name: str
    area_type: AreaType
    release: str | None = Field(description="Key of the release these figures come from")
    tier: Tier | None = Field(
        description="From the served official release's median against its national median: above_national, "
        "at_national (within 1%) or below_national (tier_basis computed). Where the article's release is "
        "served (release=bls-oews-2023-05-article), the article's claim: top_paying or lower_paying "
        "(tier_basis article_claim). Null when neither applies"
    )
    tier_basis: TierBasis | None = Field(
        description="computed (derived here from the release's figures) or article_claim (the article's "
        "words, quoted in tier_citation)"
    )
    rank: int | None = Field(description="The article's rank (its claim), only where its release is served")
    tier_citation: str | None = Field(description="The article's sentence placing the area in its tier")
    tier_release: str | None = Field(description="Key of the release the tier comes from")
    rank_median: int | None = Field(
        description="Rank by median among areas of its kind (states with DC and the territories; metros; "
        "nonmetro areas) in the same release, highest first; ties share a rank (1, 2, 2, 4); null "
        "without a median or in a quoted release (derived)"
    )
    rank_mean: int | None = Field(description="As rank_median, by the mean (derived)")
    vs_national: VsNational | None = Field(
        description="Difference from the national figures of the same release (derived); null when there "
        "are none to compare"
    )
    wages: Wages
    wages_released: bool = Field(
        True, description="False when the source published employment for the area but withheld its wages"
    )
    employment: Employment | None
    usps: str | None = None
    fips: str | None = None
    metros: list[MetroRef] | None = None
    principal_states: list[str] | None = None


# With fields=, an item carries its identity and the fields asked for; a statistic name (median, ...) gives
# that figure.
AreaFields = create_model(  # type: ignore[call-overload]
    "AreaFields",
    __doc__="An area with fields=: its identity (code, name, area_type) always, and the fields asked for.",
    **{
        name: (field.annotation, Field(description=field.description))
        for name, field in AreaWages.model_fields.items()
        if name in AREA_IDENTITY
    },
    **{
        name: (Optional[field.annotation], Field(default=None, description=field.description))  # noqa: UP045
        for name, field in AreaWages.model_fields.items()
        if name not in AREA_IDENTITY
    },
    **{stat: (Figure | None, Field(default=None, description=f"The {stat} figure")) for stat in STATISTICS},
)


class AreaPage(Page, Provenance):
    occupation: OccupationRef
    items: list[AreaWages | AreaFields] = Field(  # type: ignore[valid-type]
        description="The areas of this page: whole (AreaWages), or with fields= their identity and the "
        "fields asked for (AreaFields)"
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


class PercentilesResponse(AreaAnswer):
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


class BenchmarkPage(Page, Provenance):
    occupation: OccupationRef
    items: list[BenchmarkItem]
