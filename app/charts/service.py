"""Chart data, read from the in-memory Snapshot through the wage service (same figures as the JSON API)."""

from datetime import date

from typing_extensions import TypedDict

from app import fmt
from app.domain import trends, wages
from app.domain.occupations import OccupationMatch
from app.domain.places import Located
from app.domain.records import AreaRecord, in_unit
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


class PercentileBar(TypedDict):
    """One bar of the percentiles chart."""

    key: str
    label: str
    value: float | None
    hourly: float | None
    annual: float | None


class PercentilesChart(TypedDict):
    """What the percentiles chart draws."""

    title: str
    subtitle: str
    x_label: str
    y_label: str
    unit: str
    bars: list[PercentileBar]
    source: str
    data_version: int


class StateBar(TypedDict):
    """One state's bar."""

    code: str
    label: str
    value: float | None
    rank: int | None


class MissingState(TypedDict):
    """A state without the charted statistic."""

    code: str
    label: str
    tier: str | None


class ReferenceLine(TypedDict):
    """The national figure drawn across the state bars."""

    label: str
    value: float


class StatesChart(TypedDict):
    """What the states chart draws."""

    title: str
    subtitle: str
    x_label: str
    y_label: str
    unit: str
    stat: str
    bars: list[StateBar]
    missing: list[MissingState]
    reference: ReferenceLine | None
    source: str
    data_version: int


class TrendPoint(TypedDict):
    """One period of the trends chart."""

    label: str | None
    start: date
    quoted: bool
    release: str
    p25: float | None
    median: float | None
    p75: float | None
    mean: float | None


class TrendsChart(TypedDict):
    """What the trends chart draws."""

    title: str
    subtitle: str
    x_label: str
    y_label: str
    unit: str
    points: list[TrendPoint]
    note: str | None
    source: str
    data_version: int


def percentiles_chart(
    snapshot: Snapshot,
    *,
    occupation: OccupationMatch,
    release: str | None,
    place: Located,
    unit: str,
) -> PercentilesChart:
    """Bars for p10..p90 of one area, with the title, axis labels and source line of /percentiles."""
    body = wages.percentiles(snapshot, occupation=occupation, release=release, place=place)
    occ, area = body["occupation"], body["area"]
    if not body["wages_released"]:
        raise NotFound(str(body["note"]), details=[{"area": area["code"], "available": []}])
    bars: list[PercentileBar] = []
    for key, label in PERCENTILE_LABELS.items():
        fig = body["percentiles"][key]
        bars.append(
            {
                "key": key,
                "label": label,
                "value": in_unit(fig, unit),
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
) -> StatesChart:
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
    shown: list[AreaRecord] = []
    missing: list[AreaRecord] = []
    for item in ordered:
        has_figure = in_unit(item["wages"][stat], unit) is not None
        (shown if has_figure else missing).append(item)
    view = wages.occupation_view(snapshot, occupation=occupation, release=release)
    national = in_unit(view.national["wages"][stat], unit) if view.national else None
    reference: ReferenceLine | None = None
    if national is not None:
        reference = {"label": f"National {STAT_LABELS[stat].lower()}", "value": national}
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
            {
                "code": i["code"],
                "label": i["name"],
                "value": in_unit(i["wages"][stat], unit),
                "rank": i["rank_median"],
            }
            for i in shown
        ],
        "missing": [{"code": i["code"], "label": i["name"], "tier": i["tier"]} for i in missing],
        "reference": reference,
        "source": fmt.source_line(provenance["releases"], provenance["sources"]),
        "data_version": snapshot.version,
    }


def trends_chart(
    snapshot: Snapshot, *, occupation: OccupationMatch, place: Located, unit: str
) -> TrendsChart:
    """One point per period held (as /trends): the median and mean as lines, p25-p75 as a band."""
    computed = trends.for_area(snapshot, occupation_id=occupation.id, area=place.area)
    points = [row.point for row in computed["rows"]]

    def value(p: trends.Point, stat: str) -> float | None:
        return in_unit(p.figures.get(stat), unit)

    occ = snapshot.occupations[occupation.id]
    provenance = snapshot.provenance(p.release for p in points)
    caveats = [n["kind"] for n in computed["notes"] if n["releases"]]
    return {
        "title": f"Wages over time, {place.area['name']}",
        "subtitle": f"{occ['title']} (SOC {occ['soc_code']}), {unit} wage",
        "x_label": "Reference period",
        "y_label": f"{unit.capitalize()} wage (USD)",
        "unit": unit,
        "points": [
            {
                "label": p.period,
                "start": p.start,
                "quoted": p.quoted,
                "release": p.release,
                "p25": value(p, "p25"),
                "median": value(p, "median"),
                "p75": value(p, "p75"),
                "mean": value(p, "mean"),
            }
            for p in points
        ],
        "note": "Not like for like across: " + ", ".join(c.replace("_", " ") for c in caveats) + "."
        if caveats
        else None,
        "source": fmt.source_line(provenance["releases"], provenance["sources"]),
        "data_version": snapshot.version,
    }
