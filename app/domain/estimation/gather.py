"""Gathering, part two: everything one estimate needs, read from the Snapshot once (`EstimateInputs`), so that
the method and the presenter never go back to it."""

from collections.abc import Hashable, Mapping
from dataclasses import dataclass
from operator import attrgetter
from typing import NamedTuple

from app.config import DEFAULT_OCCUPATION
from app.domain.estimation.base import pick_band
from app.domain.estimation.inputs import Band, EstimateConflict, Profile, Sources
from app.domain.estimation.sources import area_figures, method_sources
from app.domain.occupations import OccupationMatch
from app.domain.places import Located, LocationPublic
from app.domain.profile import ARTICLE_METHOD_FIELDS, PROFILE_FIELDS, ProfileQuery
from app.domain.records import OccupationPublic, ReleasePublic, SourceRef
from app.domain.store import Snapshot
from app.errors import InvalidInput, NotFound, nearest_spellings

# The article's inputs that the band does not already stand for: with the band, the occupation and the
# place, they are everything the hours-independent part of an estimate depends on.
_FACTOR_FIELDS = tuple(name for name in ARTICLE_METHOD_FIELDS if name not in ("years", "level"))
_factor_values = attrgetter(*_FACTOR_FIELDS)


@dataclass(frozen=True, slots=True)
class Releases:
    """Every release an answer may name, as provenance shows it, with the sources behind each (in order)."""

    data_version: int
    public: Mapping[str, ReleasePublic]
    sources: Mapping[str, tuple[tuple[int, SourceRef], ...]]


class Resolved(NamedTuple):
    """A request's occupation, place, figures and band; ``key`` names its hours-independent part (a tuple:
    made on every request, and a frozen dataclass costs several times more to make)."""

    match: OccupationMatch
    place: Located
    sources: Sources
    band: Band | None
    key: Hashable


class EstimateInputs(NamedTuple):
    """Everything one estimate needs: the method's profile and figures, and what the answer names (a tuple,
    like `Resolved`: made on every request)."""

    # The method's profile without hours and match: what the core (kept per snapshot) is computed from; its
    # level is the band picked from years or level.
    profile: Profile
    hours_per_year: int
    retirement_match_pct: float | None
    sources: Sources
    occupation: OccupationPublic
    # False for an occupation the article's experience method does not describe: its area's percentiles.
    article_method: bool
    location: LocationPublic
    # The located area's name: the summary's place when a location factor moved the band.
    area_name: str
    # The profile as given, in its fields' order, with the codes it was read as.
    echo: dict[str, object]
    releases: Releases


_RELEASES = "estimate releases"


def releases_of(snapshot: Snapshot) -> Releases:
    """The snapshot's releases as provenance names them, built once per snapshot."""
    found: Releases | None = snapshot.derived.get(_RELEASES)
    if found is None:
        public = {r["key"]: snapshot.release_public(rid) for rid, r in snapshot.releases.items()}
        sources = {
            r["key"]: tuple(
                (sid, snapshot.source_ref(sid))
                for sid in dict.fromkeys((r["source_id"], r["via_source_id"]))
                if sid is not None
            )
            for r in snapshot.releases.values()
        }
        found = snapshot.derived.setdefault(_RELEASES, Releases(snapshot.version, public, sources))
    return found


def conflict_as_invalid(exc: EstimateConflict) -> InvalidInput:
    """A conflict of inputs, as the 422 the app answers."""
    return InvalidInput(exc.message, details=exc.details)


def resolve(snapshot: Snapshot, asked: ProfileQuery) -> Resolved:
    """The occupation, place and band a profile names; 404 for unknown ones, 422 for contradictions."""
    match = snapshot.catalog.resolve(asked.occupation)
    place = snapshot.gazetteer.locate(location=asked.location, state=asked.state, metro=asked.metro)
    occupation_id = match.id
    if match.soc_code != DEFAULT_OCCUPATION:
        if not snapshot.release_ids_by_occupation.get(occupation_id):
            raise NotFound(
                f"No wage figures for occupation {match.soc_code} ({match.occupation['title']}) in any "
                "release: import an OEWS file that holds it (see /occupations).",
                details=[{"parameter": "occupation", "value": match.soc_code, "see": "/occupations"}],
            )
        _only_official(match, [name for name in ARTICLE_METHOD_FIELDS if getattr(asked, name) is not None])
    sources = method_sources(snapshot, occupation_id)
    try:
        band = pick_band(sources.bands, years=asked.years, level=asked.level)
    except EstimateConflict as exc:
        raise conflict_as_invalid(exc) from exc
    factors = _factor_values(asked)
    if isinstance(asked.certifications, list):  # a JSON body's list: hashable as a tuple
        factors = tuple(tuple(v) if isinstance(v, list) else v for v in factors)
    return Resolved(
        match, place, sources, band, (occupation_id, band.key if band else None, place.key, factors)
    )


def _only_official(match: OccupationMatch, given: list[str]) -> None:
    """A 422 when a profile asks an occupation other than 29-2072 for what only the article's method uses."""
    if given:
        raise InvalidInput(
            f"The experience method covers {DEFAULT_OCCUPATION} (Medical Records Specialists) only, so "
            f"{', '.join(given)} cannot be applied to {match.soc_code} ({match.occupation['title']}). Leave "
            f"{'it' if len(given) == 1 else 'them'} out to get the area's official 25th-75th percentile "
            "wages.",
            # A conflict between the occupation and these inputs, not a bad value of theirs.
            details=[{"parameter": name, "problem": "conflict"} for name in given],
        )


