"""The in-memory read model: every GET is served from a Snapshot built at start-up and rebuilt when the
database's data version changes. The one database read after start-up is an occupation's figures on its
first request (see ``Snapshot.occupation_figures``); it runs in a worker thread, never on the event loop."""

from __future__ import annotations

import json
import logging
import math
import threading
import time
import weakref
from array import array
from bisect import bisect_left
from collections import OrderedDict
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from functools import cached_property
from typing import Any, Generic, TypeVar, cast

from sqlalchemy import bindparam, func, select
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DBAPIError

from app.config import DEFAULT_OCCUPATION
from app.db import DatabaseFault, describe_fault
from app.domain.models import (
    CITATION_COLUMNS,
    EMPLOYMENT_FIELDS,
    MAX_ANNUAL_WAGE,
    MAX_HOURLY_WAGE,
    STATISTIC_BITS,
    STATISTICS,
    WAGE_COLUMNS,
    WAGE_FLAGS,
    Area,
    AreaEmployment,
    AreaRanking,
    Benchmark,
    Certification,
    DataVersion,
    ExperienceLevel,
    Occupation,
    OccupationTitle,
    PayFactor,
    Release,
    SocCrosswalk,
    Source,
    TierBasis,
    WageCell,
    ZipCbsa,
)
from app.domain.occupations import OccupationCatalog, OccupationMatch
from app.domain.places import Crosswalk, Gazetteer
from app.domain.records import (
    AreaRecord,
    AreaRow,
    BenchmarkRow,
    CertificationRow,
    Employment,
    ExperienceRow,
    Figures,
    MetroRef,
    OccupationPublic,
    OccupationRow,
    PayFactorRow,
    Provenance,
    RankingRow,
    ReleaseCheckRow,
    ReleasePublic,
    ReleaseRow,
    SourceRef,
    SourceRow,
    WageFigure,
)
from app.domain.release_check import read_release_check
from app.domain.standing import NO_STANDING, AreaWages, Standing, Wage, standings
from app.memory import give_back_freed_memory

# Views (one occupation through one release choice) kept per snapshot; older ones are rebuilt on demand
# from the packed figures, so a crawl over every occupation cannot make them pile up.
MAX_VIEWS = 32
# Standings (ranks, differences from national, tiers) kept per snapshot, per (occupation, release).
MAX_STANDINGS = 64
# The flags word of a cell: WageCell.flags as stored (per statistic one bit "figure present" and one per
# WAGE_FLAGS entry, in the order of the public figure's keys), then one bit "employment row".
_EMPLOYMENT_BIT = 1 << (STATISTIC_BITS * len(STATISTICS))
_RELEASE_SHIFT = 32
_AREA_MASK = (1 << _RELEASE_SHIFT) - 1
NAN = math.nan
KeyT = TypeVar("KeyT", bound=tuple[Any, ...])
ValueT = TypeVar("ValueT")
# Per packed wage value (hourly, annual of each statistic): the largest served. A database written before
# the importer refused such values may hold them (or NaN); they are not passed on to break a page.
_WAGE_BOUNDS = (MAX_HOURLY_WAGE, MAX_ANNUAL_WAGE) * len(STATISTICS)
# The bit of each WAGE_FLAGS entry within a statistic's bits (bit 0 is "figure present").
_HOURLY_DERIVED, _ANNUAL_DERIVED, _HOURLY_CAPPED, _ANNUAL_CAPPED = (
    2 << WAGE_FLAGS.index(flag)
    for flag in ("hourly_derived", "annual_derived", "hourly_capped", "annual_capped")
)
log = logging.getLogger(__name__)


class DataUnavailable(Exception):
    """Figures that cannot be read now (database down, or data changed under this snapshot); the HTTP
    layer answers 503 for it (the read model knows nothing of HTTP)."""


def _rows(conn: Any, model: type) -> list[Mapping[str, object]]:
    table = model.__table__  # type: ignore[attr-defined]
    return [dict(r._mapping) for r in conn.execute(select(table).order_by(table.c.id))]


def read_data_version(engine: Engine) -> int | None:
    """The data version in the database, or None when it was never seeded. A failure on one pooled
    connection is tried once more on another, so one dead connection does not make the database look down."""
    for attempt in (1, 2):
        try:
            with engine.connect() as conn:
                row = conn.execute(select(DataVersion.__table__.c.version)).first()  # type: ignore[attr-defined]
            return None if row is None else int(row[0])
        except DBAPIError as exc:
            if attempt == 2 or not exc.connection_invalidated:
                raise
    raise AssertionError("unreachable")


