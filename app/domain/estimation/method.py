"""The estimate method, one pure function: a profile and the sources' figures in, a range with every step out.

No HTTP, no database: `service.py` turns a Snapshot into the plain inputs below. See docs/estimate-method.md.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from app.domain.profile import HOURS_DEFAULT

CENT = Decimal("0.01")
PERCENTILES = ("p25", "median", "p75")


class EstimateConflict(ValueError):
    """Inputs that contradict each other (e.g. years=1 with level=senior)."""

    def __init__(self, message: str, *, details: list[dict[str, Any]]) -> None:
        super().__init__(message)
        self.message = message
        self.details = details


@dataclass(frozen=True)
class Cited:
    """Where a figure comes from: source key, release key and the sentence it rests on."""

    source: str
    release: str
    citation: str


@dataclass(frozen=True)
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


@dataclass(frozen=True)
class Pct:
    """A percentage difference a source states, e.g. 10-20% for inpatient vs outpatient."""

    low: float
    high: float
    description: str
    cited: Cited


@dataclass(frozen=True)
class Remark:
    """A factor a source describes only in words (or a figure we deliberately do not apply)."""

    description: str
    cited: Cited


@dataclass(frozen=True)
class Stat:
    """One wage statistic of an area in one release, as published (None where the file gives no value)."""

    hourly: float | None
    annual: float | None
    citation: str
    capped: bool = False


@dataclass(frozen=True)
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


@dataclass(frozen=True)
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


@dataclass(frozen=True)
class Profile:
    """What the caller told us. certifications: None = unknown, () = none, else the codes."""

    years: int | None = None
    level: str | None = None
    certifications: tuple[str, ...] | None = None
    education: str | None = None
    specialty: str | None = None
    setting: str | None = None
    state: Area | None = None
    metro: Area | None = None
    hours_per_year: int = HOURS_DEFAULT
    retirement_match_pct: float | None = None


def _dec(value: float | int | Decimal) -> Decimal:
    """The decimal the figure was printed as (17.85, not the binary float nearest to it)."""
    return value if isinstance(value, Decimal) else Decimal(repr(value))


def _cents(value: float | Decimal) -> Decimal:
    return _dec(value).quantize(CENT, rounding=ROUND_HALF_UP)


# Money in whole cents (int) from here on: exact like Decimal, and a fraction of its cost per request.
Cents = tuple[int, int, int]


def _to_cents(value: float | Decimal) -> int:
    return int(_cents(value) * 100)


def _dollars(cents: int) -> float:
    """The float nearest to cents / 100 (int / int is correctly rounded), e.g. 4189120 -> 41891.2."""
    return cents / 100


def _note(factor: str, value: Any, message: str, cited: Cited | None) -> dict[str, Any]:
    return {
        "factor": factor,
        "input": value,
        "message": message,
        "source": cited.source if cited else None,
        "release": cited.release if cited else None,
        "citation": cited.citation if cited else None,
    }


def _adjustment(
    factor: str,
    value: Any,
    low: Decimal,
    high: Decimal,
    explanation: str,
    cited: Cited,
    *,
    releases: tuple[str, ...] = (),
) -> dict[str, Any]:
    return {
        "factor": factor,
        "input": value,
        "multiplier_low": low,
        "multiplier_mid": (low + high) / 2,
        "multiplier_high": high,
        "explanation": explanation,
        "source": cited.source,
        "release": cited.release,
        "releases": list(releases or (cited.release,)),
        "citation": cited.citation,
    }


def _premium(factor: str, value: Any, pct: Pct, explanation: str) -> dict[str, Any]:
    """An adjustment of +low% to +high% that a source states."""
    return _adjustment(
        factor, value, 1 + _dec(pct.low) / 100, 1 + _dec(pct.high) / 100, explanation, pct.cited
    )


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


def location_factor(area: Area) -> tuple[Decimal, str, Stat, Stat] | None:
    """(area median / national median, unit, area median, national median); None without both medians.

    Annual medians as published; hourly ones only where either annual median is not published."""
    a, n = area.stats.get("median"), area.national.get("median")
    if a is None or n is None:
        return None
    for unit in ("annual", "hourly"):
        av, nv = getattr(a, unit), getattr(n, unit)
        if av is not None and nv:
            return _dec(av) / _dec(nv), unit, a, n
    return None


def _check_location(profile: Profile) -> None:
    state, metro = profile.state, profile.metro
    if state is not None and metro is not None and state.code not in metro.principal_states:
        raise EstimateConflict(
            f"Metro {metro.code} ({metro.name}) lies in {', '.join(metro.principal_states) or 'no state'}, "
            f"not in state {state.code}. Give a metro inside the state, or only one of them.",
            details=[
                {
                    "parameter": "state,metro",
                    "state": state.code,
                    "metro": metro.code,
                    "metro_states": list(metro.principal_states),
                }
            ],
        )


def _area_releases(area: Area) -> tuple[str, ...]:
    return tuple(dict.fromkeys(r for r in (area.release, area.national_release or area.release) if r))


def _no_factor(param: str, area: Area) -> dict[str, Any]:
    """The note for an area whose figures give no median ratio: no multiplier, and why."""
    if area.release is None:
        tier = ""
        if area.tier == "lower_paying":
            tier = (
                " The source lists it among the lower-paying states but gives no figure, so no percentage is "
                "applied."
            )
        return _note(
            param,
            area.code,
            f"{area.name} is a known {area.area_type} without wage figures in the data; no location "
            f"adjustment is applied for it.{tier}",
            area.tier_note,
        )
    median = area.stats.get("median")
    if median is None:
        why = f"release {area.release} publishes no median wage for {area.name}"
    elif "median" in area.national:
        why = f"{area.name}'s median and the national median are published in no common unit"
    else:
        why = (
            f"the data hold no national median of the same period ({area.period or 'unknown'}) as "
            f"{area.name}'s figures in release {area.release}, and a ratio across periods would mix years"
        )
    cited = Cited(area.source or "", area.release, median.citation) if median else None
    return _note(param, area.code, f"No location adjustment: {why}.", cited)


def _location(profile: Profile) -> tuple[dict[str, Any] | None, list[dict[str, Any]]]:
    """For a band: the most specific area with a median ratio gives the adjustment; the others get notes."""
    notes: list[dict[str, Any]] = []
    adjustment = None
    for area in (profile.metro, profile.state):
        if area is None:
            continue
        param = "metro" if area is profile.metro else "state"
        if adjustment is not None:
            notes.append(
                _note(
                    param,
                    area.code,
                    f"{area.name} is not applied on top of the metro: the metro's own figures already place "
                    "the wage, and applying both would count location twice.",
                    None,
                )
            )
            continue
        found = location_factor(area)
        if found is None:
            notes.append(_no_factor(param, area))
            continue
        ratio, unit, a, n = found
        releases = _area_releases(area)
        where = (
            f"both from release {releases[0]}"
            if len(releases) == 1
            else f"from releases {' and '.join(releases)} (same source, same period {area.period})"
        )
        explanation = (
            f"{area.name} median {unit} wage {getattr(a, unit):,g} / national median {unit} wage "
            f"{getattr(n, unit):,g} = {ratio:.6f}, {where}, as published."
        )
        cited = Cited(area.source or "", area.release or "", f"{a.citation} / {n.citation}")
        adjustment = _adjustment(param, area.code, ratio, ratio, explanation, cited, releases=releases)
    return adjustment, notes


def _certification(
    profile: Profile, sources: Sources, band: Band | None
) -> tuple[dict[str, Any] | None, list[dict[str, Any]]]:
    premium = sources.certification_premium
    cited = premium.cited if premium else None
    certs = profile.certifications
    if band is None:
        if certs is None:
            return None, []
        return None, [
            _note(
                "certifications",
                "none" if certs == () else ",".join(certs),
                "The area percentile base covers certified and non-certified coders together, so the "
                "certification premium cannot be applied to it without knowing the mix; give years or level "
                "for a band-based estimate.",
                cited,
            )
        ]
    if certs is None:
        pct = f" (about {premium.low:g}% on average)" if premium else ""
        return None, [
            _note(
                "certifications",
                None,
                "Certification not given: the experience bands describe certified coders, so no adjustment "
                f"is applied. Non-certified coders earn less{pct}; pass certifications=none to apply it.",
                cited,
            )
        ]
    if certs == ():
        if premium is None:
            return None, [_note("certifications", "none", "No certification premium in the data.", None)]
        # Widen honestly: the low end takes the larger cut.
        low, high = 1 / (1 + _dec(premium.high) / 100), 1 / (1 + _dec(premium.low) / 100)
        return (
            _adjustment(
                "certifications",
                "none",
                low,
                high,
                "The bands describe certified coders; certified coders earn on average "
                f"{premium.low:g}% more, so the range is divided by {1 + premium.low / 100:g}.",
                premium.cited,
            ),
            [],
        )
    notes = [
        _note(
            "certifications",
            ",".join(certs),
            "The experience bands already describe certified coders, so no certification premium is added.",
            cited,
        )
    ]
    for code in certs:
        remark = sources.certifications.get(code)
        if remark is not None:
            notes.append(
                _note(
                    "certifications",
                    code,
                    f"{code}: {remark.description} The source gives no percentage for it, so none is "
                    "applied.",
                    remark.cited,
                )
            )
    return None, notes


def _education(
    profile: Profile, sources: Sources, band: Band | None
) -> tuple[dict[str, Any] | None, list[dict[str, Any]]]:
    edu = profile.education
    if edu is None:
        return None, []
    if edu == "associate":
        assoc = sources.associate
        if assoc is None:
            return None, [_note("education", edu, "No figure for an associate's degree in the data.", None)]
        if band is not None and band == sources.bands[0]:
            return (
                _premium(
                    "education",
                    edu,
                    assoc,
                    f"An associate's degree brings a {assoc.low:g}-{assoc.high:g}% higher starting salary "
                    f"than a certificate; applied to the starting ({band.key}) band only.",
                ),
                [],
            )
        where = "the area percentile base" if band is None else f"the {band.key} band"
        return None, [
            _note(
                "education",
                edu,
                f"The {assoc.low:g}-{assoc.high:g}% premium of an associate's degree is about the starting "
                f"salary; the source gives no figure for {where}, so none is applied.",
                assoc.cited,
            )
        ]
    key = f"education_{edu}"
    remark = sources.remarks.get(key)
    if edu == "certificate":
        message = (
            "A certificate is the baseline: the bands describe certificate holders (the fastest and most "
            "common route), so no adjustment is applied."
        )
    else:
        message = (
            f"{remark.description if remark else 'A bachelor leads to management roles, a different job.'} "
            "The coder's wage is not raised for it: the sources give no figure for a coder with a bachelor's."
        )
    return None, [_note("education", edu, message, remark.cited if remark else None)]


def _specialty(
    profile: Profile, sources: Sources, band: Band | None
) -> tuple[dict[str, Any] | None, list[dict[str, Any]]]:
    spec = profile.specialty
    if spec is None:
        return None, []
    inpatient = sources.inpatient
    if spec in ("inpatient", "outpatient"):
        cited = inpatient.cited if inpatient else None
        if band is None:
            return None, [
                _note(
                    "specialty",
                    spec,
                    "The area percentile base mixes inpatient and outpatient coders, so the "
                    "inpatient/outpatient difference is not applied to it; give years or level for a "
                    "band-based estimate.",
                    cited,
                )
            ]
        if spec == "outpatient" or inpatient is None:
            return None, [
                _note(
                    "specialty",
                    spec,
                    "Outpatient is the baseline: the bands describe mostly outpatient and physician-office "
                    "coding, so no adjustment is applied."
                    if spec == "outpatient"
                    else "No inpatient figure in the data; no adjustment applied.",
                    cited,
                )
            ]
        return (
            _premium(
                "specialty",
                spec,
                inpatient,
                f"Inpatient coders earn {inpatient.low:g}-{inpatient.high:g}% more than outpatient coders, "
                "the bands' baseline.",
            ),
            [],
        )
    return None, [_words("specialty", spec, sources.remarks.get(f"specialty_{spec}"))]


def _words(factor: str, value: str, remark: Remark | None) -> dict[str, Any]:
    text = remark.description if remark else f"The sources describe {value} only in words."
    return _note(factor, value, f"{text} No adjustment is applied.", remark.cited if remark else None)


def _setting(profile: Profile, sources: Sources) -> list[dict[str, Any]]:
    if profile.setting is None:
        return []
    return [_words("setting", profile.setting, sources.remarks.get(f"setting_{profile.setting}"))]


def _hourly(cents: Cents, open_top: bool) -> dict[str, Any]:
    return {"low": cents[0] / 100, "mid": cents[1] / 100, "high": cents[2] / 100, "open_top": open_top}


def _per_year(cents: Cents, hours: int) -> Cents:
    """Hourly cents x hours: annual cents, exactly."""
    return cents[0] * hours, cents[1] * hours, cents[2] * hours


def _annual(annual: Cents, open_top: bool, published: bool) -> dict[str, Any]:
    return {
        "low": _dollars(annual[0]),
        "mid": _dollars(annual[1]),
        "high": _dollars(annual[2]),
        "open_top": open_top,
        "published": published,
    }


def _percentiles(area: Area | None) -> tuple[Stat, Stat, Stat] | None:
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


def _percentile_area(profile: Profile, sources: Sources) -> tuple[Area | None, list[dict[str, Any]]]:
    """The most specific given area with published percentiles, else the national ones; notes say which."""
    notes: list[dict[str, Any]] = []
    chosen = None
    for param, area in (("metro", profile.metro), ("state", profile.state)):
        if area is None:
            continue
        if chosen is not None:
            notes.append(
                _note(
                    param,
                    area.code,
                    f"{area.name} is not applied: the base is {chosen.name}'s own percentiles, the more "
                    "specific area.",
                    None,
                )
            )
        elif _percentiles(area) is None:
            notes.append(
                _note(
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
                _note(
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
    citation = " / ".join(dict.fromkeys(area.stats[s].citation for s in PERCENTILES))
    return Cited(area.source or "", area.release or "", citation)


def _band_base(band: Band) -> tuple[tuple[Decimal, Decimal, Decimal], dict[str, Any]]:
    low, high = _dec(band.hourly_low), _dec(band.hourly_high)
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


def _percentile_base(
    area: Area | None,
) -> tuple[tuple[Decimal, Decimal, Decimal], Cents | None, dict[str, Any]]:
    """(hourly p25 / median / p75, published annual cents or None, base info) of the area."""
    figs = _percentiles(area)
    if area is None or figs is None:
        raise EstimateConflict(
            "No published percentiles in the data to base an estimate on; give years or level.",
            details=[{"parameter": "years,level", "problem": "required without published percentiles"}],
        )
    annual = None
    if all(f.annual is not None for f in figs):
        annual = tuple(_to_cents(f.annual) for f in figs)  # type: ignore[arg-type]
    if all(f.hourly is not None for f in figs):
        hourly = tuple(_dec(f.hourly) for f in figs)  # type: ignore[arg-type]
    else:  # an annual-only occupation: the hourly range is derived at the default hours
        hourly = tuple(_dec(f.annual) / HOURS_DEFAULT for f in figs)  # type: ignore[arg-type]
    cited = _percentile_cited(area)
    info = {
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


def _compute(profile: Profile, sources: Sources) -> tuple[dict[str, Any], Cents, Cents | None]:
    band = pick_band(sources.bands, years=profile.years, level=profile.level)
    annual: Cents | None = None
    if band is None:
        area, area_notes = _percentile_area(profile, sources)
        base, annual, base_info = _percentile_base(area)
        location_step: tuple[dict[str, Any] | None, list[dict[str, Any]]] = (None, area_notes)
    else:
        base, base_info = _band_base(band)
        location_step = _location(profile)
    adjustments: list[dict[str, Any]] = []
    notes: list[dict[str, Any]] = []
    for adj, extra in (
        _certification(profile, sources, band),
        _education(profile, sources, band),
        _specialty(profile, sources, band),
        location_step,
    ):
        if adj is not None:
            adjustments.append(adj)
        notes.extend(extra)
    notes.extend(_setting(profile, sources))
    low, mid, high = base
    for adj in adjustments:
        low *= adj["multiplier_low"]
        mid *= adj["multiplier_mid"]
        high *= adj["multiplier_high"]
    open_top = bool(base_info["open_top"])
    if band is not None and band.open_top:
        notes.insert(
            0,
            _note(
                "level",
                band.key,
                f"The {band.name} band has an open top (${band.hourly_high:.2f}+ an hour in the source): "
                "the high end is where the top starts, not a maximum.",
                band.cited,
            ),
        )
    elif open_top:
        notes.insert(
            0,
            _note(
                "base",
                None,
                "The 75th percentile is BLS's top code: the wage is at or above it, not exactly it.",
                Cited(base_info["source"], base_info["release"], base_info["citation"]),
            ),
        )
    cents = (_to_cents(low), _to_cents(mid), _to_cents(high))
    result = {
        "level": None
        if band is None
        else {"key": band.key, "name": band.name, "years_min": band.years_min, "years_max": band.years_max},
        "base": base_info,
        "hourly": _hourly(cents, open_top),
        "open_top": open_top,
        "adjustments": [
            {**a, **{k: float(a[k]) for k in ("multiplier_low", "multiplier_mid", "multiplier_high")}}
            for a in adjustments
        ],
        "notes": notes,
    }
    # Published annual figures stand only for the published figures themselves, never for a product.
    return result, cents, annual if not adjustments else None


def _additional_pay(sources: Sources) -> tuple[dict[str, Any], int] | None:
    """The flat additional-pay component and its amount in cents, or None without a figure."""
    add, cited = sources.additional_pay, sources.additional_pay_cited
    if add is None or cited is None:
        return None
    amount = _to_cents(add)
    component = {
        "component": "additional_pay",
        "label": "National average additional pay (cash bonuses, profit sharing) from Glassdoor; a "
        "national average for all medical coders, not scaled to this profile.",
        "low": _dollars(amount),
        "mid": _dollars(amount),
        "high": _dollars(amount),
        "source": cited.source,
        "release": cited.release,
        "citation": cited.citation,
    }
    return component, amount


def _percent_of(cents: int, pct: tuple[int, int]) -> int:
    """cents x pct / 100 rounded half up to a whole cent, in integers; pct = numerator / denominator."""
    numerator, denominator = pct
    return (cents * numerator + 50 * denominator) // (100 * denominator)


def _total_compensation(
    core: Core, sources: Sources, annual: Cents, match_pct: float | None
) -> dict[str, Any]:
    components: list[dict[str, Any]] = []
    totals = list(annual)
    if core.additional_pay is not None:
        component, amount = core.additional_pay
        components.append(component)
        totals = [t + amount for t in totals]
    if match_pct is not None:
        pct = Decimal(repr(float(match_pct)))  # the percent as written, e.g. 4.5, not its binary float
        match = [_percent_of(a, pct.as_integer_ratio()) for a in annual]
        remark = sources.remarks.get("retirement_match_example")
        components.append(
            {
                "component": "retirement_match",
                "label": f"Employer retirement match of {float(pct):g}% of base salary, assuming you "
                "contribute enough to receive the full match.",
                "low": _dollars(match[0]),
                "mid": _dollars(match[1]),
                "high": _dollars(match[2]),
                "source": remark.cited.source if remark else None,
                "release": remark.cited.release if remark else None,
                "citation": remark.cited.citation if remark else None,
            }
        )
        totals = [t + m for t, m in zip(totals, match, strict=True)]
    return {
        "base_annual": {"low": _dollars(annual[0]), "mid": _dollars(annual[1]), "high": _dollars(annual[2])},
        "components": components,
        "low": _dollars(totals[0]),
        "mid": _dollars(totals[1]),
        "high": _dollars(totals[2]),
        "open_top": core.result["open_top"],
    }


@dataclass(frozen=True)
class Step:
    """One band of the progression, without its annual figures."""

    level: dict[str, Any] | None
    hourly: dict[str, Any]
    cents: Cents
    open_top: bool


@dataclass(frozen=True)
class Core:
    """The part of an estimate that does not depend on hours per year or the retirement match.

    Its dicts end up inside every finished estimate built from it: treat them as read-only.
    ``annual_cents``: BLS's published annual low / mid / high, when the range is exactly published figures."""

    result: dict[str, Any]
    cents: Cents
    progression: tuple[Step, ...]
    additional_pay: tuple[dict[str, Any], int] | None
    annual_cents: Cents | None = None