def method_profile(snapshot: Snapshot, resolved: Resolved, asked: ProfileQuery) -> Profile:
    """The method's profile without hours and match: codes validated, the place's figures read; 422 on
    unknown codes."""
    certs = parse_certifications(snapshot, value=asked.certifications)
    place = resolved.place
    area = None if place.method == "national" else area_figures(snapshot, resolved.match.id, place.area)
    metro = area if area is not None and area.area_type in ("metro", "nonmetro") else None
    return Profile(
        level=resolved.band.key if resolved.band else None,
        certifications=certs,
        education=asked.education,
        specialty=asked.specialty,
        setting=asked.setting,
        state=area if metro is None else None,
        metro=metro,
    )


class NamedBlocks(NamedTuple):
    """An answer's occupation and location blocks, for one occupation match and one place as understood."""

    match: OccupationMatch
    place: Located
    occupation: OccupationPublic
    location: LocationPublic


def named_blocks(snapshot: Snapshot, resolved: Resolved, held: NamedBlocks | None) -> NamedBlocks:
    """The occupation and location blocks of ``resolved``: ``held`` when it was made for the same match and
    place (both are kept by the catalog and the gazetteer, so the same words give the same objects)."""
    match, place = resolved.match, resolved.place
    if held is not None and held.match is match and held.place is place:
        return held
    return NamedBlocks(match, place, snapshot.occupation_public(match.id, match), place.public())


def gather(
    snapshot: Snapshot, resolved: Resolved, asked: ProfileQuery, profile: Profile, named: NamedBlocks
) -> EstimateInputs:
    """One request's inputs: the method's profile (``profile``, from `method_profile`), hours and match, the
    occupation and location blocks (``named``, from `named_blocks`), and every other block of the answer
    that is not the estimate."""
    match, place = resolved.match, resolved.place
    given = asked.__dict__  # the validated fields (a model's attributes are its __dict__)
    echo: dict[str, object] = {name: given[name] for name in PROFILE_FIELDS}
    echo["occupation"] = match.soc_code
    certs = profile.certifications
    echo["certifications"] = None if certs is None else (list(certs) or ["none"])
    # Given alone, the state (or metro) is the place located: its code is at hand.
    state, metro = asked.state, asked.metro
    if state is not None:
        alone = metro is None and asked.location is None
        echo["state"] = (place.area if alone else snapshot.gazetteer.require_state(state).area)["code"]
    if metro is not None:
        alone = state is None and asked.location is None
        echo["metro"] = (place.area if alone else snapshot.gazetteer.require_metro(metro).area)["code"]
    # Positional: this is made on every request.
    return EstimateInputs(
        profile,
        asked.hours_per_year,
        asked.retirement_match_pct,
        resolved.sources,
        named.occupation,
        match.soc_code == DEFAULT_OCCUPATION,
        named.location,
        str(place.area["name"]),
        echo,
        releases_of(snapshot),
    )


def parse_certifications(snapshot: Snapshot, *, value: str | list[str] | None) -> tuple[str, ...] | None:
    """None = unknown, () = none, else the validated codes; an unknown code is a 404, an empty, repeated or
    none-plus-codes list a 422."""
    if value is None:
        return None
    parts = [p.strip() for p in (value.split(",") if isinstance(value, str) else value)]
    known = [c["code"] for c in snapshot.certifications]
    allowed = [*known, "none"]
    if not parts or any(not p for p in parts):
        raise InvalidInput(
            "certifications is empty or has an empty entry. Give comma-separated codes "
            f"({', '.join(known)}) or 'none'; leave it out when unknown.",
            details=[{"parameter": "certifications", "value": value, "allowed": allowed}],
        )
    lowered = [p.lower() for p in parts]
    if "none" in lowered:
        if len(parts) > 1:
            raise InvalidInput(
                "certifications cannot be 'none' and list codes at the same time.",
                details=[{"parameter": "certifications", "value": value, "problem": "conflict"}],
            )
        return ()
    by_upper = {c.upper(): c for c in known}
    unknown = [p for p in parts if p.upper() not in by_upper]
    if unknown:
        raise _not_held(unknown, known, allowed)
    codes = [by_upper[p.upper()] for p in parts]
    if len(set(codes)) != len(codes):
        raise InvalidInput(
            "A certification code is given twice; give each once.",
            details=[{"parameter": "certifications", "value": value}],
        )
    return tuple(codes)


def _not_held(unknown: list[str], known: list[str], allowed: list[str]) -> NotFound:
    """The 404 for codes the data hold no figures for, naming the held codes nearest each by spelling."""
    # Codes are short: one letter in three may differ (RHIA: RHIT).
    nearest = {code: nearest_spellings(code.upper(), known, n=2, cutoff=0.5) for code in unknown}
    hints = [f"{' or '.join(near)} for {code}" for code, near in nearest.items() if near]
    return NotFound(
        f"{', '.join(unknown)} {'is not a certification' if len(unknown) == 1 else 'are not certifications'} "
        "the data hold: no source here gives wages for "
        f"{'it' if len(unknown) == 1 else 'them'}."
        + (f" Nearest held: {'; '.join(hints)}." if hints else "")
        + f" Held: {', '.join(allowed)} (see /certifications).",
        details=[
            {
                "parameter": "certifications",
                "value": unknown,
                "allowed": allowed,
                "nearest": list(dict.fromkeys(c for near in nearest.values() for c in near)),
            }
        ],
    )
