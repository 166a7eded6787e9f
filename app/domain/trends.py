"""Change over time: one area's figures in every release held, oldest first, the changes between them, and
what makes two periods hard to compare. ``series`` gathers the points from a Snapshot; ``trend`` is pure
(points in, rows, changes and notes out). How, in words: docs/ranks-and-tiers.md.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from enum import StrEnum, auto
from typing import NamedTuple

from typing_extensions import TypedDict

from app.domain.models import STATISTICS
from app.domain.records import AreaRow, Employment, Figures
from app.domain.standing import Wage
from app.domain.store import Snapshot
from app.errors import NotFound

# Changes are given for these statistics.
CHANGED = ("median", "mean")
# The first OEWS release on SOC 2018 (29-2071 split into 29-2072 and 29-9021).
SOC_2018_START = date(2021, 5, 1)
SOC_2071_SUCCESSORS = ("29-2072", "29-9021")
# The first OEWS release on the 2023 OMB metropolitan delineations.
DELINEATION_2023_START = date(2024, 5, 1)
LOCAL_AREAS = ("metro", "nonmetro")
# An imported figure's citation: "BLS OEWS file <name>, row <n>: <area title>, <occupation title>".
_FILE_ROW = re.compile(r"^BLS OEWS file .+?, row \d+: (?P<rest>.+)$")


@dataclass(frozen=True, slots=True)
class Point:
    """One period's figures for the area, from one release."""

    release: str
    period: str | None
    start: date
    source: str
    via: str | None
    figures: Figures
    employment: Employment | None
    wages_released: bool
    area_title: str | None

    @property
    def quoted(self) -> bool:
        return self.via is not None

    def wage(self, stat: str) -> Wage | None:
        fig = self.figures.get(stat)
        return None if fig is None else Wage(fig["hourly"], fig["annual"])


def years_between(earlier: date, later: date) -> float:
    """Whole months between two periods, in years (May 2023 to May 2025: 2.0)."""
    return ((later.year - earlier.year) * 12 + later.month - earlier.month) / 12


def _unit_change(a: float | None, b: float | None) -> float | None:
    return None if a is None or b is None else round(b - a, 2)


class StatChange(TypedDict):
    """One statistic's change between two points."""

    hourly: float | None
    annual: float | None
    percent: float | None
    annual_rate: float | None


def stat_change(earlier: Wage | None, later: Wage | None, years: float) -> StatChange | None:
    """Later minus earlier per unit both give; percent of the earlier and the compound annual rate
    ((later / earlier) ^ (1 / years) - 1), from the annual figures where both give them, else the hourly."""
    if earlier is None or later is None:
        return None
    hourly = _unit_change(earlier.hourly, later.hourly)
    annual = _unit_change(earlier.annual, later.annual)
    if hourly is None and annual is None:
        return None
    percent = rate = None
    for a, b in ((earlier.annual, later.annual), (earlier.hourly, later.hourly)):
        if a and b is not None:
            percent = round((b - a) / a * 100, 2)
            if years > 0 and b > 0:
                rate = round(((b / a) ** (1 / years) - 1) * 100, 2)
            break
    return {"hourly": hourly, "annual": annual, "percent": percent, "annual_rate": rate}


def _caveats(earlier: Point, later: Point, area_type: str) -> list[NoteKind]:
    out = []
    if earlier.start < SOC_2018_START <= later.start:
        out.append(NoteKind.soc_2018)
    if area_type in LOCAL_AREAS and earlier.start < DELINEATION_2023_START <= later.start:
        out.append(NoteKind.metro_delineation)
    if earlier.area_title and later.area_title and earlier.area_title != later.area_title:
        out.append(NoteKind.area_title)
    return out


class Change(TypedDict):
    """The change from one point to a later one."""

    from_release: str
    to_release: str
    from_period: str | None
    to_period: str | None
    years: float
    median: StatChange | None
    mean: StatChange | None
    derived: bool
    comparable: bool
    caveats: list[NoteKind]


