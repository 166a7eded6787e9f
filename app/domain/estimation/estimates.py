"""Turns the in-memory Snapshot into the estimate method's plain inputs, and its answer into a response."""

import threading
import weakref
from collections import OrderedDict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from app.config import DEFAULT_OCCUPATION
from app.domain.estimation.method import (
    Area,
    Band,
    Cited,
    Core,
    EstimateConflict,
    Pct,
    Profile,
    Remark,
    Sources,
    Stat,
    estimate_core,
    finish_estimate,
    pick_band,
)
from app.domain.estimation.summary import summary_sentence
from app.domain.occupations import OccupationMatch
from app.domain.places import Located
from app.domain.profile import ARTICLE_METHOD_FIELDS, PROFILE_FIELDS, ProfileQuery
from app.domain.store import Snapshot
from app.errors import InvalidInput, NotFound

MAX_PROFILES = 100


def _cited(snapshot: Snapshot, release_id: int, citation: str) -> Cited:
    release = snapshot.releases[release_id]
    return Cited(snapshot.sources[release["source_id"]]["key"], release["key"], citation)


def _pct(snapshot: Snapshot, row: dict[str, Any] | None) -> Pct | None:
    if row is None or row["kind"] != "percent" or row["pct_low"] is None:
        return None
    high = row["pct_high"] if row["pct_high"] is not None else row["pct_low"]
    return Pct(row["pct_low"], high, row["description"], _cited(snapshot, row["release_id"], row["citation"]))


def _national(snapshot: Snapshot, occupation_id: int) -> Area | None:
    """The national figures of the newest release holding them (their percentiles: the no-experience base)."""
    national = snapshot.view(occupation_id, None).national
    if national is None:
        return None
    return _area(snapshot, occupation_id, snapshot.area_by_key["national:US"])


# Per snapshot (weak keys: a replaced snapshot is freed with its inputs), an LRU of occupations: an all-data
# release holds ~830 of them, and each Sources keeps its own copies of the figures.
_SOURCES: weakref.WeakKeyDictionary[Snapshot, OrderedDict[int, Sources]] = weakref.WeakKeyDictionary()
_SOURCES_LOCK = threading.Lock()
MAX_SOURCES = 32


def method_sources(snapshot: Snapshot, occupation_id: int) -> Sources:
    """Every figure the method needs, built once per snapshot and occupation (snapshots are immutable)."""
    with _SOURCES_LOCK:
        memo = _SOURCES.setdefault(snapshot, OrderedDict())
        cached = memo.get(occupation_id)
        if cached is not None:
            memo.move_to_end(occupation_id)
            return cached
    built = _build_sources(snapshot, occupation_id)
    with _SOURCES_LOCK:
        memo[occupation_id] = built
        memo.move_to_end(occupation_id)
        while len(memo) > MAX_SOURCES:
            memo.popitem(last=False)
    return built


def _build_sources(snapshot: Snapshot, occupation_id: int) -> Sources:
    if snapshot.occupations[occupation_id]["soc_code"] != DEFAULT_OCCUPATION:
        # The article's bands and factors describe 29-2072: any other occupation gets its area's percentiles.
        return Sources((), _national(snapshot, occupation_id), None, None, None, None, None)
    factors = {f["key"]: f for f in snapshot.factors}
    bands = tuple(
        Band(
            e["key"],
            e["name"],
            e["years_min"],
            e["years_max"],
            e["hourly_low"],
            e["hourly_high"],
            bool(e["hourly_high_open"]),
            _cited(snapshot, e["release_id"], e["citation"]),
        )
        for e in snapshot.experience
    )
    remarks = {
        key: Remark(row["description"], _cited(snapshot, row["release_id"], row["citation"]))
        for key, row in factors.items()
    }
    # Certifications carry no release of their own: their sentences are the article's.
    article = snapshot.release_by_key.get("article")
    certs = {}
    if article is not None:
        certs = {
            c["code"]: Remark(c["covers"], _cited(snapshot, article["id"], c["citation"]))
            for c in snapshot.certifications
        }
    extra = next(
        (
            b
            for b in snapshot.benchmarks
            if b["occupation_id"] == occupation_id and b["statistic"] == "average_additional_pay"
        ),
        None,
    )
    return Sources(
        bands=bands,
        national=_national(snapshot, occupation_id),
        certification_premium=_pct(snapshot, factors.get("certification_premium")),
        associate=_pct(snapshot, factors.get("education_associate")),
        inpatient=_pct(snapshot, factors.get("specialty_inpatient")),
        additional_pay=extra["value"] if extra else None,
        additional_pay_cited=_cited(snapshot, extra["release_id"], extra["citation"]) if extra else None,
        remarks=remarks,
        certifications=certs,
    )


def _stats(rows: dict[str, Any]) -> dict[str, Stat]:
    """Figures as published: a value our importer derived (annual from hourly or back) is left out."""
    return {
        k: Stat(
            None if v["hourly_derived"] else v["hourly"],
            None if v["annual_derived"] else v["annual"],
            v["citation"],
            bool(v["hourly_capped"] or v["annual_capped"]),
        )
        for k, v in rows.items()
        if v is not None
    }