def estimate_core(profile: Profile, sources: Sources) -> Core:
    """Band, base, adjustments, notes and hourly ranges (own and progression); hours and match are ignored."""
    _check_location(profile)
    result, cents, annual = _compute(profile, sources)
    used = (result["level"] or {}).get("key")
    steps = []
    for band in sources.bands:
        # The profile's own band is the estimate just computed: the range depends on the band, not the years.
        step, step_cents, _ = (
            (result, cents, None)
            if band.key == used
            else _compute(replace(profile, years=None, level=band.key), sources)
        )
        steps.append(Step(step["level"], step["hourly"], step_cents, step["open_top"]))
    return Core(result, cents, tuple(steps), _additional_pay(sources), annual)


def _annual_note(core: Core, hours_per_year: int) -> dict[str, Any]:
    """Why a percentile base's annual range is hourly x hours rather than BLS's published annual figures."""
    base = core.result["base"]
    cited = Cited(base["source"], base["release"], base["citation"])
    if core.annual_cents is None:
        message = f"BLS publishes no annual figures for this range: annual = hourly x {hours_per_year} hours."
    else:
        message = (
            f"Annual = the published hourly figures x {hours_per_year} hours, derived: BLS's published "
            f"annual figures assume {HOURS_DEFAULT} hours a year."
        )
    return _note("hours_per_year", hours_per_year, message, cited)