def _cell_key(release_id: int, area_id: int) -> int:
    return (release_id << _RELEASE_SHIFT) | area_id


class OccupationFigures:
    """The wage figures and employment of one occupation, packed per (release, area) cell: 12 wage values,
    7 employment values and one flags word per cell in flat arrays, and one citation per cell (a tuple
    only when its statistics cite different sentences). Public dicts are built only when asked for."""

    __slots__ = ("keys", "wages", "employment", "flags", "citations")

    def __init__(self, wage_cells: Sequence[Sequence[Any]], employment_rows: Sequence[Sequence[Any]]) -> None:
        """``wage_cells``: rows of ``wage_cells_query``; ``employment_rows``: (release_id, area_id,
        *EMPLOYMENT_FIELDS); both ordered by release and area."""
        width = 2 * len(STATISTICS)
        wages = {_cell_key(r[0], r[1]): r for r in wage_cells if _plausible(r, width)}
        employment = {_cell_key(r[0], r[1]): r for r in employment_rows}
        self.keys = array("q", sorted(wages.keys() | employment.keys()))
        self.wages = array("d")
        self.employment = array("d")
        self.flags = array("I")
        self.citations: list[str | tuple[str | None, ...] | None] = []
        no_wages = [NAN] * width
        no_employment = [NAN] * len(EMPLOYMENT_FIELDS)
        for key in self.keys:
            w = wages.get(key)
            e = employment.get(key)
            if w is None:
                self.wages.extend(no_wages)
                self.flags.append(_EMPLOYMENT_BIT)
                self.citations.append(None)
            else:
                self.wages.extend([NAN if v is None else v for v in w[2 : 2 + width]])
                self.flags.append(int(w[2 + width]) | (0 if e is None else _EMPLOYMENT_BIT))
                # One sentence for the cell (an imported file row), else one per statistic.
                cited, own = w[3 + width], w[4 + width :]
                if all(c is None for c in own):
                    self.citations.append(cited)
                else:
                    self.citations.append(tuple(cited if c is None else c for c in own))
            if e is None:
                self.employment.extend(no_employment)
            else:
                self.employment.extend([NAN if v is None else v for v in e[2:]])

    def __len__(self) -> int:
        return len(self.keys)

    def index(self, release_id: int, area_id: int) -> int | None:
        """Position of the (release, area) cell, or None when the occupation has no figures there."""
        key = _cell_key(release_id, area_id)
        i = bisect_left(self.keys, key)
        return i if i < len(self.keys) and self.keys[i] == key else None

    def cell(self, i: int) -> tuple[int, int]:
        """(release_id, area_id) of the cell at position ``i``."""
        key = self.keys[i]
        return key >> _RELEASE_SHIFT, key & _AREA_MASK

    def cells_of(self, release_id: int) -> range:
        """Positions of the cells of one release (they are contiguous: keys sort by release first)."""
        start = bisect_left(self.keys, _cell_key(release_id, 0))
        return range(start, bisect_left(self.keys, _cell_key(release_id + 1, 0)))

    def wage(self, i: int, stat: str) -> Wage | None:
        """One statistic of the cell at ``i`` (hourly, annual), or None when the cell has no such figure."""
        n = STATISTICS.index(stat)
        if not self.flags[i] >> (STATISTIC_BITS * n) & 1:
            return None
        at = 2 * len(STATISTICS) * i + 2 * n
        hourly, annual = self.wages[at], self.wages[at + 1]
        return Wage(None if hourly != hourly else hourly, None if annual != annual else annual)

    def wages_released(self, i: int) -> bool:
        """Whether the cell holds at least one wage figure (BLS may publish employment alone)."""
        return bool(self.flags[i] & (_EMPLOYMENT_BIT - 1))

    def figures(self, i: int) -> Figures:
        """{statistic: public figure, or None where the cell has none} for every statistic."""
        bits = self.flags[i]
        citations = self.citations[i]
        several = type(citations) is tuple
        width = 2 * len(STATISTICS)
        values = self.wages[width * i : width * (i + 1)].tolist()
        out: Figures = {}
        for n, stat in enumerate(STATISTICS):
            b = bits >> (STATISTIC_BITS * n)
            if not b & 1:
                out[stat] = None
                continue
            hourly, annual = values[2 * n], values[2 * n + 1]
            figure: WageFigure = {
                "hourly": None if hourly != hourly else hourly,
                "annual": None if annual != annual else annual,
                "hourly_derived": bool(b & _HOURLY_DERIVED),
                "annual_derived": bool(b & _ANNUAL_DERIVED),
                "hourly_capped": bool(b & _HOURLY_CAPPED),
                "annual_capped": bool(b & _ANNUAL_CAPPED),
                "citation": citations[n] if several else citations,  # type: ignore[index,typeddict-item]
            }
            out[stat] = figure
        return out

    def employment_of(self, i: int) -> Employment | None:
        """The cell's employment fields, or None when the release has no employment row for it."""
        if not self.flags[i] & _EMPLOYMENT_BIT:
            return None
        width = len(EMPLOYMENT_FIELDS)
        values = self.employment[width * i : width * (i + 1)].tolist()
        return cast(
            Employment, {f: None if v != v else v for f, v in zip(EMPLOYMENT_FIELDS, values, strict=True)}
        )


