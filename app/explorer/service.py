"""What the explorer page shows: choices, the estimate for the chosen profile, percentiles and states."""

from typing import Any

from pydantic import ValidationError

from app import fmt
from app.config import DEFAULT_OCCUPATION
from app.domain import wages
from app.domain.estimation import estimates as estimate_service
from app.domain.occupations import OccupationMatch
from app.domain.places import Located
from app.domain.profile import (
    HOURS_MAX,
    MATCH_MAX,
    YEARS_MAX,
    Education,
    EstimateRequest,
    Setting,
    Specialty,
)
from app.domain.store import Snapshot
from app.embed import service as embed_service
from app.errors import AppError, InvalidInput, InvalidQuery, NotFound, validation_message
from app.query import apply_sort, parse_sort

DEFAULT_SORT = "-mean"
# What a reader is told under a field the API rejected, in place of the validator's words.
FIELD_HINTS = {
    "years": f"Enter whole years, from 0 to {YEARS_MAX}.",
    "hours_per_year": f"Enter whole hours a year, from 1 to {HOURS_MAX}.",
    "retirement_match_pct": f"Enter a percentage from 0 to {MATCH_MAX}.",
}
SORT_WORDS = {
    "name": ("state name", "A to Z", "Z to A"),
    "code": ("state code", "A to Z", "Z to A"),
    "rank": ("rank", "first to last", "last to first"),
    "tier": ("tier", "A to Z", "Z to A"),
    "mean": ("mean wage", "lowest first", "highest first"),
    "median": ("median wage", "lowest first", "highest first"),
    "p10": ("10th percentile wage", "lowest first", "highest first"),
    "p25": ("25th percentile wage", "lowest first", "highest first"),
    "p75": ("75th percentile wage", "lowest first", "highest first"),
    "p90": ("90th percentile wage", "lowest first", "highest first"),
    "employment": ("employment", "lowest first", "highest first"),
}


def sort_words(spec: list[tuple[str, bool]]) -> str:
    """'mean wage, highest first' from a parsed sort (then ', then by ...' for further keys)."""
    parts = []
    for name, desc in spec:
        words, up, down = SORT_WORDS.get(name, (name.replace("_", " "), "ascending", "descending"))
        parts.append(f"{words}, {down if desc else up}")
    return "; then by ".join(parts)


def field_errors(exc: AppError, given: dict[str, str | None]) -> dict[str, str]:
    """{form field: what to tell the reader beside it} from an error's details (their 'parameter')."""
    out: dict[str, str] = {}
    for detail in exc.details:
        for name in str(detail.get("parameter", "")).split(","):
            name = name.strip()
            if name not in given or name in out:
                continue
            invalid = "allowed" in detail or detail.get("problem") not in (None, "conflict")
            if invalid and name in FIELD_HINTS:
                out[name] = FIELD_HINTS[name]
            elif invalid:
                out[name] = "Not one of the choices; pick one from the list."
            else:
                out[name] = exc.message
    return out


def parse_profile(raw: dict[str, str | None]) -> dict[str, Any]:
    """Form values (empty = not given) into /estimate keyword arguments, checked by /estimate's own model."""
    given = {name: value.strip() for name, value in raw.items() if value and value.strip()}
    try:
        # Not strict: form values are strings, so "3" must become 3 (as in a query string).
        return EstimateRequest.model_validate(given, strict=False).model_dump()
    except ValidationError as exc:
        message, details = validation_message(exc.errors())
        raise InvalidInput(message, details=details) from None


def choices(snapshot: Snapshot) -> dict[str, Any]:
    """Every value the form offers, from the data (areas, levels, certifications) and the /estimate schema."""
    return {
        "occupations": [
            {"code": o["soc_code"], "label": f"{o['title']} ({o['soc_code']})"}
            for o in embed_service.occupations_with_official_figures(snapshot)
        ],
        "states": [
            {"code": a["code"], "label": a["name"]}
            for a in sorted(snapshot.states_by_code.values(), key=lambda a: a["name"])
        ],
        "metros": [
            {"code": a["code"], "label": a["name"], "states": list(a["principal_states"] or [])}
            for a in sorted(snapshot.metros_by_code.values(), key=lambda a: a["name"])
        ],
        "levels": [
            {
                "code": e["key"],
                "label": f"{e['name']} ({e['years_min']}"
                + (f"\u2013{e['years_max']}" if e["years_max"] is not None else "+")
                + " years)",
            }
            for e in snapshot.experience
        ],
        "certifications": [
            {"code": c["code"], "label": f"{c['code']} \u2013 {c['name']}"} for c in snapshot.certifications
        ],
        "education": [e.value for e in Education],
        "setting": [s.value for s in Setting],
        "specialty": [s.value for s in Specialty],
    }


