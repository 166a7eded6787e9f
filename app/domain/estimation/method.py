"""The estimate method, pure: a profile and the sources' figures in, a range with every step out.

No snapshot, no HTTP: `gather.py` turns a Snapshot into the inputs (`inputs.py`). The base comes from
`base.py`, the adjustments and notes from `factors.py`, the annual figures and total compensation from
`compensation.py`. See docs/estimate-method.md."""

from __future__ import annotations

from dataclasses import dataclass, replace

from app.domain.estimation.answer import (
    Adjustment,
    Base,
    Component,
    Estimate,
    HourlyRange,
    Level,
    Multipliers,
    Note,
    note,
)
from app.domain.estimation.base import band_base, percentile_area, percentile_base, pick_band
from app.domain.estimation.compensation import (
    additional_pay,
    annual_at,
    annual_range,
    hourly_range,
    per_year,
    total_compensation,
)
from app.domain.estimation.factors import (
    Outcome,
    certification,
    check_location,
    education,
    location,
    setting,
    specialty,
)
from app.domain.estimation.inputs import Band, Cited, Profile, Sources
from app.domain.estimation.money import Cents, to_cents
from app.domain.profile import HOURS_DEFAULT, weekly_reading


@dataclass(frozen=True, slots=True)
class Range:
    """One band's (or the percentile base's) hourly range with the steps that made it; no hours applied.

    ``published_annual``: BLS's published annual low / mid / high, when the range is exactly published
    figures (a percentile base without adjustments)."""

    level: Level | None
    base: Base
    hourly: HourlyRange
    open_top: bool
    adjustments: list[Adjustment]
    notes: list[Note]
    cents: Cents
    published_annual: Cents | None


@dataclass(frozen=True, slots=True)
class Core:
    """The part of an estimate that does not depend on hours per year or the retirement match.

    Its lists and dicts end up inside every finished estimate built from it: treat them as read-only."""

    own: Range
    progression: tuple[Range, ...]
    additional_pay: tuple[Component, int] | None


def _factors(profile: Profile, sources: Sources, band: Band | None, location_step: Outcome) -> list[Outcome]:
    """What each factor gives, in the order the method documents: certification, education, specialty,
    location."""
    steps = [certification(profile, sources, band)]
    if profile.education is not None:
        steps.append(education(profile.education, sources, band))
    if profile.specialty is not None:
        steps.append(specialty(profile.specialty, sources, band))
    steps.append(location_step)
    return steps


def _open_top_note(band: Band | None, base: Base) -> Note | None:
    """Why the high end is not a maximum, when it is not."""
    if band is not None and band.open_top:
        return note(
            "level",
            band.key,
            f"The {band.name} band has an open top (${band.hourly_high:.2f}+ an hour in the source): "
            "the high end is where the top starts, not a maximum.",
            band.cited,
        )
    if base["open_top"]:
        return note(
            "base",
            None,
            "The 75th percentile is BLS's top code: the wage is at or above it, not exactly it.",
            Cited(base["source"], base["release"], base["citation"]),
        )
    return None


def _compute(profile: Profile, sources: Sources) -> Range:
    band = pick_band(sources.bands, years=profile.years, level=profile.level)
    annual: Cents | None = None
    if band is None:
        area, area_notes = percentile_area(profile, sources)
        base, annual, base_info = percentile_base(area)
        location_step: Outcome = (None, area_notes)
    else:
        base, base_info = band_base(band)
        location_step = location(profile)
    adjustments: list[Adjustment] = []
    multipliers: list[Multipliers] = []
    notes: list[Note] = []
    for found, extra in _factors(profile, sources, band, location_step):
        if found is not None:
            adjustments.append(found[0])
            multipliers.append(found[1])
        notes.extend(extra)
    if profile.setting is not None:
        notes.append(setting(profile.setting, sources))
    low, mid, high = base
    for m_low, m_mid, m_high in multipliers:
        low *= m_low
        mid *= m_mid
        high *= m_high
    open_top = bool(base_info["open_top"])
    top = _open_top_note(band, base_info)
    if top is not None:
        notes.insert(0, top)
    cents = (to_cents(low), to_cents(mid), to_cents(high))
    level: Level | None = (
        None
        if band is None
        else {"key": band.key, "name": band.name, "years_min": band.years_min, "years_max": band.years_max}
    )
    # Published annual figures stand only for the published figures themselves, never for a product.
    published = annual if not adjustments else None
    return Range(
        level, base_info, hourly_range(cents, open_top), open_top, adjustments, notes, cents, published
    )