def _plausible(cell: Sequence[Any], width: int) -> bool:
    """Whether every wage of a cell is within the bounds; a cell with one outside is not served at all
    (as if BLS had published no wages there), with a warning, so no page meets half a cell."""
    for value, bound in zip(cell[2 : 2 + width], _WAGE_BOUNDS, strict=True):
        if value is not None and not 0.0 <= value <= bound:
            log.warning("release %s, area %s: implausible wage %r not served", cell[0], cell[1], value)
            return False
    return True


def wage_cells_query() -> Any:
    """One row per (release, area) of the occupation: release_id, area_id, hourly and annual of every
    statistic, the flags word, the cell's citation and the per-statistic citations (NULL where a statistic
    cites the cell's), ordered by release and area. The table holds one row per cell, so this reads ~600
    rows for a large occupation, through its primary key."""
    w = WageCell.__table__  # type: ignore[attr-defined]
    return (
        select(
            w.c.release_id,
            w.c.area_id,
            *(w.c[c] for c in WAGE_COLUMNS),
            w.c.flags,
            w.c.citation,
            *(w.c[c] for c in CITATION_COLUMNS),
        )
        .where(w.c.occupation_id == bindparam("occupation_id"))
        .order_by(w.c.release_id, w.c.area_id)
    )


def employment_query() -> Any:
    """The employment rows of one occupation, ordered by release and area."""
    e = AreaEmployment.__table__  # type: ignore[attr-defined]
    return (
        select(e.c.release_id, e.c.area_id, *(e.c[f] for f in EMPLOYMENT_FIELDS))
        .where(e.c.occupation_id == bindparam("occupation_id"))
        .order_by(e.c.release_id, e.c.area_id)
    )


# Built once: composing the pivot's fifty expressions costs more than running it.
WAGE_CELLS = wage_cells_query()
EMPLOYMENT = employment_query()


# What an area's record is built from (``area_record``'s arguments): the area, the figures, the chosen cell
# and its release, the source's ranking claim and its release, the metros per state, the standing.
AreaChoice = tuple[
    AreaRow,
    OccupationFigures,
    int | None,
    str | None,
    RankingRow | None,
    str | None,
    dict[str, list[MetroRef]],
    Standing,
]


class AreaRecords(Mapping[str, AreaRecord]):
    """``area_type:code`` -> area record of every area with figures or a tier, each record built from the
    packed figures on first use (a /percentiles answer needs one record, not six hundred)."""

    def __init__(self, choices: dict[str, AreaChoice], build: Callable[..., AreaRecord]) -> None:
        self._choices = choices
        self._build = build
        self._built: dict[str, AreaRecord] = {}

    def __getitem__(self, key: str) -> AreaRecord:
        rec = self._built.get(key)
        if rec is None:
            rec = self._built.setdefault(key, self._build(*self._choices[key]))
        return rec

    def __iter__(self) -> Iterator[str]:
        return iter(self._choices)

    def __len__(self) -> int:
        return len(self._choices)

    def of_types(self, *area_types: str) -> list[AreaRecord]:
        """The records of these area types, by name."""
        keys = [k for k, choice in self._choices.items() if choice[0]["area_type"] in area_types]
        return sorted((self[k] for k in keys), key=lambda r: r["name"])