def _percentiles(snapshot: Snapshot, *, occupation: OccupationMatch, place: Located | None) -> dict[str, Any]:
    """Percentiles of the profile's area when it has them, else national ones with a note saying so."""
    national = snapshot.gazetteer.locate()
    note = None
    if place is not None and place.method != "national":
        try:
            body = wages.percentiles(snapshot, occupation=occupation, release=None, place=place)
            return {**body, "note": None, "chart_query": _area_query(place)}
        except NotFound:
            note = f"No percentile figures for {place.area['name']} in the data; national percentiles shown."
    body = wages.percentiles(snapshot, occupation=occupation, release=None, place=national)
    return {**body, "note": note, "chart_query": ""}


def _area_query(place: Located) -> str:
    """The chart's query for an area: its code as state= or metro=."""
    param = "metro" if place.area["area_type"] in ("metro", "nonmetro") else "state"
    return f"{param}={place.area['code']}"


def _known_place(snapshot: Snapshot, raw: dict[str, str | None]) -> Located | None:
    """The area of a rejected profile when its location alone resolves (the rest may be what is wrong)."""
    try:
        return snapshot.gazetteer.locate(
            location=raw.get("location") or None,
            state=raw.get("state") or None,
            metro=raw.get("metro") or None,
        )
    except AppError:
        return None


def named_occupation(snapshot: Snapshot, text: str | None) -> int | None:
    """The id of the occupation the form names, or None (the page flags it on its field later)."""
    try:
        return snapshot.catalog.resolve((text or "").strip() or None).id
    except AppError:
        return None


def explorer_view(
    snapshot: Snapshot, *, raw_profile: dict[str, str | None], sort: str | None
) -> dict[str, Any]:
    """The whole page's data; a bad profile becomes a message on the page, not an error page."""
    sort_note = None
    try:
        spec = parse_sort(sort or DEFAULT_SORT, wages.AREA_SORT_KEYS)
        sort = sort or DEFAULT_SORT
    except InvalidQuery:
        # Only a hand-edited address gets here (the page's own links are valid): say so, sort as usual.
        sort_note = "The order asked for in the address is not one this table knows"
        sort, spec = DEFAULT_SORT, parse_sort(DEFAULT_SORT, wages.AREA_SORT_KEYS)
    estimate = error = None
    errors: dict[str, str] = {}
    try:
        occupation = snapshot.catalog.resolve((raw_profile.get("occupation") or "").strip() or None)
    except (InvalidInput, NotFound) as exc:
        # Flagged on its field; the page shows the default occupation meanwhile.
        errors["occupation"] = exc.message
        occupation = snapshot.catalog.resolve(None)
    profile: dict[str, Any] = {}
    official = None
    try:
        profile = parse_profile({**raw_profile, "occupation": occupation.soc_code})
        estimate = estimate_service.estimate_one(snapshot, **profile)
        if occupation.soc_code != DEFAULT_OCCUPATION:
            # The method's bands describe medical coders: other jobs get the area's official range, as the
            # card shows it.
            official = embed_service.wage_card(snapshot, profile=profile, theme="light", compact=False)
    except (InvalidInput, NotFound) as exc:
        # An unknown code (404 in the API) is flagged on its field like an invalid one.
        error = exc.message
        errors.update(field_errors(exc, raw_profile))
    envelope, items = wages.list_states(snapshot, occupation=occupation, release=None)
    states = apply_sort(items, spec, wages.AREA_SORT_KEYS)
    states_prov = wages.list_provenance(snapshot, items=states)
    chart_sort = sort if any(name in wages.WAGE_FIELDS for name, _ in spec) else DEFAULT_SORT
    card = None
    if estimate is not None and official is None:
        card = {
            **embed_service.card_figures(snapshot, estimate=estimate, profile=profile),
            "all_sources": fmt.source_line(estimate["releases"], estimate["sources"]),
        }
    place = _known_place(snapshot, raw_profile) if estimate is None else _known_place(snapshot, profile)
    return {
        "occupation": occupation.soc_code,
        "raw": raw_profile,
        "sort": sort,
        "sort_words": sort_words(spec),
        "sort_note": sort_note,
        "chart_sort": chart_sort,
        "choices": choices(snapshot),
        "estimate": None if official else estimate,
        "official": official,
        "card": card,
        "error": error,
        "field_errors": errors,
        # The estimate's echo holds the codes /estimate accepted; a rejected profile shows national figures.
        "percentiles": _percentiles(snapshot, occupation=occupation, place=place),
        "states": states,
        "release_labels": {key: r["label"] for key, r in snapshot.release_by_key.items()},
        "states_source": fmt.source_line(states_prov["releases"], states_prov["sources"]),
        "occupation_title": envelope["occupation"]["title"],
        "data_version": snapshot.version,
    }
