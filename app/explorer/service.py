"""What the explorer page shows: choices, the estimate for the chosen profile, percentiles and states."""

from collections.abc import Mapping
from urllib.parse import urlencode

from pydantic import ValidationError

from app import fmt
from app.cards.figures import card_figures, range_card
from app.cards.location import LocationLine, location_line
from app.config import DEFAULT_OCCUPATION
from app.domain import wages
from app.domain.estimation import estimates as estimate_service
from app.domain.occupations import OccupationMatch
from app.domain.official import occupations_with_official_figures
from app.domain.places import METRO_TYPES, Located
from app.domain.profile import ARTICLE_METHOD_FIELDS, PROMPTS, EstimateRequest, Prompt
from app.domain.profile import choices as profile_choices
from app.domain.store import Snapshot
from app.errors import Ambiguous, AppError, InvalidInput, InvalidQuery, NotFound, validation_message
from app.explorer.shapes import (
    AreaPercentiles,
    Candidate,
    Choices,
    EstimateCard,
    ExplorerView,
    Suggestion,
    Suggestions,
)
from app.query import apply_sort, parse_sort

DEFAULT_SORT = "-mean"
# How the states table's order is said, by sort key: what is sorted, then the ascending and descending words.
SORT_WORDS = {
    key: (words, *order)
    for order, named in (
        (("A to Z", "Z to A"), {"name": "state name", "code": "state code", "tier": "tier"}),
        (
            ("first to last", "last to first"),
            {"rank": "the article's rank", "rank_median": "rank by median", "rank_mean": "rank by mean"},
        ),
        (
            ("lowest first", "highest first"),
            {
                "mean": "mean wage",
                "median": "median wage",
                "p10": "10th percentile wage",
                "p25": "25th percentile wage",
                "p75": "75th percentile wage",
                "p90": "90th percentile wage",
                "employment": "employment",
            },
        ),
    )
    for key, words in named.items()
}


def sort_words(spec: list[tuple[str, bool]]) -> str:
    """'mean wage, highest first' from a parsed sort (then ', then by ...' for further keys)."""
    parts = []
    for name, desc in spec:
        words, up, down = SORT_WORDS.get(name, (name.replace("_", " "), "ascending", "descending"))
        parts.append(f"{words}, {down if desc else up}")
    return "; then by ".join(parts)


def field_errors(exc: AppError, given: Mapping[str, str | None]) -> dict[str, str]:
    """{form field: what to tell the reader beside it} from an error's details (their 'parameter')."""
    out: dict[str, str] = {}
    for detail in exc.details:
        for name in str(detail.get("parameter", "")).split(","):
            name = name.strip()
            if name not in given or name in out:
                continue
            invalid = "allowed" in detail or detail.get("problem") not in (None, "conflict")
            # In the words of the field's prompt; state= and metro=, not in the form, get the usual words.
            out[name] = (PROMPTS.get(name) or Prompt(name)).refused if invalid else exc.message
    return out


def parse_profile(raw: Mapping[str, str | None]) -> EstimateRequest:
    """Form values as a profile, checked by /estimate's own model (a field left blank arrives as not given:
    app.query.EmptyValuesAbsent)."""
    given = {name: value.strip() for name, value in raw.items() if value is not None}
    try:
        # Not strict: form values are strings, so "3" must become 3 (as in a query string).
        return EstimateRequest.model_validate(given, strict=False)
    except ValidationError as exc:
        message, details = validation_message(exc.errors())
        raise InvalidInput(message, details=details) from None


# Per snapshot (immutable): the suggestion lists are worked out once, not per page.
_WORDS = "explorer suggestions"


def suggestions(snapshot: Snapshot) -> Suggestions:
    """What the two free-text boxes suggest: places (states, metros, the national words) and occupations
    (titles, aliases and O*NET's reported titles of occupations with official figures), each a word that
    the resolvers lead back to its own area or occupation."""
    known: Suggestions | None = snapshot.derived.get(_WORDS)
    if known is None:
        words: Suggestions = {"places": _place_words(snapshot), "occupations": _occupation_words(snapshot)}
        known = snapshot.derived.setdefault(_WORDS, words)
    return known


