"""The shapes of the read model's records, defined once: the reference rows a Snapshot holds, and the blocks
its answers are made of. TypedDicts, so they are plain dicts at run time (no cost on the serving path, the
same JSON bytes) and each shape is checked where it is built and read."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, NotRequired

from pydantic import Field
from typing_extensions import TypedDict

from app.domain.models import TierBasis


# ---------------------------------------------------------------------- reference rows (one table row each)
class ReleaseRow(TypedDict):
    """A ``release`` row: one publication of figures (a file, or an article quoting one)."""

    id: int
    key: str
    source_id: int
    via_source_id: int | None
    label: str
    period: str | None
    period_start: date | None
    origin: str
    file_name: str | None
    checksum: str | None
    row_count: int | None
    rows_loaded: int | None
    loaded_at: datetime | None


class OccupationRow(TypedDict):
    """An ``occupation`` row, its aliases decoded."""

    id: int
    soc_code: str
    title: str
    aliases: list[str]


class AreaRow(TypedDict):
    """An ``area`` row, its principal states decoded."""

    id: int
    area_type: str
    code: str
    name: str
    fips: str | None
    usps: str | None
    principal_states: list[str]


class RankingRow(TypedDict):
    """An ``area_ranking`` row: a source's claim of an area's tier and rank."""

    id: int
    release_id: int
    occupation_id: int
    area_id: int
    tier: str
    rank: int | None
    citation: str


class ExperienceRow(TypedDict):
    """An ``experience_level`` row: the article's pay band for a span of years."""

    id: int
    key: str
    release_id: int
    name: str
    years_min: int
    years_max: int | None
    hourly_low: float
    hourly_high: float
    hourly_high_open: bool
    annual_low: float
    annual_high: float
    annual_high_open: bool
    characteristics: str
    citation: str


class PayFactorFacts(TypedDict):
    """What a pay factor says, as stored and as /factors serves it."""

    key: str
    factor: str
    value: str
    compared_to: str | None
    kind: Annotated[str, Field(description="percent | amount | qualitative | illustration")]
    pct_low: float | None
    pct_high: float | None
    amount_low: float | None
    amount_high: float | None
    amount_unit: str | None
    amount_open: bool
    description: str
    citation: str


class PayFactorRow(PayFactorFacts):
    """A ``pay_factor`` row: what the article says a factor does to pay."""

    id: int
    release_id: int


class CertificationRow(TypedDict):
    """A ``certification`` row."""

    id: int
    code: str
    name: str
    issuer: str | None
    covers: str
    citation: str


class BenchmarkRow(TypedDict):
    """A ``benchmark`` row: another source's national figure."""

    id: int
    release_id: int
    occupation_id: int
    job_title: str
    statistic: str
    unit: str
    value: float | None
    range_low: float | None
    range_high: float | None
    citation: str


class ReleaseCheckRow(TypedDict):
    """The ``release_check`` row: the last ``fetch-oews --check``."""

    id: int
    checked_at: datetime
    source_url: str
    newest_held: str | None
    next_period: str
    next_period_start: date
    published: bool
    files: str


# ---------------------------------------------------------------------- figures of one cell
class WageFigure(TypedDict):
    """One statistic of one cell, as served: both units, what was derived or top-coded, the sentence cited."""

    hourly: float | None
    annual: float | None
    hourly_derived: bool
    annual_derived: bool
    hourly_capped: bool
    annual_capped: bool
    citation: str | None


class Employment(TypedDict):
    """Employment as the release gives it: its relative standard error, jobs per 1,000 jobs, the location
    quotient, and the mean wage's relative standard error."""

    employment: float | None
    employment_rse: float | None
    jobs_per_1000: float | None
    location_quotient: float | None
    mean_wage_rse: float | None
    pct_total: float | None
    pct_reporting: float | None


# statistic -> its figure, or None where the cell has none
Figures = dict[str, WageFigure | None]


# ---------------------------------------------------------------------- answer blocks
class ReleasePublic(TypedDict):
    """A release as answers name it."""

    key: str
    label: str
    period: str | None
    source: str
    via: str | None
    origin: str


class SourceRef(TypedDict):
    """A source as answers name it."""

    key: str
    publisher: str | None
    title: str
    kind: str
    period: str | None
    url: str | None


class SourceRow(SourceRef):
    """A ``source`` row: who published the figures."""

    id: int
    license: str | None


class Provenance(TypedDict):
    """The provenance block of an answer: data version, the releases named and the sources behind them."""

    data_version: int
    releases: list[ReleasePublic]
    sources: list[SourceRef]


class OccupationPublic(TypedDict):
    """The ``occupation`` block: the occupation, what was typed and how it was understood."""

    soc_code: str
    title: str
    aliases: list[str]
    input: str | None
    matched: str | None


class AreaRef(TypedDict):
    """An area as the API names it everywhere."""

    area_type: str
    code: str
    name: str


class MetroRef(TypedDict):
    """A metro listed under its state."""

    code: str
    name: str


class DifferencePublic(TypedDict):
    """An area's figure minus the national one."""

    hourly: float | None
    annual: float | None
    percent: float | None


class VsNational(TypedDict):
    """The ``vs_national`` block of an area record."""

    national_release: str | None
    median: DifferencePublic | None
    mean: DifferencePublic | None


class AreaRecord(TypedDict):
    """The public record of one area in an occupation view."""

    code: str
    name: str
    area_type: str
    release: str | None
    tier: str | None
    tier_basis: TierBasis | None
    rank: int | None
    tier_citation: str | None
    tier_release: str | None
    rank_median: int | None
    rank_mean: int | None
    vs_national: VsNational | None
    wages: Figures
    wages_released: bool
    employment: Employment | None
    usps: NotRequired[str | None]
    fips: NotRequired[str | None]
    metros: NotRequired[list[MetroRef]]
    principal_states: NotRequired[list[str]]


def in_unit(figure: WageFigure | None, unit: str) -> float | None:
    """A figure's value in one unit ("hourly" or "annual"), None without a figure."""
    if figure is None:
        return None
    return figure["hourly"] if unit == "hourly" else figure["annual"]