def change(earlier: Point, later: Point, area_type: str) -> Change:
    """The change from one point to a later one: per statistic (CHANGED), marked derived, with its caveats."""
    years = years_between(earlier.start, later.start)
    caveats = _caveats(earlier, later, area_type)
    return {
        "from_release": earlier.release,
        "to_release": later.release,
        "from_period": earlier.period,
        "to_period": later.period,
        "years": years,
        "median": stat_change(earlier.wage("median"), later.wage("median"), years),
        "mean": stat_change(earlier.wage("mean"), later.wage("mean"), years),
        "derived": True,
        "comparable": not caveats,
        "caveats": caveats,
    }


def one_per_period(points: Sequence[Point]) -> list[Point]:
    """Oldest first, one point per period: ``points`` come best first within a period (official before
    quoted), so the first of each period is kept."""
    kept: dict[date, Point] = {}
    for p in points:
        kept.setdefault(p.start, p)
    return [kept[d] for d in sorted(kept)]


class NoteKind(StrEnum):
    """Why two periods of a trend may not be comparable."""

    # StrEnum's auto(): each value is its name.
    soc_2018 = auto()
    metro_delineation = auto()
    area_title = auto()
    area_code = auto()


class Note(TypedDict):
    """A comparability note: its kind, in words, and the releases it concerns."""

    kind: NoteKind
    message: str
    releases: list[str]


def notes(
    rows: Sequence[Point],
    *,
    soc_code: str,
    area_type: str,
    area_name: str,
    periods_held: Sequence[date],
) -> list[Note]:
    """The comparability notes that bear on this trend, each with the releases it concerns."""
    out: list[Note] = []
    spans = [(a, b) for a, b in zip(rows, rows[1:], strict=False)]

    def across(boundary: date) -> list[str]:
        return list(
            dict.fromkeys(
                r for a, b in spans if a.start < boundary <= b.start for r in (a.release, b.release)
            )
        )

    soc = across(SOC_2018_START)
    if soc or soc_code in SOC_2071_SUCCESSORS:
        out.append(
            {
                "kind": NoteKind.soc_2018,
                "message": "May 2021 was the first OEWS release on SOC 2018, which split 29-2071 (Medical "
                "Records and Health Information Technicians) into 29-2072 (Medical Records Specialists) and "
                "29-9021 (Health Information Technologists and Medical Registrars); figures before May 2021 "
                "describe different occupation definitions"
                + (", so the change across it compares unlike groups." if soc else "."),
                "releases": soc,
            }
        )
    if area_type in LOCAL_AREAS:
        moved = across(DELINEATION_2023_START)
        if moved:
            out.append(
                {
                    "kind": NoteKind.metro_delineation,
                    "message": f"May 2024 moved metropolitan and nonmetropolitan areas to the 2023 OMB "
                    f"delineations: {area_name} may cover different counties before and after, so the "
                    "change across May 2024 is not like for like.",
                    "releases": moved,
                }
            )
        for a, b in spans:
            if a.area_title and b.area_title and a.area_title != b.area_title:
                out.append(
                    {
                        "kind": NoteKind.area_title,
                        "message": f"The area's title differs between {a.period} ({a.area_title}) and "
                        f"{b.period} ({b.area_title}): BLS redefined or renamed it.",
                        "releases": [a.release, b.release],
                    }
                )
        if rows:
            before = [d for d in periods_held if d < DELINEATION_2023_START]
            after = [d for d in periods_held if d >= DELINEATION_2023_START]
            if rows[0].start >= DELINEATION_2023_START and before:
                out.append(
                    {
                        "kind": NoteKind.area_code,
                        "message": f"No release before May 2024 holds figures under the code of {area_name}, "
                        "although earlier releases hold such areas: under the 2023 delineations BLS may have "
                        "published this area under another code or title before.",
                        "releases": [rows[0].release],
                    }
                )
            if rows[-1].start < DELINEATION_2023_START and after:
                out.append(
                    {
                        "kind": NoteKind.area_code,
                        "message": f"No release since May 2024 holds figures under the code of {area_name}: "
                        "under the 2023 delineations BLS publishes it under another code or title.",
                        "releases": [rows[-1].release],
                    }
                )
    return out