def _national_figures(
    snapshot: Snapshot, occupation_id: int, release_id: int
) -> tuple[str | None, dict[str, Stat]]:
    """The national figures beside an area's release: its own, else those of another release of the same
    source and period (e.g. a national file beside a state file), never another period's."""
    national_id = snapshot.area_by_key["national:US"]["id"]
    own = snapshot.stats(occupation_id, release_id, national_id)
    if own.get("median"):
        return snapshot.releases[release_id]["key"], _stats(own)
    release = snapshot.releases[release_id]
    if release["period_start"] is None:
        return None, {}
    for rid in snapshot.wage_release_order(occupation_id):
        other = snapshot.releases[rid]
        if (other["source_id"], other["period_start"]) != (release["source_id"], release["period_start"]):
            continue
        stats = snapshot.stats(occupation_id, rid, national_id)
        if stats.get("median"):
            return other["key"], _stats(stats)
    return None, {}


def _area(snapshot: Snapshot, occupation_id: int, area: Mapping[str, Any]) -> Area:
    rec = snapshot.view(occupation_id, None).by_key.get(f"{area['area_type']}:{area['code']}")
    base = Area(
        area["area_type"], area["code"], area["name"], principal_states=tuple(area["principal_states"] or ())
    )
    if rec is None:
        return base
    tier_note = None
    if rec["tier_citation"] is not None:  # a source's claim (the article's), with the sentence it rests on
        tier_release = snapshot.release_by_key[rec["tier_release"]]
        tier_note = _cited(snapshot, tier_release["id"], rec["tier_citation"])
    if rec["release"] is None:
        return replace(base, tier=rec["tier"], tier_note=tier_note)
    release = snapshot.release_by_key[rec["release"]]
    national_release, national = _national_figures(snapshot, occupation_id, release["id"])
    return replace(
        base,
        release=release["key"],
        source=snapshot.sources[release["source_id"]]["key"],
        stats=_stats(rec["wages"]),
        national=national,
        tier=rec["tier"],
        tier_note=tier_note,
        national_release=national_release,
        period=release["period"],
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
        raise NotFound(
            f"Unknown certification code(s): {', '.join(unknown)}. Allowed: {', '.join(allowed)} "
            "(see /certifications).",
            details=[{"parameter": "certifications", "value": unknown, "allowed": allowed}],
        )
    codes = [by_upper[p.upper()] for p in parts]
    if len(set(codes)) != len(codes):
        raise InvalidInput(
            "A certification code is given twice; give each once.",
            details=[{"parameter": "certifications", "value": value}],
        )
    return tuple(codes)


def _provenance(snapshot: Snapshot, result: dict[str, Any]) -> dict[str, Any]:
    keys: list[str] = [result["base"]["release"]]
    for adj in result["adjustments"]:
        keys.extend(adj["releases"])
    for item in (*result["notes"], *result["total_compensation"]["components"]):
        if item["release"]:
            keys.append(item["release"])
    return snapshot.provenance(keys)


@dataclass
class _Prepared:
    """A validated profile without years, hours and match: its estimate core and what the response echoes."""

    core: Core
    certifications: list[str] | None
    # keyed by "a retirement match was given": the only hours/match input that adds a source
    provenance: dict[bool, dict[str, Any]] = field(default_factory=dict)
    # hours_per_year -> summary (the match does not change it): formatting costs more than the estimate
    summaries: dict[int, str] = field(default_factory=dict)


# Per snapshot: (occupation id, band key, raw certifications, education, specialty, setting, area) ->
# _Prepared. Hours and match vary continuously and the core does not depend on them, so a stream of distinct
# queries mostly reuses cores already computed. Only valid profiles are stored; past the bound the
# memo starts over (each entry is about 8 kB).
_PREPARED: weakref.WeakKeyDictionary[Snapshot, dict[tuple[Any, ...], _Prepared]] = weakref.WeakKeyDictionary()
_PREPARED_LOCK = threading.Lock()
MAX_PREPARED = 1024
MAX_SUMMARIES = 8


def _prepare(
    snapshot: Snapshot,
    occupation_id: int,
    band: Band | None,
    *,
    asked: ProfileQuery,
    place: Located,
) -> _Prepared:
    """Validate the hours-independent inputs and compute their core; 422 on unknown codes or conflicts."""
    certs = parse_certifications(snapshot, value=asked.certifications)
    area = None if place.method == "national" else _area(snapshot, occupation_id, place.area)
    metro_area = area if area is not None and area.area_type in ("metro", "nonmetro") else None
    state_area = area if metro_area is None else None
    profile = Profile(
        level=band.key if band else None,
        certifications=certs,
        education=asked.education,
        specialty=asked.specialty,
        setting=asked.setting,
        state=state_area,
        metro=metro_area,
    )
    try:
        core = estimate_core(profile, method_sources(snapshot, occupation_id))
    except EstimateConflict as exc:
        raise InvalidInput(exc.message, details=exc.details) from exc
    return _Prepared(core, None if certs is None else (list(certs) or ["none"]))


def profile_of(fields: Mapping[str, Any]) -> ProfileQuery:
    """Fields already validated as a profile (a card's, a form's, a dump of the model) as the model itself."""
    return ProfileQuery.model_construct(**{k: v for k, v in fields.items() if k in PROFILE_FIELDS})


def estimate_one(snapshot: Snapshot, profile: ProfileQuery) -> dict[str, Any]:
    """One explained estimate; unknown codes are a 404, contradictions a 422."""
    match = snapshot.catalog.resolve(profile.occupation)
    place = snapshot.gazetteer.locate(location=profile.location, state=profile.state, metro=profile.metro)
    occupation_id = match.id
    if match.soc_code != DEFAULT_OCCUPATION:
        if not snapshot.release_ids_by_occupation.get(occupation_id):
            raise NotFound(
                f"No wage figures for occupation {match.soc_code} ({match.occupation['title']}) in any "
                "release: import an OEWS file that holds it (see /occupations).",
                details=[{"parameter": "occupation", "value": match.soc_code, "see": "/occupations"}],
            )
        _only_official(match, [name for name in ARTICLE_METHOD_FIELDS if getattr(profile, name) is not None])
    sources = method_sources(snapshot, occupation_id)
    try:
        band = pick_band(sources.bands, years=profile.years, level=profile.level)
    except EstimateConflict as exc:
        raise InvalidInput(exc.message, details=exc.details) from exc
    certs_key = (
        profile.certifications
        if not isinstance(profile.certifications, list)
        else tuple(profile.certifications)
    )
    key = (
        occupation_id,
        band.key if band else None,
        certs_key,
        profile.education,
        profile.specialty,
        profile.setting,
        place.key,
    )
    prepared = _PREPARED.get(snapshot, {}).get(key)
    if prepared is None:
        prepared = _prepare(
            snapshot,
            occupation_id,
            band,
            asked=profile,
            place=place,
        )
        with _PREPARED_LOCK:
            memo = _PREPARED.setdefault(snapshot, {})
            if len(memo) >= MAX_PREPARED:
                memo.clear()
            memo[key] = prepared
    result = finish_estimate(
        prepared.core,
        sources,
        hours_per_year=profile.hours_per_year,
        retirement_match_pct=profile.retirement_match_pct,
    )
    if match.soc_code != DEFAULT_OCCUPATION:
        result["notes"] = [_official_note(match, place), *result["notes"]]
    match_given = profile.retirement_match_pct is not None
    provenance = prepared.provenance.get(match_given)
    if provenance is None:
        provenance = prepared.provenance[match_given] = _provenance(snapshot, result)
    # The profile as given, in its fields' order, with the codes it was read as.
    echo = {name: getattr(profile, name) for name in PROFILE_FIELDS}
    echo["occupation"] = match.soc_code
    echo["certifications"] = prepared.certifications
    if profile.state is not None:
        echo["state"] = snapshot.gazetteer.require_state(profile.state).area["code"]
    if profile.metro is not None:
        echo["metro"] = snapshot.gazetteer.require_metro(profile.metro).area["code"]
    body = {
        "occupation": snapshot.occupation_public(match.id, match),
        "location": place.public(),
        "profile": echo,
        **result,
        **provenance,
    }
    summary = prepared.summaries.get(profile.hours_per_year)
    if summary is None:
        if len(prepared.summaries) >= MAX_SUMMARIES:
            prepared.summaries.clear()
        # The area named is the one whose location factor moved the band, else the nation.
        moved = any(a["factor"] in ("state", "metro") for a in result["adjustments"])
        located = str(place.area["name"]) if moved else "the United States"
        summary = prepared.summaries[profile.hours_per_year] = summary_sentence(body, located=located)
    body["summary"] = summary
    return body


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


def _official_note(match: OccupationMatch, place: Located) -> dict[str, Any]:
    return {
        "factor": "occupation",
        "input": match.soc_code,
        "message": f"The experience method covers {DEFAULT_OCCUPATION} only: for {match.occupation['title']} "
        f"this is {place.area['name']}'s official 25th-75th percentile range, as published.",
        "source": None,
        "release": None,
        "citation": None,
    }


def estimate_many(snapshot: Snapshot, *, profiles: Sequence[ProfileQuery]) -> list[dict[str, Any]]:
    """Estimates in the order given; an invalid profile fails the request and names its index."""
    results = []
    for index, profile in enumerate(profiles):
        try:
            results.append(estimate_one(snapshot, profile))
        except (InvalidInput, NotFound) as exc:
            raise type(exc)(
                f"Profile {index}: {exc.message}", details=[{"index": index, **d} for d in exc.details]
            ) from exc
    return results
