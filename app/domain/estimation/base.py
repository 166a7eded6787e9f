"""The base of a range: the experience band the profile falls in, or, without years or level, the published
25th-75th percentile wages of the most specific area that has them."""

from decimal import Decimal

from app.domain.estimation.answer import Base, Note, note
from app.domain.estimation.inputs import (
    PERCENTILES,
    Area,
    Band,
    Cited,
    EstimateConflict,
    Profile,
    Sources,
    Stat,
)
from app.domain.estimation.money import Cents, dec, to_cents
from app.domain.profile import HOURS_DEFAULT

Hourly = tuple[Decimal, Decimal, Decimal]


def pick_band(bands: tuple[Band, ...], *, years: int | None, level: str | None) -> Band | None:
    """The band for the given years and/or level; None when neither is given; conflicts raise."""
    by_years = None
    if years is not None:
        by_years = next(
            (b for b in bands if b.years_min <= years and (b.years_max is None or years <= b.years_max)), None
        )
        if by_years is None:
            raise EstimateConflict(
                f"No experience band covers {years} years.",
                details=[{"parameter": "years", "value": years, "levels": [b.key for b in bands]}],
            )
    by_level = None
    if level is not None:
        by_level = next((b for b in bands if b.key == level), None)
        if by_level is None:
            raise EstimateConflict(
                f"Unknown level {level!r}. Allowed: {', '.join(b.key for b in bands)}.",
                details=[{"parameter": "level", "value": level, "allowed": [b.key for b in bands]}],
            )
    if by_years is not None and by_level is not None and by_years.key != by_level.key:
        span = (
            f"{by_level.years_min}-{by_level.years_max}"
            if by_level.years_max is not None
            else (f"{by_level.years_min}+")
        )
        raise EstimateConflict(
            f"years={years} and level={level} contradict each other: {years} years is the {by_years.key} "
            f"band, while {level} covers {span} years. Give one of them, or make them agree.",
            details=[
                {"parameter": "years,level", "years": years, "level": level, "years_band": by_years.key}
            ],
        )
    return by_years or by_level


def percentiles(area: Area | None) -> tuple[Stat, Stat, Stat] | None:
    """The area's p25 / median / p75 when all three are published in one unit at least."""
    if area is None:
        return None
    p25, median, p75 = (area.stats.get(s) for s in PERCENTILES)
    if p25 is None or median is None or p75 is None:
        return None
    figs = (p25, median, p75)
    if all(f.hourly is not None for f in figs) or all(f.annual is not None for f in figs):
        return figs
    return None


def percentile_area(profile: Profile, sources: Sources) -> tuple[Area | None, list[Note]]:
    """The most specific given area with published percentiles, else the national ones; notes say which."""
    notes: list[Note] = []
    chosen = None
    for param, area in (("metro", profile.metro), ("state", profile.state)):
        if area is None:
            continue
        if chosen is not None:
            notes.append(
                note(
                    param,
                    area.code,
                    f"{area.name} is not applied: the base is {chosen.name}'s own percentiles, the more "
                    "specific area.",
                    None,
                )
            )
        elif percentiles(area) is None:
            notes.append(
                note(
                    param,
                    area.code,
                    f"The data hold no published 25th, 50th and 75th percentile wages for {area.name}, so a "
                    "less specific area's percentiles are the base.",
                    area.tier_note,
                )
            )
        else:
            chosen = area
            notes.append(
                note(
                    param,
                    area.code,
                    f"No years or level given: the base is {area.name}'s own 25th-75th percentile wages, as "
                    "published. No location multiplier is applied on top: the area's own distribution "
                    "already places the wage.",
                    _percentile_cited(area),
                )
            )
    return chosen or sources.national, notes


def _percentile_cited(area: Area) -> Cited:
    """The sentences of an area's three percentiles, each once."""
    citation = " / ".join(dict.fromkeys(area.stats[s].citation for s in PERCENTILES))
    return Cited(area.source or "", area.release or "", citation)


def band_base(band: Band) -> tuple[Hourly, Base]:
    """The band's hourly low / mid / high and its base block."""
    low, high = dec(band.hourly_low), dec(band.hourly_high)
    mid = (low + high) / 2
    return (low, mid, high), {
        "kind": "experience_band",
        "area": None,
        "hourly_low": band.hourly_low,
        "hourly_mid": float(mid),
        "hourly_high": band.hourly_high,
        "annual_low": None,
        "annual_mid": None,
        "annual_high": None,
        "open_top": band.open_top,
        "source": band.cited.source,
        "release": band.cited.release,
        "citation": band.cited.citation,
    }


def percentile_base(area: Area | None) -> tuple[Hourly, Cents | None, Base]:
    """(hourly p25 / median / p75, published annual cents or None, base info) of the area."""
    figs = percentiles(area)
    if area is None or figs is None:
        raise EstimateConflict(
            "No published percentiles in the data to base an estimate on; give years or level.",
            details=[{"parameter": "years,level", "problem": "required without published percentiles"}],
        )
    annual = None
    if all(f.annual is not None for f in figs):
        annual = tuple(to_cents(f.annual) for f in figs)  # type: ignore[arg-type]
    if all(f.hourly is not None for f in figs):
        hourly = tuple(dec(f.hourly) for f in figs)  # type: ignore[arg-type]
    else:  # an annual-only occupation: the hourly range is derived at the default hours
        hourly = tuple(dec(f.annual) / HOURS_DEFAULT for f in figs)  # type: ignore[arg-type]
    cited = _percentile_cited(area)
    info: Base = {
        "kind": "area_percentiles",
        "area": {"type": area.area_type, "code": area.code, "name": area.name},
        "hourly_low": figs[0].hourly,
        "hourly_mid": figs[1].hourly,
        "hourly_high": figs[2].hourly,
        "annual_low": figs[0].annual,
        "annual_mid": figs[1].annual,
        "annual_high": figs[2].annual,
        "open_top": figs[2].capped,
        "source": cited.source,
        "release": cited.release,
        "citation": cited.citation,
    }
    return hourly, annual, info  # type: ignore[return-value]