class OccupationView:
    """All figures of one occupation as seen through one release choice (newest-first merge or a pin)."""

    def __init__(
        self,
        *,
        occupation: OccupationPublic,
        release_key: str | None,
        releases_used: list[ReleasePublic],
        by_key: AreaRecords,
    ) -> None:
        self.occupation = occupation
        self.release_key = release_key
        self.releases_used = releases_used
        # area_type:code of every area with figures or a tier; "what is available" messages use it too.
        self.by_key = by_key

    @cached_property
    def national(self) -> AreaRecord | None:
        return next(iter(self.by_key.of_types("national")), None)

    @cached_property
    def states(self) -> list[AreaRecord]:
        return self.by_key.of_types("state", "territory")

    @cached_property
    def metros(self) -> list[AreaRecord]:
        return self.by_key.of_types("metro", "nonmetro")


class BoundedMemo(Generic[KeyT, ValueT]):
    """The values built for the most recently used keys, at most ``size``. A value is built outside the
    lock (a first read of the figures may wait on the database); two threads building one key at once
    build equal values and keep the first."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._held: OrderedDict[KeyT, ValueT] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: KeyT, build: Callable[..., ValueT]) -> ValueT:
        """The value held for ``key``, else ``build(*key)``, kept."""
        with self._lock:
            held = self._held.get(key)
            if held is not None:
                self._held.move_to_end(key)
                return held
        built = build(*key)
        with self._lock:
            held = self._held.setdefault(key, built)
            self._held.move_to_end(key)
            while len(self._held) > self.size:
                self._held.popitem(last=False)
        return held

    def __len__(self) -> int:
        return len(self._held)


class Snapshot:
    """Immutable copy of the database, indexed for the read endpoints."""

    def __init__(
        self,
        version: int,
        tables: Mapping[str, Sequence[Mapping[str, object]]],
        engine: Engine,
        crosswalk: Crosswalk | None = None,
    ) -> None:
        self.version = version
        releases = cast("list[ReleaseRow]", tables["release"])
        self.sources: dict[int, SourceRow] = {s["id"]: s for s in cast("list[SourceRow]", tables["source"])}
        self.releases: dict[int, ReleaseRow] = {r["id"]: r for r in releases}
        self.release_by_key: dict[str, ReleaseRow] = {r["key"]: r for r in releases}
        self.occupations: dict[int, OccupationRow] = {
            o["id"]: cast(OccupationRow, {**o, "aliases": json.loads(o["aliases"])})
            for o in cast("Sequence[Mapping[str, Any]]", tables["occupation"])
        }
        self.occupation_by_code = {o["soc_code"]: o for o in self.occupations.values()}
        self.areas: dict[int, AreaRow] = {
            a["id"]: cast(AreaRow, {**a, "principal_states": json.loads(a["principal_states"])})
            for a in cast("Sequence[Mapping[str, Any]]", tables["area"])
        }
        self.area_by_key = {f"{a['area_type']}:{a['code']}": a for a in self.areas.values()}
        self.states_by_code = {
            a["code"]: a for a in self.areas.values() if a["area_type"] in ("state", "territory")
        }
        self.metros_by_code = {
            a["code"]: a for a in self.areas.values() if a["area_type"] in ("metro", "nonmetro")
        }
        # occupation_id -> releases holding its wages or employment; figures load per occupation on first use.
        self.release_ids_by_occupation: dict[int, set[int]] = {}
        for pair in cast("list[dict[str, int]]", tables["figure_pairs"]):
            self.release_ids_by_occupation.setdefault(pair["occupation_id"], set()).add(pair["release_id"])
        self._engine = engine
        self._figures: dict[int, OccupationFigures] = {}
        self.rankings: dict[tuple[int, int, int], RankingRow] = {
            (r["occupation_id"], r["release_id"], r["area_id"]): r
            for r in cast("list[RankingRow]", tables["area_ranking"])
        }
        self.experience: list[ExperienceRow] = sorted(
            cast("list[ExperienceRow]", tables["experience_level"]), key=lambda e: e["years_min"]
        )
        self.factors = cast("list[PayFactorRow]", tables["pay_factor"])
        self.certifications = cast("list[CertificationRow]", tables["certification"])
        self.benchmarks = cast("list[BenchmarkRow]", tables["benchmark"])
        # Locations and occupations as people give them (app/domain): built once per snapshot.
        self.gazetteer = Gazetteer(self.areas.values(), crosswalk)
        self.catalog = OccupationCatalog(
            self.occupations.values(),
            reported_titles=[
                (t["occupation_id"], t["onet_code"], t["title"])
                for t in cast("Sequence[Mapping[str, Any]]", tables["occupation_title"])
            ],
            soc_2010=[
                (r["soc_2010"], r["soc_2010_title"], r["soc_2018"], r["soc_2018_title"])
                for r in cast("Sequence[Mapping[str, Any]]", tables["soc_crosswalk"])
            ],
            default_code=DEFAULT_OCCUPATION,
        )
        self._views: BoundedMemo[tuple[int, str | None], OccupationView] = BoundedMemo(MAX_VIEWS)
        self._standings: BoundedMemo[tuple[int, int], dict[int, Standing]] = BoundedMemo(MAX_STANDINGS)
        self._figures_lock = threading.Lock()
        # What other modules derive from this snapshot, each under its module's key (see `derived`): freed
        # with the snapshot. A plain dict, looked up in C on every request (a WeakKeyDictionary's get is a
        # Python call).
        self.derived: dict[str, Any] = {}

    @classmethod
    def load(cls, engine: Engine, preload: tuple[str, ...] = (DEFAULT_OCCUPATION,)) -> Snapshot:
        """Read the reference tables in one transaction, and the figures of the ``preload`` occupations. The
        ZIP crosswalk (47,000 rows) is read only when its release is new to this process."""
        models = {
            "source": Source,
            "release": Release,
            "occupation": Occupation,
            "area": Area,
            "area_ranking": AreaRanking,
            "experience_level": ExperienceLevel,
            "pay_factor": PayFactor,
            "certification": Certification,
            "benchmark": Benchmark,
            "occupation_title": OccupationTitle,
            "soc_crosswalk": SocCrosswalk,
        }
        with engine.connect() as conn, conn.begin():
            row = conn.execute(select(DataVersion.__table__.c.version)).first()  # type: ignore[attr-defined]
            tables: dict[str, list[Mapping[str, object]]] = {
                name: _rows(conn, model) for name, model in models.items()
            }
            figure_tables = (WageCell.__table__, AreaEmployment.__table__)  # type: ignore[attr-defined]
            tables["figure_pairs"] = [
                dict(r._mapping)
                for t in figure_tables
                for r in conn.execute(select(t.c.occupation_id, t.c.release_id).distinct())
            ]
            crosswalk = _read_crosswalk(conn, cast("list[ReleaseRow]", tables["release"]))
        snapshot = cls(0 if row is None else int(row[0]), tables, engine, crosswalk)
        for code in preload:
            occ = snapshot.occupation_by_code.get(code)
            if occ is not None:
                snapshot.occupation_figures(occ["id"])
        return snapshot

    def occupation_figures(self, occupation_id: int) -> OccupationFigures:
        """Wage figures and employment of one occupation, packed by (release, area); read once, then kept.

        Each occupation is read on its first request, with one indexed query per table, and kept packed
        (about 400 bytes per area and release, citation included): every occupation of a full all-data
        release takes about 85 MB (bench/release.py)."""
        figures = self._figures.get(occupation_id)
        if figures is not None:
            return figures
        with self._figures_lock:
            figures = self._figures.get(occupation_id)
            if figures is None:
                figures = self._figures[occupation_id] = self._read_figures(occupation_id)
        return figures

    def _read_figures(self, occupation_id: int) -> OccupationFigures:
        try:
            with self._engine.connect() as conn, conn.begin():
                version_row = conn.execute(
                    select(DataVersion.__table__.c.version)  # type: ignore[attr-defined]
                ).first()
                version = 0 if version_row is None else int(version_row[0])
                params = {"occupation_id": occupation_id}
                wage_rows = conn.execute(WAGE_CELLS, params).all()
                emp_rows = conn.execute(EMPLOYMENT, params).all()
        except Exception:  # noqa: BLE001  database down: this occupation cannot be served yet
            raise DataUnavailable(
                "The figures of this occupation are not in memory yet and the database is "
                "unreachable; retry shortly."
            ) from None
        if version != self.version:
            # Figures of a newer release must not be served under this snapshot's version and
            # release tables; the store's next refresh (seconds away) loads them consistently.
            raise DataUnavailable(
                "The data changed since this process loaded them; it is reloading. Retry in a few seconds."
            )
        return OccupationFigures(wage_rows, emp_rows)

    def has_figures(self, occupation_id: int) -> bool:
        """Whether the occupation's figures are in memory (no database read needed to serve it)."""
        return occupation_id in self._figures

    def stats(self, occupation_id: int, release_id: int, area_id: int) -> dict[str, WageFigure]:
        """{statistic: public figure} of one occupation, release and area (empty when there are none)."""
        figures = self.occupation_figures(occupation_id)
        i = figures.index(release_id, area_id)
        if i is None:
            return {}
        return {stat: fig for stat, fig in figures.figures(i).items() if fig is not None}

    @property
    def seeded(self) -> bool:
        return bool(self.occupations) and bool(self.experience)

    # ------------------------------------------------------------------ provenance
    def release_public(self, release_id: int) -> ReleasePublic:
        r = self.releases[release_id]
        return {
            "key": r["key"],
            "label": r["label"],
            "period": r["period"],
            "source": self.sources[r["source_id"]]["key"],
            "via": self.sources[r["via_source_id"]]["key"] if r["via_source_id"] else None,
            "origin": r["origin"],
        }

    def source_ref(self, source_id: int) -> SourceRef:
        s = self.sources[source_id]
        return {
            "key": s["key"],
            "publisher": s["publisher"],
            "title": s["title"],
            "kind": s["kind"],
            "period": s["period"],
            "url": s["url"],
        }

    def provenance(self, release_keys: Iterable[str]) -> Provenance:
        """The provenance block of a response: data version, the releases named (by key, once each, in
        order) and the sources behind them."""
        ids = [self.release_by_key[key]["id"] for key in dict.fromkeys(release_keys)]
        return {
            "data_version": self.version,
            "releases": [self.release_public(i) for i in ids],
            "sources": self.sources_for_releases(ids),
        }

    def sources_for_releases(self, release_ids: list[int]) -> list[SourceRef]:
        """The sources behind the given releases, including the article that quoted them."""
        ids: list[int] = []
        for rid in release_ids:
            r = self.releases[rid]
            for sid in (r["source_id"], r["via_source_id"]):
                if sid is not None and sid not in ids:
                    ids.append(sid)
        return [self.source_ref(sid) for sid in ids]

    @cached_property
    def newest_release_key(self) -> str | None:
        ordered = self.wage_release_order(None)
        return self.releases[ordered[0]]["key"] if ordered else None

    def wage_release_order(self, occupation_id: int | None) -> list[int]:
        """Releases holding figures, best first: newest period, then official files over quotes."""
        if occupation_id is None:
            ids = set().union(*self.release_ids_by_occupation.values())
        else:
            ids = set(self.release_ids_by_occupation.get(occupation_id, ()))

        def rank(rid: int) -> tuple[Any, ...]:
            r = self.releases[rid]
            # An official file (no via source) outranks an article quoting the same period.
            official = r["via_source_id"] is None
            return (
                r["period_start"] is not None,
                r["period_start"] or "",
                official,
                r["origin"] == "import",
                r["id"],
            )

        return sorted(ids, key=rank, reverse=True)

    # ------------------------------------------------------------------ standings
    def standing(self, occupation_id: int, release_id: int) -> dict[int, Standing]:
        """area_id -> ranks, difference from the national figures and tier of one occupation in one
        official release (app/domain/standing.py), computed once and kept. A quoted release gets none:
        its figures are another's claims, and a few quoted areas are no ranking."""
        return self._standings.get((occupation_id, release_id), self._compute_standing)

    def _compute_standing(self, occupation_id: int, release_id: int) -> dict[int, Standing]:
        if self.releases[release_id]["via_source_id"] is not None:
            return {}
        figures = self.occupation_figures(occupation_id)
        areas, national = [], None
        for i in figures.cells_of(release_id):
            area = self.areas[figures.cell(i)[1]]
            wages = AreaWages(
                area["id"], area["area_type"], figures.wage(i, "median"), figures.wage(i, "mean")
            )
            if area["area_type"] == "national":
                national = wages
            else:
                areas.append(wages)
        national_release = release_id
        if national is None:
            # BLS publishes a period's nation, states and metros as separate files (separate releases
            # here): the national figures of the same BLS release are those of its national file.
            national_release, national = self._national_of_period(occupation_id, release_id, figures)
        key = None if national is None else self.releases[national_release]["key"]
        return standings(areas, national, key)

    def _national_of_period(
        self, occupation_id: int, release_id: int, figures: OccupationFigures
    ) -> tuple[int, AreaWages | None]:
        """The national figures of another official file of the same source and period, if one is held."""
        release, nation = self.releases[release_id], self.area_by_key.get("national:US")
        if nation is None or release["period_start"] is None:
            return release_id, None
        national_id = nation["id"]
        for rid in self.wage_release_order(occupation_id):
            other = self.releases[rid]
            same = (other["source_id"], other["period_start"]) == (
                release["source_id"],
                release["period_start"],
            )
            i = figures.index(rid, national_id)
            if same and other["via_source_id"] is None and i is not None:
                return rid, AreaWages(
                    national_id, "national", figures.wage(i, "median"), figures.wage(i, "mean")
                )
        return release_id, None

    # ------------------------------------------------------------------ wage views
    def view(self, occupation_id: int, release_key: str | None) -> OccupationView:
        """Figures for one occupation: the newest release per area, or only the pinned release."""
        return self._views.get(
            (occupation_id, release_key),
            lambda oid, key: self._build_view(oid, key, self.occupation_figures(oid)),
        )

    def cached_views(self) -> int:
        """How many occupation views this snapshot holds (at most MAX_VIEWS)."""
        return len(self._views)

    def _build_view(
        self, occupation_id: int, release_key: str | None, figures: OccupationFigures
    ) -> OccupationView:
        if release_key is None:
            order = self.wage_release_order(occupation_id)
        else:
            order = [self.release_by_key[release_key]["id"]]
        # Per area, the best release with wage figures; failing that, the best with employment alone.
        position = {rid: n for n, rid in enumerate(order)}
        best: dict[int, tuple[bool, int, int]] = {}
        for i in range(len(figures)):
            release_id, area_id = figures.cell(i)
            pos = position.get(release_id)
            if pos is None:
                continue
            candidate = (not figures.wages_released(i), pos, i)
            if area_id not in best or candidate < best[area_id]:
                best[area_id] = candidate
        pinned = None if release_key is None else order[0]
        standings_of: dict[int, dict[int, Standing]] = {}
        choices: dict[str, AreaChoice] = {}
        used: list[int] = []
        metros_in_state: dict[str, list[MetroRef]] = {}
        for area in self.areas.values():
            chosen = best.get(area["id"])
            chosen_release = None if chosen is None else order[chosen[1]]
            # A source's claim (the article's tier and rank) only where its release is the one served.
            served = pinned if chosen_release is None else chosen_release
            ranking = None if served is None else self.rankings.get((occupation_id, served, area["id"]))
            if chosen is None and ranking is None:
                continue
            ranking_release = None if ranking is None else served
            standing = NO_STANDING
            if chosen_release is not None:
                if chosen_release not in standings_of:
                    standings_of[chosen_release] = self.standing(occupation_id, chosen_release)
                standing = standings_of[chosen_release].get(area["id"], NO_STANDING)
            release = None if chosen_release is None else self.releases[chosen_release]["key"]
            key = f"{area['area_type']}:{area['code']}"
            choices[key] = (
                area,
                figures,
                None if chosen is None else chosen[2],
                release,
                ranking,
                None if ranking_release is None else self.releases[ranking_release]["key"],
                metros_in_state,
                standing,
            )
            if area["area_type"] in ("metro", "nonmetro"):
                for st in area["principal_states"]:
                    metros_in_state.setdefault(st, []).append({"code": area["code"], "name": area["name"]})
            for rid in (chosen_release, ranking_release):
                if rid is not None and rid not in used:
                    used.append(rid)
        for refs in metros_in_state.values():
            refs.sort(key=lambda m: m["name"])
        return OccupationView(
            occupation=self.occupation_public(occupation_id),
            release_key=release_key,
            releases_used=[self.release_public(rid) for rid in used],
            by_key=AreaRecords(choices, area_record),
        )

    def occupation_public(self, occupation_id: int, match: OccupationMatch | None = None) -> OccupationPublic:
        """The occupation block of an answer, with what was typed and how it was understood (``match``)."""
        o = self.occupations[occupation_id]
        return {
            "soc_code": o["soc_code"],
            "title": o["title"],
            "aliases": o["aliases"],
            "input": match.input if match else None,
            "matched": match.matched if match else None,
        }


