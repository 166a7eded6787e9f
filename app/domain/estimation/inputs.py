"""The method's inputs: every figure it reads (`Sources`), the profile it reads them for (`Profile`), and the
conflict it raises when a profile contradicts itself. Plain frozen values, no snapshot."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import KW_ONLY, dataclass, field

from app.domain.profile import HOURS_DEFAULT

PERCENTILES = ("p25", "median", "p75")


class EstimateConflict(ValueError):
    """Inputs that contradict each other (e.g. years=1 with level=senior)."""

    def __init__(self, message: str, *, details: list[dict[str, object]]) -> None:
        super().__init__(message)
        self.message = message
        self.details = details


@dataclass(frozen=True, slots=True)
class Cited:
    """Where a figure comes from: source key, release key and the sentence it rests on."""

    source: str
    release: str
    citation: str


@dataclass(frozen=True, slots=True)
class Band:
    """One experience band (hourly); the first band by years is the starting band."""

    key: str
    name: str
    years_min: int
    years_max: int | None
    hourly_low: float
    hourly_high: float
    open_top: bool
    cited: Cited


@dataclass(frozen=True, slots=True)
class Pct:
    """A percentage difference a source states, e.g. 10-20% for inpatient vs outpatient."""

    low: float
    high: float
    description: str
    cited: Cited


@dataclass(frozen=True, slots=True)
class Remark:
    """A factor a source describes only in words (or a figure we deliberately do not apply)."""

    description: str
    cited: Cited


@dataclass(frozen=True, slots=True)
class Stat:
    """One wage statistic of an area in one release, as published (None where the file gives no value)."""

    hourly: float | None
    annual: float | None
    citation: str
    capped: bool = False


@dataclass(frozen=True, slots=True)
class Area:
    """A known area with its figures of one release and the national figures of the same period.

    ``national`` comes from the area's own release, or from another release of the same source and period
    (``national_release``, e.g. a national file beside a state file); empty when there is none."""

    area_type: str
    code: str
    name: str
    release: str | None = None
    source: str | None = None
    stats: Mapping[str, Stat] = field(default_factory=dict)
    national: Mapping[str, Stat] = field(default_factory=dict)
    principal_states: tuple[str, ...] = ()
    tier: str | None = None
    tier_note: Cited | None = None
    national_release: str | None = None
    period: str | None = None


@dataclass(frozen=True, slots=True)
class Sources:
    """Every figure the method reads, all taken from the data (nothing is hard-coded here)."""

    bands: tuple[Band, ...]
    # The national figures: their p25 / median / p75 are the base when neither years nor level is given.
    national: Area | None
    certification_premium: Pct | None
    associate: Pct | None
    inpatient: Pct | None
    additional_pay: float | None
    additional_pay_cited: Cited | None
    # factor key (e.g. "setting_hospital", "education_bachelor") -> words only
    remarks: Mapping[str, Remark] = field(default_factory=dict)
    # certification code -> what the article says about it
    certifications: Mapping[str, Remark] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Profile:
    """What the caller told us: the coder (experience, certifications, education, specialty), then the job
    (setting, place, hours, match; by name only). certifications: None = unknown, () = none, else codes."""

    years: int | None = None
    """Years of experience: picks the band (with ``level``, they must agree)."""
    level: str | None = None
    certifications: tuple[str, ...] | None = None
    education: str | None = None
    specialty: str | None = None
    _: KW_ONLY
    setting: str | None = None
    """Described in words only: a note, never a number."""
    state: Area | None = None
    metro: Area | None = None
    """The more specific area: its figures win over the state's."""
    hours_per_year: int = HOURS_DEFAULT
    """Only the annual figures and total compensation read it and the match: the hourly range is the same."""
    retirement_match_pct: float | None = None
