"""The blocks of an /estimate answer, typed once, and the two the method writes most: notes and adjustments.

TypedDicts, not classes: the answer is serialised as it is built (orjson). The dict literals that build each
block set the answer's key order; the order of fields here (inherited ones first) is not the answer's."""

from __future__ import annotations

from decimal import Decimal
from typing import NotRequired

from typing_extensions import TypedDict

from app.domain.estimation.inputs import Cited, Pct
from app.domain.estimation.money import dec
from app.domain.places import LocationPublic
from app.domain.records import OccupationPublic, Provenance


class Note(TypedDict):
    """Something the method considered and did not turn into a number, with the sentence behind it."""

    factor: str
    input: object
    message: str
    source: str | None
    release: str | None
    citation: str | None


class Sourced(TypedDict):
    """The source, release and sentence a figure rests on."""

    source: str
    release: str
    citation: str


class Adjustment(Sourced):
    """A multiplier the method applied to the base, with its explanation and source."""

    factor: str
    input: object
    multiplier_low: float
    multiplier_mid: float
    multiplier_high: float
    explanation: str
    releases: list[str]


class AreaName(TypedDict):
    """The area of a percentile base."""

    type: str
    code: str
    name: str


class Base(Sourced):
    """What the range starts from: an experience band or an area's published percentiles."""

    kind: str
    area: AreaName | None
    hourly_low: float | None
    hourly_mid: float | None
    hourly_high: float | None
    annual_low: float | None
    annual_mid: float | None
    annual_high: float | None
    open_top: bool


class Level(TypedDict):
    """The experience band the range is for."""

    key: str
    name: str
    years_min: int
    years_max: int | None


class Amounts(TypedDict):
    """Low, mid and high, in dollars."""

    low: float
    mid: float
    high: float


class HourlyRange(Amounts):
    """An hourly range; an open top is where the top starts, not a maximum."""

    open_top: bool


class AnnualRange(HourlyRange):
    """An annual range; ``published`` when these are BLS's own annual figures, not hourly x hours."""

    published: bool


class Component(Amounts):
    """One part of total compensation beside the base salary."""

    component: str
    label: str
    source: str | None
    release: str | None
    citation: str | None


class TotalCompensation(Amounts):
    """Base salary plus the components, low / mid / high."""

    base_annual: Amounts
    components: list[Component]
    open_top: bool


class Step(TypedDict):
    """One band of the progression."""

    level: Level | None
    hourly: HourlyRange
    annual: AnnualRange
    open_top: bool


class Estimate(TypedDict):
    """What the method answers for one profile."""

    level: Level | None
    base: Base
    hourly: HourlyRange
    annual: AnnualRange
    open_top: bool
    adjustments: list[Adjustment]
    notes: list[Note]
    total_compensation: TotalCompensation
    progression: list[Step]


class Answer(Estimate, Provenance):
    """The /estimate answer: what was asked and understood, the estimate, its provenance and one sentence."""

    occupation: OccupationPublic
    location: LocationPublic
    profile: dict[str, object]
    # Set last: the sentence is written from the rest of the answer.
    summary: NotRequired[str]


Multipliers = tuple[Decimal, Decimal, Decimal]


def note(factor: str, value: object, message: str, cited: Cited | None) -> Note:
    """A note on one input, citing the sentence it rests on (if any)."""
    return {
        "factor": factor,
        "input": value,
        "message": message,
        "source": cited.source if cited else None,
        "release": cited.release if cited else None,
        "citation": cited.citation if cited else None,
    }


def adjustment(
    factor: str,
    value: object,
    low: Decimal,
    high: Decimal,
    explanation: str,
    cited: Cited,
    *,
    releases: tuple[str, ...] = (),
) -> tuple[Adjustment, Multipliers]:
    """The adjustment's block (multipliers as floats) and its exact multipliers, low / mid / high."""
    mid = (low + high) / 2
    block: Adjustment = {
        "factor": factor,
        "input": value,
        "multiplier_low": float(low),
        "multiplier_mid": float(mid),
        "multiplier_high": float(high),
        "explanation": explanation,
        "source": cited.source,
        "release": cited.release,
        "releases": list(releases or (cited.release,)),
        "citation": cited.citation,
    }
    return block, (low, mid, high)


def premium(factor: str, value: object, pct: Pct, explanation: str) -> tuple[Adjustment, Multipliers]:
    """An adjustment of +low% to +high% that a source states."""
    return adjustment(factor, value, 1 + dec(pct.low) / 100, 1 + dec(pct.high) / 100, explanation, pct.cited)