def area_record(
    area: AreaRow,
    figures: OccupationFigures,
    cell: int | None,
    release: str | None,
    ranking: RankingRow | None,
    ranking_release: str | None,
    metros_in_state: dict[str, list[MetroRef]],
    standing: Standing,
) -> AreaRecord:
    """The public record of one area: its figures from one cell (or none), its standing in that cell's
    release, the article's claim where that release is the article's, its metros."""
    # The article's claim where its release is served; else the tier computed from the served release.
    tier: str | None
    basis: TierBasis | None
    if ranking is not None:
        tier, basis, tier_release = ranking["tier"], TierBasis.article_claim, ranking_release
    else:
        tier, basis = standing.tier, None if standing.tier is None else TierBasis.computed
        tier_release = None if standing.tier is None else release
    rec: AreaRecord = {
        "code": area["code"],
        "name": area["name"],
        "area_type": area["area_type"],
        "release": release,
        "tier": tier,
        "tier_basis": basis,
        "rank": ranking["rank"] if ranking else None,
        "tier_citation": ranking["citation"] if ranking else None,
        "tier_release": tier_release,
        "rank_median": standing.rank_median,
        "rank_mean": standing.rank_mean,
        "vs_national": standing.vs_national(),
        "wages": dict.fromkeys(STATISTICS) if cell is None else figures.figures(cell),
        # False where BLS published employment but no wage for the area (or only a tier is known).
        "wages_released": cell is not None and figures.wages_released(cell),
        "employment": None if cell is None else figures.employment_of(cell),
    }
    if area["area_type"] in ("state", "territory"):
        rec["usps"] = area["usps"]
        rec["fips"] = area["fips"]
        rec["metros"] = metros_in_state.get(area["code"], [])
    if area["area_type"] in ("metro", "nonmetro"):
        rec["principal_states"] = area["principal_states"]
    return rec


