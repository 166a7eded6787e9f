"""What the cards and the method page are given, one definition per shape. Plain dicts at run time
(TypedDicts); the answer blocks they carry (a range, a ``location``) are read-only views of the answers."""

from collections.abc import Mapping
from typing import Any, Literal

from typing_extensions import TypedDict


class CardStyle(TypedDict):
    """How a card looks: its colour scheme, its size, the brand colour of its bar."""

    theme: str
    compact: bool
    brand: str | None


class OccupationNamed(TypedDict):
    """The occupation a card's figures are for, by title and SOC code."""

    occupation: str
    soc_code: str


class Framed(CardStyle, OccupationNamed):
    """What every card with figures tells its frame: its look and its occupation."""


class RangeTexts(TypedDict):
    """A pay range in each unit the answer has (None for a missing one), each amount printed with its unit."""

    hourly: Mapping[str, Any] | None
    annual: Mapping[str, Any] | None
    hourly_text: str | None
    annual_text: str | None
    mid_hourly_text: str | None
    mid_annual_text: str | None
    marker_pct: float


class CardFigures(RangeTexts):
    """What a wage card shows of an estimate: the range, the area, the profile in words, source and link."""

    area: str
    location: Mapping[str, Any]
    profile: str
    open_top: bool
    source_line: str
    estimate_path: str


class RangeCard(CardFigures, Framed):
    """The wage card: an estimate's range (for another occupation than 29-2072, its area's official one)."""

    kind: Literal["range"]
    method_note: str | None
    method_note_short: str
    short_source: str
    mid_label: str
    data_version: int
    method_path: str


class BadgeCard(Framed):
    """The badge: where a posted range sits among the area's official percentiles."""

    kind: Literal["badge"]
    area: str
    location: Mapping[str, Any]
    sentence: str
    range_text: str
    low_pos: float
    high_pos: float
    method_note: str | None
    source_line: str
    short_source: str
    data_version: int


class ErrorCard(CardStyle):
    """The card instead of figures: a sentence for the reader, the API's words for the site owner."""

    kind: Literal["error"]
    status: int
    reader_text: str
    detail: str


Card = RangeCard | BadgeCard | ErrorCard


class MethodCard(CardFigures, OccupationNamed):
    """The figures the "How it is estimated" page heads with."""


class MethodStep(TypedDict):
    """One step of an estimate in words: what it did, by how much, and where that comes from."""

    title: str
    sentence: str
    effect: str | None
    source: str | None
    citation: str | None


class MethodView(TypedDict):
    """The "How it is estimated" page: the card's figures, the estimate's summary and steps, its JSON link."""

    card: MethodCard
    summary: str | None
    steps: list[MethodStep]
    json_path: str
