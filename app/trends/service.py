"""/trends: one area's figures in every release held, oldest first, with the changes between them."""

from typing_extensions import TypedDict

from app.domain import trends
from app.domain.models import EMPLOYMENT_FIELDS, STATISTICS
from app.domain.occupations import OccupationMatch
from app.domain.places import Located, LocationPublic, area_ref
from app.domain.records import AreaRef, Employment, Figures, OccupationPublic, Provenance
from app.domain.store import Snapshot

_FIGURE = dict.fromkeys(
    ("hourly", "annual", "hourly_derived", "annual_derived", "hourly_capped", "annual_capped", "citation")
)
_STAT_CHANGE = dict.fromkeys(("hourly", "annual", "percent", "annual_rate"))
_CHANGE = {
    **dict.fromkeys(("from_release", "to_release", "from_period", "to_period", "years")),
    **{stat: _STAT_CHANGE for stat in trends.CHANGED},
    **dict.fromkeys(("derived", "comparable", "caveats")),
}
# The CSV's columns, whatever the rows hold: one row per period, its change from the previous one.
CSV_TEMPLATE: dict[str, object] = {
    **dict.fromkeys(
        ("period", "period_start", "release", "source", "via", "quoted", "citation", "area_title")
    ),
    "wages_released": None,
    "wages": {stat: _FIGURE for stat in STATISTICS},
    "employment": dict.fromkeys(EMPLOYMENT_FIELDS),
    "change": _CHANGE,
}


class TrendItem(TypedDict):
    """One period of the /trends answer."""

    period: str | None
    period_start: str
    release: str
    source: str
    via: str | None
    quoted: bool
    citation: str | None
    area_title: str | None
    wages_released: bool
    wages: Figures
    employment: Employment | None
    change: trends.Change | None


class TrendAnswer(Provenance):
    """The /trends answer (TrendResponse), its provenance merged in."""

    occupation: OccupationPublic
    area: AreaRef
    location: LocationPublic
    items: list[TrendItem]
    span: trends.Change | None
    notes: list[trends.Note]


def _item(row: trends.TrendRow) -> TrendItem:
    p = row.point
    median = p.figures.get("median")
    return {
        "period": p.period,
        "period_start": p.start.isoformat(),
        "release": p.release,
        "source": p.source,
        "via": p.via,
        "quoted": p.quoted,
        "citation": None if median is None else median["citation"],
        "area_title": p.area_title,
        "wages_released": p.wages_released,
        "wages": {stat: p.figures.get(stat) for stat in STATISTICS},
        "employment": p.employment,
        "change": row.change,
    }


def trend(snapshot: Snapshot, *, occupation: OccupationMatch, place: Located) -> TrendAnswer:
    """The area's figures per period held (official before quoted within a period), oldest first, the
    change from each to the next and over the whole span, the comparability notes and the provenance."""
    computed = trends.for_area(snapshot, occupation_id=occupation.id, area=place.area)
    items = [_item(row) for row in computed["rows"]]
    return {
        "occupation": snapshot.occupation_public(occupation.id, occupation),
        "area": area_ref(place.area),
        "location": place.public(),
        "items": items,
        "span": computed["span"],
        "notes": computed["notes"],
        **snapshot.provenance(i["release"] for i in items),
    }