def _place_words(snapshot: Snapshot) -> list[Suggestion]:
    gazetteer = snapshot.gazetteer
    out: list[Suggestion] = [
        {"code": "US", "label": "National figures"},
        {"code": "Remote", "label": "National figures"},
    ]
    for area in sorted(gazetteer.states.values(), key=lambda a: a["name"]):
        out.extend({"code": w, "label": f"State ({area['code']})"} for w in gazetteer.words_for(area))
    for area in sorted(gazetteer.metros.values(), key=lambda a: a["name"]):
        kind = "Metro area" if area["area_type"] == "metro" else "Nonmetropolitan area"
        out.extend(
            {
                "code": w,
                "label": f"{kind} {area['code']}" + ("" if w == area["name"] else f": {area['name']}"),
            }
            for w in gazetteer.words_for(area)
        )
    return out


def _occupation_words(snapshot: Snapshot) -> list[Suggestion]:
    catalog = snapshot.catalog
    out: list[Suggestion] = []
    seen: set[str] = set()
    for occupation in occupations_with_official_figures(snapshot):
        label = f"{occupation['title']} ({occupation['soc_code']})"
        names = [
            occupation["title"],
            *occupation["aliases"],
            *catalog.reported.get(int(occupation["id"]), []),
        ]
        for name in names:
            if name.casefold() in seen:
                continue
            try:
                understood = catalog.resolve(name).soc_code
            except AppError:
                continue
            if understood == occupation["soc_code"]:
                seen.add(name.casefold())
                out.append({"code": name, "label": label})
    return out


def choices(snapshot: Snapshot) -> Choices:
    """Every value the form offers: the free-text boxes' suggestions and the lists' options."""
    return {**suggestions(snapshot), "options": profile_choices(snapshot)}


def _percentiles(
    snapshot: Snapshot, *, occupation: OccupationMatch, place: Located | None
) -> AreaPercentiles:
    """Percentiles of the profile's area when it has them, else national ones with a note saying so."""
    national = snapshot.gazetteer.locate()
    note = None
    if place is not None and place.method != "national":
        try:
            body = wages.percentiles(snapshot, occupation=occupation, release=None, place=place)
            return AreaPercentiles(answer=body, note=None, chart_query=_area_query(place))
        except NotFound:
            note = f"No percentile figures for {place.area['name']} in the data; national percentiles shown."
    body = wages.percentiles(snapshot, occupation=occupation, release=None, place=national)
    return AreaPercentiles(answer=body, note=note, chart_query="")


def _area_query(place: Located) -> str:
    """The chart's query for an area: its code as state= or metro=."""
    param = "metro" if place.area["area_type"] in METRO_TYPES else "state"
    return f"{param}={place.area['code']}"


def _known_place(snapshot: Snapshot, raw: Mapping[str, str | None]) -> Located | None:
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


def location_text(raw: Mapping[str, str | None]) -> str:
    """What the one location box shows: the location typed, else a state= or metro= from an older address,
    in words the box reads the same way (a bare CBSA code would read as a ZIP there)."""
    location, state, metro = (raw.get(k) or "" for k in ("location", "state", "metro"))
    if location.strip():
        return location
    if metro.strip():
        return f"CBSA {metro.strip()}" if metro.strip().isdigit() and len(metro.strip()) == 5 else metro
    return state


def _understood(place: Located | None) -> LocationLine | None:
    """How the place was read, as one line and in full; None when it could not be read."""
    if place is None:
        return None
    return location_line(place.public()) or LocationLine(short=place.explanation, full=place.explanation)


def _occupation_understood(match: OccupationMatch) -> LocationLine:
    shown = f"{match.occupation['title']} (SOC {match.soc_code})"
    # The title typed as it is needs no "by the title ..." sentence.
    as_title = " ".join((match.input or "").split()).casefold() == str(match.occupation["title"]).casefold()
    if match.matched is None or as_title:
        return LocationLine(short=shown, full=shown)
    return LocationLine(short=match.matched, full=match.matched)