def estimate_core(profile: Profile, sources: Sources) -> Core:
    """Band, base, adjustments, notes and hourly ranges (own and progression); hours and match are ignored."""
    check_location(profile)
    own = _compute(profile, sources)
    used = own.level["key"] if own.level else None
    # The profile's own band is the estimate just computed: the range depends on the band, not the years.
    progression = tuple(
        own if band.key == used else _compute(replace(profile, years=None, level=band.key), sources)
        for band in sources.bands
    )
    return Core(own, progression, additional_pay(sources))


def _annual_note(own: Range, hours_per_year: int) -> Note:
    """Why a percentile base's annual range is hourly x hours rather than BLS's published annual figures."""
    base = own.base
    cited = Cited(base["source"], base["release"], base["citation"])
    if own.published_annual is None:
        message = f"BLS publishes no annual figures for this range: annual = hourly x {hours_per_year} hours."
    else:
        message = (
            f"Annual = the published hourly figures x {hours_per_year} hours, derived: BLS's published "
            f"annual figures assume {HOURS_DEFAULT} hours a year."
        )
    return note("hours_per_year", hours_per_year, message, cited)


def _weekly_note(hours_per_year: int, yearly: int) -> Note:
    """A note asking whether hours a year that would fit in one week were meant a week; figures unchanged."""
    hours = f"{hours_per_year} hour{'' if hours_per_year == 1 else 's'}"
    return note(
        "hours_per_year",
        hours_per_year,
        f"{hours} a year: did you mean {hours_per_year} a week, {yearly:,} a year (hours_per_year={yearly})? "
        f"These figures are for {hours} a year.",
        None,
    )


def finish_estimate(
    core: Core, sources: Sources, *, hours_per_year: int, retirement_match_pct: float | None
) -> Estimate:
    """The full estimate from its core: annual ranges for the hours, total compensation and progression."""
    own = core.own
    open_top = own.open_top
    published_annual = own.published_annual if hours_per_year == HOURS_DEFAULT else None
    annual = published_annual or per_year(own.cents, hours_per_year)
    notes = own.notes
    if own.base["kind"] == "area_percentiles" and published_annual is None:
        notes = [*notes, _annual_note(own, hours_per_year)]
    yearly = weekly_reading(hours_per_year)
    if yearly is not None:
        notes = [*notes, _weekly_note(hours_per_year, yearly)]
    return {
        "level": own.level,
        "base": own.base,
        "hourly": own.hourly,
        "annual": annual_range(annual, open_top, published_annual is not None),
        "open_top": open_top,
        "adjustments": own.adjustments,
        "notes": notes,
        "total_compensation": total_compensation(
            sources, annual, extra=core.additional_pay, match_pct=retirement_match_pct, open_top=open_top
        ),
        "progression": [
            {
                "level": step.level,
                "hourly": step.hourly,
                "annual": annual_at(step.cents, hours_per_year, step.open_top),
                "open_top": step.open_top,
            }
            for step in core.progression
        ],
    }


def estimate(profile: Profile, sources: Sources) -> Estimate:
    """The estimate for one profile: range, adjustments, notes, total compensation and progression."""
    return finish_estimate(
        estimate_core(profile, sources),
        sources,
        hours_per_year=profile.hours_per_year,
        retirement_match_pct=profile.retirement_match_pct,
    )
