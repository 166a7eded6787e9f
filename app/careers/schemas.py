"""Public response model of /careers."""

from pydantic import BaseModel, Field

from app.schemas import (
    AreaAnswer,
    Figure,
    Note,
    ProgressionStep,
)


class Citation(BaseModel):
    about: str = Field(description="What this source gives the figure")
    source: str
    release: str
    citation: str


class Step(ProgressionStep):
    citations: list[Citation] = Field(description="The experience band and every adjustment applied to it")


class LadderOccupation(BaseModel):
    soc_code: str
    title: str | None


class ArticleClaim(BaseModel):
    kind: str = Field(description="Always article_claim: the article's statement, not an official figure")
    label: str
    statement: str
    annual_low: float | None = Field(description="The amount the article says pay 'often exceeds'")
    open_top: bool
    about: str
    source: str
    release: str
    citation: str


class LadderItem(BaseModel):
    occupation: LadderOccupation
    median: Figure | None = Field(description="Official local median, hourly and annual, with its file row")
    release: str | None
    note: str | None
    article_claim: ArticleClaim | None = Field(
        description="On 11-9111 only: the article's B.S.-to-management claim, beside the official figures"
    )


class CareersResponse(AreaAnswer):
    entry: Step = Field(description="The entry level of the progression: the local starting range")
    progression: list[Step]
    location_notes: list[Note] = Field(description="Why no location factor applied, when none did")
    ladder: list[LadderItem]