class TrendRow(NamedTuple):
    """One period of a trend, with its change from the previous one (None for the first)."""

    point: Point
    change: Change | None


class Trend(TypedDict):
    """Rows oldest first, the change over the whole span, and the comparability notes."""

    rows: list[TrendRow]
    span: Change | None
    notes: list[Note]


def trend(
    points: Sequence[Point], *, soc_code: str, area_type: str, area_name: str, periods_held: Sequence[date]
) -> Trend:
    """Rows oldest first (each with its change from the previous one), the change over the whole span,
    and the comparability notes."""
    rows = one_per_period(points)
    out_rows = []
    for n, p in enumerate(rows):
        out_rows.append(TrendRow(p, None if n == 0 else change(rows[n - 1], p, area_type)))
    return {
        "rows": out_rows,
        "span": change(rows[0], rows[-1], area_type) if len(rows) > 1 else None,
        "notes": notes(
            rows, soc_code=soc_code, area_type=area_type, area_name=area_name, periods_held=periods_held
        ),
    }


def area_title_of(citation: str | None, occupation_title: str) -> str | None:
    """The area's title as an imported file's row gives it (from the figure's citation), or None."""
    if not citation:
        return None
    m = _FILE_ROW.match(citation)
    if m is None:
        return None
    rest = m.group("rest")
    suffix = f", {occupation_title}"
    return rest[: -len(suffix)] if rest.endswith(suffix) else None


def series(snapshot: Snapshot, *, occupation_id: int, area: AreaRow) -> tuple[list[Point], list[date]]:
    """Every release's point for the area (best first within a period: official files before quotes), and
    the periods in which an official release has the occupation's figures for any area of the same kind."""
    figures = snapshot.occupation_figures(occupation_id)
    title = snapshot.occupations[occupation_id]["title"]
    points: list[Point] = []
    periods: set[date] = set()
    for rid in snapshot.wage_release_order(occupation_id):
        release = snapshot.releases[rid]
        if release["period_start"] is None:
            continue
        # A quote covers a few areas by choice: only official files say which areas a period had.
        kinds = {snapshot.areas[figures.cell(c)[1]]["area_type"] for c in figures.cells_of(rid)}
        if release["via_source_id"] is None and area["area_type"] in kinds:
            periods.add(release["period_start"])
        i = figures.index(rid, area["id"])
        if i is None:
            continue
        stats = figures.figures(i)
        first = next((f for f in (stats.get(s) for s in STATISTICS) if f is not None), None)
        points.append(
            Point(
                release=release["key"],
                period=release["period"],
                start=release["period_start"],
                source=snapshot.sources[release["source_id"]]["key"],
                via=snapshot.sources[release["via_source_id"]]["key"] if release["via_source_id"] else None,
                figures=stats,
                employment=figures.employment_of(i),
                wages_released=figures.wages_released(i),
                area_title=area_title_of(None if first is None else first["citation"], title),
            )
        )
    return points, sorted(periods)


def for_area(snapshot: Snapshot, *, occupation_id: int, area: AreaRow) -> Trend:
    """The trend of one occupation in one area (see ``trend``); a 404 when no release holds the area."""
    points, periods = series(snapshot, occupation_id=occupation_id, area=area)
    if not points:
        occupation = snapshot.occupations[occupation_id]
        raise NotFound(
            f"No release holds figures for {occupation['title']} ({occupation['soc_code']}) in "
            f"{area['name']} ({area['code']}), no trend to give. Periods held for the occupation: "
            f"{', '.join(d.strftime('%b %Y') for d in periods) or 'none'}.",
            details=[{"area": area["code"], "available": []}],
        )
    return trend(
        points,
        soc_code=snapshot.occupations[occupation_id]["soc_code"],
        area_type=area["area_type"],
        area_name=area["name"],
        periods_held=periods,
    )