# Crosswalks by their file's checksum: immutable, so every snapshot (and every app in one process) holding
# the same release shares one copy, built once.
_CROSSWALKS: weakref.WeakValueDictionary[str, Crosswalk] = weakref.WeakValueDictionary()
_CROSSWALKS_LOCK = threading.Lock()


def _read_crosswalk(conn: Any, releases: Sequence[ReleaseRow]) -> Crosswalk | None:
    """The ZIP-CBSA crosswalk of the newest release holding one; read from the database only when no
    snapshot in this process holds it already."""
    z = ZipCbsa.__table__  # type: ignore[attr-defined]
    newest = conn.execute(select(func.max(z.c.release_id))).scalar()
    if newest is None:
        return None
    release = next(r for r in releases if r["id"] == newest)
    key = f"{release['checksum']}:{release['label']}"
    with _CROSSWALKS_LOCK:
        held = _CROSSWALKS.get(key)
        if held is not None:
            return held
        rows = conn.execute(
            select(z.c.zip, z.c.cbsa, z.c.city, z.c.state, z.c.tot_ratio)
            .where(z.c.release_id == newest)
            .order_by(z.c.zip, z.c.cbsa)
        )
        crosswalk = _CROSSWALKS[key] = Crosswalk.build(rows, source_label=release["label"])
    return crosswalk