def finish_estimate(
    core: Core, sources: Sources, *, hours_per_year: int, retirement_match_pct: float | None
) -> dict[str, Any]:
    """The full estimate from its core: annual ranges for the hours, total compensation and progression."""
    own = core.result
    open_top = own["open_top"]
    published = core.annual_cents is not None and hours_per_year == HOURS_DEFAULT
    annual: Cents = (
        core.annual_cents  # type: ignore[assignment]
        if published
        else _per_year(core.cents, hours_per_year)
    )
    notes = own["notes"]
    if own["base"]["kind"] == "area_percentiles" and not published:
        notes = [*notes, _annual_note(core, hours_per_year)]
    return {
        "level": own["level"],
        "base": own["base"],
        "hourly": own["hourly"],
        "annual": _annual(annual, open_top, published),
        "open_top": open_top,
        "adjustments": own["adjustments"],
        "notes": notes,
        "total_compensation": _total_compensation(core, sources, annual, retirement_match_pct),
        "progression": [
            {
                "level": step.level,
                "hourly": step.hourly,
                "annual": _annual(_per_year(step.cents, hours_per_year), step.open_top, False),
                "open_top": step.open_top,
            }
            for step in core.progression
        ],
    }


def estimate(profile: Profile, sources: Sources) -> dict[str, Any]:
    """The estimate for one profile: range, adjustments, notes, total compensation and progression."""
    return finish_estimate(
        estimate_core(profile, sources),
        sources,
        hours_per_year=profile.hours_per_year,
        retirement_match_pct=profile.retirement_match_pct,
    )
