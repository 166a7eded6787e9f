"""What the explorer page shows: choices, the estimate for the chosen profile, percentiles and states."""

from typing import Any

from pydantic import ValidationError

from app.config import DEFAULT_OCCUPATION
from app.embed import fmt
from app.embed import service as embed_service
from app.errors import InvalidInput, NotFound, validation_message
from app.estimate import service as estimate_service
from app.estimate.profile import Education, EstimateRequest, Setting, Specialty
from app.query import apply_sort, parse_sort
from app.store import Snapshot
from app.wages import service as wages

DEFAULT_SORT = "-mean"


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
            for o in sorted(snapshot.occupation_by_code.values(), key=lambda o: o["soc_code"])
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


def _percentiles(snapshot: Snapshot, *, occupation: str, area: dict[str, Any]) -> dict[str, Any]:
    """Percentiles of the chosen (checked) area when it has them, else national ones with a note saying so."""
    note = None
    for state, metro in ((None, area.get("metro")), (area.get("state"), None)):
        if state is None and metro is None:
            continue
        try:
            body = wages.percentiles(snapshot, occupation=occupation, release=None, state=state, metro=metro)
            return {**body, "note": None, "chart_query": f"metro={metro}" if metro else f"state={state}"}
        except NotFound:
            name = fmt.area_label(snapshot, state=state, metro=metro)
            note = note or f"No percentile figures for {name} in the data; national percentiles shown."
    body = wages.percentiles(snapshot, occupation=occupation, release=None, state=None, metro=None)
    return {**body, "note": note, "chart_query": ""}


def explorer_view(
    snapshot: Snapshot, *, occupation: str, raw_profile: dict[str, str | None], sort: str | None
) -> dict[str, Any]:
    """The whole page's data; a bad profile becomes a message on the page, not an error page."""
    sort = sort or DEFAULT_SORT
    spec = parse_sort(sort, wages.AREA_SORT_KEYS)
    wages.resolve_occupation(snapshot, code=occupation)
    estimate = error = None
    profile: dict[str, Any] = {}
    if occupation != DEFAULT_OCCUPATION:
        # The bands and premiums the method uses describe medical coders; nothing estimates other jobs.
        error = (
            f"Estimates exist for SOC {DEFAULT_OCCUPATION} only: the experience bands and premiums they use "
            "come from sources about medical coders. The percentiles and state wages below are for "
            f"SOC {occupation}."
        )
    else:
        try:
            profile = parse_profile(raw_profile)
            estimate = estimate_service.estimate_one(snapshot, **profile)
        except InvalidInput as exc:
            error = exc.message
    envelope, items = wages.list_states(snapshot, occupation=occupation, release=None)
    states = apply_sort(items, spec, wages.AREA_SORT_KEYS)
    states_prov = wages.list_provenance(snapshot, items=states)
    chart_sort = sort if any(name in wages.WAGE_FIELDS for name, _ in spec) else DEFAULT_SORT
    card = None
    if estimate is not None:
        card = {
            **embed_service.card_figures(snapshot, estimate=estimate, profile=profile),
            "all_sources": fmt.source_line(estimate["releases"], estimate["sources"]),
        }
    return {
        "occupation": occupation,
        "raw": raw_profile,
        "sort": sort,
        "chart_sort": chart_sort,
        "choices": choices(snapshot),
        "estimate": estimate,
        "card": card,
        "error": error,
        # The estimate's echo holds the codes /estimate accepted; a rejected profile shows national figures.
        "percentiles": _percentiles(
            snapshot, occupation=occupation, area=estimate["profile"] if estimate else {}
        ),
        "states": states,
        "states_source": fmt.source_line(states_prov["releases"], states_prov["sources"]),
        "occupation_title": envelope["occupation"]["title"],
        "data_version": snapshot.version,
    }