class Store:
    """Holds the current Snapshot for this process and swaps in a new one when the data version moves."""

    def __init__(self, engine: Engine, preload: tuple[str, ...] = (DEFAULT_OCCUPATION,)) -> None:
        self.engine = engine
        self.preload = preload
        self.snapshot: Snapshot | None = None
        self.last_error: str | None = None
        self.last_fault: DatabaseFault | None = None
        self.database_ok = False
        # The last `fetch-oews --check` (app/domain/release_check.py), read at every refresh.
        self.release_check: ReleaseCheckRow | None = None
        self._lock = threading.Lock()
        self._last_attempt = 0.0

    def refresh_if_due(self, min_interval: float = 1.0) -> None:
        """Retry loading at most once per ``min_interval`` seconds while the database is down."""
        now = time.monotonic()
        if now - self._last_attempt >= min_interval:
            self.refresh()

    def refresh(self, *, force: bool = False) -> bool:
        """Reload if the database's data version differs from ours; returns True when a reload happened."""
        with self._lock:
            self._last_attempt = time.monotonic()
            try:
                version = read_data_version(self.engine)
                self.database_ok = True
                self.release_check = read_release_check(self.engine)
                if version is None:
                    self.last_error = "database is not seeded"
                    return False
                if not force and self.snapshot is not None and self.snapshot.version == version:
                    return False
                self.snapshot = Snapshot.load(self.engine, self.preload)
                self.last_error = None
                give_back_freed_memory()  # the old snapshot's memory, once its last reader is done
                return True
            except Exception as exc:  # noqa: BLE001  any database failure keeps the last good snapshot
                self.database_ok = False
                self.last_fault = describe_fault(exc)
                self.last_error = self.last_fault.text
                return False
