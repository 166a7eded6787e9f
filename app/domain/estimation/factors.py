"""The factors that move an experience band: location, certification, education and specialty, each as an
adjustment (a multiplier a source states) or notes saying why none applies; the setting is words only."""

from decimal import Decimal

from app.domain.estimation.answer import Adjustment, Multipliers, Note, adjustment, note, premium
from app.domain.estimation.inputs import Area, Band, Cited, EstimateConflict, Profile, Remark, Sources, Stat
from app.domain.estimation.money import dec

# What one factor gives: the adjustment it applies (if any) and its notes.
Outcome = tuple[tuple[Adjustment, Multipliers] | None, list[Note]]


def location_factor(area: Area) -> tuple[Decimal, str, Stat, Stat] | None:
    """(area median / national median, unit, area median, national median); None without both medians.

    Annual medians as published; hourly ones only where either annual median is not published."""
    a, n = area.stats.get("median"), area.national.get("median")
    if a is None or n is None:
        return None
    for unit in ("annual", "hourly"):
        av, nv = getattr(a, unit), getattr(n, unit)
        if av is not None and nv:
            return dec(av) / dec(nv), unit, a, n
    return None


def check_location(profile: Profile) -> None:
    """A conflict when the metro lies outside the state given."""
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


def _no_factor(param: str, area: Area) -> Note:
    """The note for an area whose figures give no median ratio: no multiplier, and why."""
    if area.release is None:
        tier = ""
        if area.tier == "lower_paying":
            tier = (
                " The source lists it among the lower-paying states but gives no figure, so no percentage is "
                "applied."
            )
        return note(
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
    return note(param, area.code, f"No location adjustment: {why}.", cited)


def location(profile: Profile) -> Outcome:
    """For a band: the most specific area with a median ratio gives the adjustment; the others get notes."""
    notes: list[Note] = []
    found_adjustment = None
    for area in (profile.metro, profile.state):
        if area is None:
            continue
        param = "metro" if area is profile.metro else "state"
        if found_adjustment is not None:
            notes.append(
                note(
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
        found_adjustment = adjustment(param, area.code, ratio, ratio, explanation, cited, releases=releases)
    return found_adjustment, notes


def certification(profile: Profile, sources: Sources, band: Band | None) -> Outcome:
    """The certification premium: a cut for none on a band; notes otherwise (None is unknown)."""
    stated = sources.certification_premium
    cited = stated.cited if stated else None
    certs = profile.certifications
    if band is None:
        if certs is None:
            return None, []
        return None, [
            note(
                "certifications",
                "none" if certs == () else ",".join(certs),
                "The area percentile base covers certified and non-certified coders together, so the "
                "certification premium cannot be applied to it without knowing the mix; give years or level "
                "for a band-based estimate.",
                cited,
            )
        ]
    if certs is None:
        pct = f" (about {stated.low:g}% on average)" if stated else ""
        return None, [
            note(
                "certifications",
                None,
                "Certification not given: the experience bands describe certified coders, so no adjustment "
                f"is applied. Non-certified coders earn less{pct}; pass certifications=none to apply it.",
                cited,
            )
        ]
    if certs == ():
        if stated is None:
            return None, [note("certifications", "none", "No certification premium in the data.", None)]
        # Widen honestly: the low end takes the larger cut.
        low, high = 1 / (1 + dec(stated.high) / 100), 1 / (1 + dec(stated.low) / 100)
        return (
            adjustment(
                "certifications",
                "none",
                low,
                high,
                "The bands describe certified coders; certified coders earn on average "
                f"{stated.low:g}% more, so the range is divided by {1 + stated.low / 100:g}.",
                stated.cited,
            ),
            [],
        )
    notes = [
        note(
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
                note(
                    "certifications",
                    code,
                    f"{code}: {remark.description} The source gives no percentage for it, so none is "
                    "applied.",
                    remark.cited,
                )
            )
    return None, notes


def education(edu: str, sources: Sources, band: Band | None) -> Outcome:
    """An associate's degree raises the starting band; every other degree gets a note."""
    if edu == "associate":
        assoc = sources.associate
        if assoc is None:
            return None, [note("education", edu, "No figure for an associate's degree in the data.", None)]
        if band is not None and band == sources.bands[0]:
            return (
                premium(
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
            note(
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
    return None, [note("education", edu, message, remark.cited if remark else None)]


def specialty(spec: str, sources: Sources, band: Band | None) -> Outcome:
    """Inpatient coding raises a band over the outpatient baseline; other specialties get a note."""
    inpatient = sources.inpatient
    if spec in ("inpatient", "outpatient"):
        cited = inpatient.cited if inpatient else None
        if band is None:
            return None, [
                note(
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
                note(
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
            premium(
                "specialty",
                spec,
                inpatient,
                f"Inpatient coders earn {inpatient.low:g}-{inpatient.high:g}% more than outpatient coders, "
                "the bands' baseline.",
            ),
            [],
        )
    return None, [_words("specialty", spec, sources.remarks.get(f"specialty_{spec}"))]


def _words(factor: str, value: str, remark: Remark | None) -> Note:
    text = remark.description if remark else f"The sources describe {value} only in words."
    return note(factor, value, f"{text} No adjustment is applied.", remark.cited if remark else None)


def setting(value: str, sources: Sources) -> Note:
    """The setting, described in words only: a note, never a number."""
    return _words("setting", value, sources.remarks.get(f"setting_{value}"))
