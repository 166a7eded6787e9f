"""Public response models for reference lists: experience levels, certifications, sources, occupations."""

from pydantic import BaseModel, Field

from app.reference.service import FactorItem, SourceItem
from app.schemas import Page, Provenance


class Range(BaseModel):
    low: float
    high: float
    high_open: bool = Field(description="True when the top is open-ended, as in the article's '$45.00+'")
    derived: bool


class ExperienceItem(BaseModel):
    key: str
    name: str
    years_min: int
    years_max: int | None = Field(description="null for the open-ended top level (10+ years)")
    hourly: Range
    annual: Range
    characteristics: str
    release: str
    citation: str


class ExperiencePage(Page, Provenance):
    items: list[ExperienceItem]


class CertificationItem(BaseModel):
    code: str
    name: str
    issuer: str | None = Field(description="null where the source does not name the issuing body")
    covers: str
    citation: str


class CertificationPage(Page, Provenance):
    items: list[CertificationItem]


class SourcePage(Page):
    data_version: int
    items: list[SourceItem]


class OccupationItem(BaseModel):
    soc_code: str
    title: str
    aliases: list[str]
    reported_titles: list[str] = Field(
        description="Job titles O*NET reports for the occupation (O*NET OnLine, CC BY 4.0; see /sources)"
    )
    releases: list[str]
    matched: str | None = Field(description="With q: the title, alias or SOC code that matched")


class OccupationPage(Page):
    data_version: int
    items: list[OccupationItem]


class FactorPage(Page, Provenance):
    items: list[FactorItem]
