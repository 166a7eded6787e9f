"""Chart data, read from the in-memory Snapshot through the wage service (same figures as the JSON API)."""

from typing import Any

from app import fmt
from app.domain import wages
from app.domain.occupations import OccupationMatch
from app.domain.places import Located
from app.domain.store import Snapshot
from app.errors import InvalidQuery, NotFound
from app.query import apply_sort, parse_sort

PERCENTILE_LABELS = {"p10": "10th", "p25": "25th", "median": "Median", "p75": "75th", "p90": "90th"}
STAT_LABELS = {
    "mean": "Mean",
    "median": "Median",
    "p10": "10th percentile",
    "p25": "25th percentile",
    "p75": "75th percentile",
    "p90": "90th percentile",
}


def percentiles_chart(
    snapshot: Snapshot,
    *,
    occupation: OccupationMatch,
    release: str | None,
    place: Located,
    unit: str,
) -> dict[str, Any]:
    """Bars for p10..p90 of one area, with the title, axis labels and source line of /percentiles."""
    body = wages.percentiles(snapshot, occupation=occupation, release=release, place=place)
    occ, area = body["occupation"], body["area"]
    if not body["wages_released"]:
        raise NotFound(body["note"], details=[{"area": area["code"], "available": []}])
    bars = []
    for key, label in PERCENTILE_LABELS.items():
        fig = body["percentiles"][key]
        bars.append(
            {
                "key": key,
                "label": label,
                "value": None if fig is None else fig[unit],
                "hourly": None if fig is None else fig["hourly"],
                "annual": None if fig is None else fig["annual"],
            }
        )
    return {
        "title": f"Wage percentiles, {area['name']}",
        "subtitle": f"{occ['title']} (SOC {occ['soc_code']}), {unit} wage",
        "x_label": "Percentile",
        "y_label": f"{unit.capitalize()} wage (USD)",
        "unit": unit,
        "bars": bars,
        "source": fmt.source_line(body["releases"], body["sources"]),
        "data_version": body["data_version"],
    }


def _chart_stat(spec: list[tuple[str, bool]]) -> str:
    for name, _desc in spec:
        if name in wages.WAGE_FIELDS:
            return name
    return "mean"


def states_chart(
    snapshot: Snapshot, *, occupation: OccupationMatch, release: str | None, sort: str, unit: str
) -> dict[str, Any]:
    """One horizontal bar per state that has the charted statistic, in the order ``sort`` gives."""
    spec = parse_sort(sort, wages.AREA_SORT_KEYS)
    if not spec:
        raise InvalidQuery(
            "sort must name at least one field, e.g. -mean.",
            details=[{"parameter": "sort", "allowed": list(wages.AREA_SORT_KEYS)}],
        )
    stat = _chart_stat(spec)
    envelope, items = wages.list_states(snapshot, occupation=occupation, release=release)
    ordered = apply_sort(items, spec, wages.AREA_SORT_KEYS)
    shown: list[dict[str, Any]] = []
    missing: list[dict[str, Any]] = []
    for item in ordered:
        has_figure = item["wages"][stat] is not None and item["wages"][stat][unit] is not None
        (shown if has_figure else missing).append(item)
    view = wages.occupation_view(snapshot, occupation=occupation, release=release)
    national = view.national["wages"][stat] if view.national else None
    reference = None
    if national is not None and national[unit] is not None:
        reference = {"label": f"National {STAT_LABELS[stat].lower()}", "value": national[unit]}
    occ = envelope["occupation"]
    provenance = wages.list_provenance(snapshot, items=shown)
    return {
        "title": f"States by {STAT_LABELS[stat].lower()} {unit} wage",
        "subtitle": f"{occ['title']} (SOC {occ['soc_code']}), sorted by {sort}",
        "x_label": f"{STAT_LABELS[stat]} {unit} wage (USD)",
        "y_label": "State",
        "unit": unit,
        "stat": stat,
        "bars": [
            {"code": i["code"], "label": i["name"], "value": i["wages"][stat][unit], "rank": i["rank"]}
            for i in shown
        ],
        "missing": [{"code": i["code"], "label": i["name"], "tier": i["tier"]} for i in missing],
        "reference": reference,
        "source": fmt.source_line(provenance["releases"], provenance["sources"]),
        "data_version": snapshot.version,
    }