def _candidates(exc: AppError, field: str, raw: Mapping[str, str | None]) -> list[Candidate]:
    """The candidates of an ambiguous input, each with the page's address for it."""
    if not isinstance(exc, Ambiguous):
        return []
    base = [(k, v) for k, v in raw.items() if v not in (None, "") and k not in ("location", "state", "metro")]
    base = [(k, v) for k, v in base if k != field]
    if field != "location" and location_text(raw):
        base.append(("location", location_text(raw)))
    return [
        {
            "value": str(c["value"]),
            "label": str(c["label"]),
            "href": "/?" + urlencode([*base, (field, c["value"])]),
        }
        for c in exc.candidates
    ]


def explorer_view(
    snapshot: Snapshot, *, raw_profile: Mapping[str, str | None], sort: str | None
) -> ExplorerView:
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
    candidates: dict[str, list[Candidate]] = {}
    try:
        occupation = snapshot.catalog.resolve((raw_profile.get("occupation") or "").strip() or None)
        occupation_understood: LocationLine | None = _occupation_understood(occupation)
    except (InvalidInput, NotFound) as exc:
        # Flagged on its field; the page shows the default occupation meanwhile.
        errors["occupation"] = exc.message
        candidates["occupation"] = _candidates(exc, "occupation", raw_profile)
        occupation = snapshot.catalog.resolve(None)
        occupation_understood = None
    # The experience method describes medical coders: for another occupation its inputs are set aside (the
    # form disables them) rather than refused, so changing the occupation never strands the page.
    method_applies = occupation.soc_code == DEFAULT_OCCUPATION
    set_aside = (
        [] if method_applies else [n for n in ARTICLE_METHOD_FIELDS if (raw_profile.get(n) or "").strip()]
    )
    used = {k: v for k, v in raw_profile.items() if method_applies or k not in ARTICLE_METHOD_FIELDS}
    profile = None
    official = None
    try:
        profile = parse_profile({**used, "occupation": occupation.soc_code})
        estimate = estimate_service.estimate_one(snapshot, profile)
        if not method_applies:
            # The method's bands describe medical coders: other jobs get the area's official range, as the
            # card shows it.
            official = range_card(estimate, profile=profile, theme="light", compact=False)
    except (InvalidInput, NotFound) as exc:
        # An unknown code (404 in the API) is flagged on its field like an invalid one.
        error = exc.message
        errors.update(field_errors(exc, used))
        for name in ("location", "state", "metro"):
            if name in errors:
                candidates["location"] = _candidates(exc, "location", raw_profile)
    # The form has one place box: what state= or metro= in the address got wrong is said there.
    for name in ("state", "metro"):
        if name in errors:
            message = errors.pop(name)
            if message not in errors.get("location", ""):
                errors["location"] = f"{errors['location']} {message}" if "location" in errors else message
    envelope, items = wages.list_states(snapshot, occupation=occupation, release=None)
    states = apply_sort(items, spec, wages.AREA_SORT_KEYS)
    states_prov = wages.list_provenance(snapshot, items=states)
    chart_sort = sort if any(name in wages.WAGE_FIELDS for name, _ in spec) else DEFAULT_SORT
    card: EstimateCard | None = None
    if estimate is not None and profile is not None and official is None:
        card = {
            **card_figures(estimate=estimate, profile=profile),
            "estimate": estimate,
            "all_sources": fmt.source_line(estimate["releases"], estimate["sources"]),
        }
    place = _known_place(
        snapshot, raw_profile if estimate is None or profile is None else profile.model_dump()
    )
    return {
        "occupation": occupation.soc_code,
        "occupation_text": raw_profile.get("occupation") or "",
        "occupation_understood": occupation_understood,
        "location_text": location_text(raw_profile),
        "location_understood": None if "location" in errors else _understood(place),
        "candidates": candidates,
        "method_applies": method_applies,
        "set_aside": set_aside,
        "raw": raw_profile,
        "sort": sort,
        "sort_words": sort_words(spec),
        "sort_note": sort_note,
        "chart_sort": chart_sort,
        "choices": choices(snapshot),
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
