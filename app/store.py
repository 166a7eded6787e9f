"""The in-memory read model: every GET is served from a Snapshot built at start-up and rebuilt when the
database's data version changes. The one database read after start-up is an occupation's figures on its
first request (see ``Snapshot.occupation_figures``); it runs in a worker thread, never on the event loop."""

from __future__ import annotations

import json
import threading
import time
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from sqlalchemy import select
from sqlalchemy.engine import Engine

from app.config import DEFAULT_OCCUPATION
from app.errors import ServiceUnavailable
from app.models import (
    STATISTICS,
    Area,
    AreaEmployment,
    AreaRanking,
    Benchmark,
    Certification,
    DataVersion,
    ExperienceLevel,
    Occupation,
    PayFactor,
    Release,
    Source,
    WageStat,
)

HOURS_PER_YEAR = 2080
EMPLOYMENT_FIELDS = (
    "employment",
    "employment_rse",
    "jobs_per_1000",
    "location_quotient",
    "mean_wage_rse",
    "pct_total",
    "pct_reporting",
)


def _rows(conn: Any, model: type) -> list[dict[str, Any]]:
    table = model.__table__  # type: ignore[attr-defined]
    return [dict(r._mapping) for r in conn.execute(select(table).order_by(table.c.id))]


def read_data_version(engine: Engine) -> int | None:
    """The data version in the database, or None when it was never seeded."""
    with engine.connect() as conn:
        row = conn.execute(select(DataVersion.__table__.c.version)).first()  # type: ignore[attr-defined]
    return None if row is None else int(row[0])


@dataclass
class OccupationView:
    """All figures of one occupation as seen through one release choice (newest-first merge or a pin)."""

    occupation: dict[str, Any]
    release_key: str | None
    national: dict[str, Any] | None
    states: list[dict[str, Any]]
    metros: list[dict[str, Any]]
    releases_used: list[dict[str, Any]]
    # area_type:code of every area (with or without figures) for "what is available" messages.
    by_key: dict[str, dict[str, Any]] = field(default_factory=dict)


class Snapshot:
    """Immutable copy of the database, indexed for the read endpoints."""

    def __init__(self, version: int, tables: dict[str, list[dict[str, Any]]], engine: Engine) -> None:
        self.version = version
        self.sources = {s["id"]: s for s in tables["source"]}
        self.releases = {r["id"]: r for r in tables["release"]}
        self.release_by_key = {r["key"]: r for r in tables["release"]}
        self.occupations = {o["id"]: {**o, "aliases": json.loads(o["aliases"])} for o in tables["occupation"]}
        self.occupation_by_code = {o["soc_code"]: o for o in self.occupations.values()}
        self.areas = {
            a["id"]: {**a, "principal_states": json.loads(a["principal_states"])} for a in tables["area"]
        }
        self.area_by_key = {f"{a['area_type']}:{a['code']}": a for a in self.areas.values()}
        self.states_by_code = {
            a["code"]: a for a in self.areas.values() if a["area_type"] in ("state", "territory")
        }
        self.metros_by_code = {
            a["code"]: a for a in self.areas.values() if a["area_type"] in ("metro", "nonmetro")
        }
        # occupation_id -> releases holding its wages; figures load per occupation, on first use.
        self.release_ids_by_occupation: dict[int, set[int]] = {}
        for pair in tables["wage_pairs"]:
            self.release_ids_by_occupation.setdefault(pair["occupation_id"], set()).add(pair["release_id"])
        self._engine = engine
        self._wages: dict[int, dict[tuple[int, int], dict[str, dict[str, Any]]]] = {}
        self._employment: dict[int, dict[tuple[int, int], dict[str, Any]]] = {}
        self.rankings = {
            (r["occupation_id"], r["release_id"], r["area_id"]): r for r in tables["area_ranking"]
        }
        self.experience = sorted(tables["experience_level"], key=lambda e: e["years_min"])
        self.factors = tables["pay_factor"]
        self.certifications = tables["certification"]
        self.benchmarks = tables["benchmark"]
        self._views: dict[tuple[int, str | None], OccupationView] = {}
        self._lock = threading.Lock()
        self._figures_lock = threading.Lock()

    @classmethod
    def load(cls, engine: Engine, preload: tuple[str, ...] = (DEFAULT_OCCUPATION,)) -> Snapshot:
        """Read the reference tables in one transaction, and the figures of the ``preload`` occupations."""
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
        }
        with engine.connect() as conn, conn.begin():
            row = conn.execute(select(DataVersion.__table__.c.version)).first()  # type: ignore[attr-defined]
            tables = {name: _rows(conn, model) for name, model in models.items()}
            wage_t = WageStat.__table__  # type: ignore[attr-defined]
            tables["wage_pairs"] = [
                dict(r._mapping)
                for r in conn.execute(select(wage_t.c.occupation_id, wage_t.c.release_id).distinct())
            ]
        snapshot = cls(0 if row is None else int(row[0]), tables, engine)
        for code in preload:
            occ = snapshot.occupation_by_code.get(code)
            if occ is not None:
                snapshot.occupation_figures(occ["id"])
        return snapshot

    def occupation_figures(
        self, occupation_id: int
    ) -> tuple[dict[tuple[int, int], dict[str, dict[str, Any]]], dict[tuple[int, int], dict[str, Any]]]:
        """Wage figures and employment of one occupation, keyed by (release, area); read once, then kept.

        An all-data import holds ~800 occupations and a million figures; loading them all would cost a
        gigabyte per process, so each occupation is read on its first request."""
        wages = self._wages.get(occupation_id)
        employment = self._employment.get(occupation_id)
        if wages is not None and employment is not None:
            return wages, employment
        with self._figures_lock:
            if occupation_id not in self._wages:
                wage_t = WageStat.__table__  # type: ignore[attr-defined]
                emp_t = AreaEmployment.__table__  # type: ignore[attr-defined]
                try:
                    with self._engine.connect() as conn, conn.begin():
                        version_row = conn.execute(
                            select(DataVersion.__table__.c.version)  # type: ignore[attr-defined]
                        ).first()
                        version = 0 if version_row is None else int(version_row[0])
                        wage_rows = conn.execute(
                            select(wage_t)
                            .where(wage_t.c.occupation_id == occupation_id)
                            .order_by(wage_t.c.id)
                        ).all()
                        emp_rows = conn.execute(
                            select(emp_t).where(emp_t.c.occupation_id == occupation_id).order_by(emp_t.c.id)
                        ).all()
                except Exception:  # noqa: BLE001  database down: this occupation cannot be served yet
                    raise ServiceUnavailable(
                        "The figures of this occupation are not in memory yet and the database is "
                        "unreachable; retry shortly."
                    ) from None
                if version != self.version:
                    # Figures of a newer release must not be served under this snapshot's version and
                    # release tables; the store's next refresh (seconds away) loads them consistently.
                    raise ServiceUnavailable(
                        "The data changed since this process loaded them; it is reloading. Retry in a "
                        "few seconds."
                    )
                by_area: dict[tuple[int, int], dict[str, dict[str, Any]]] = {}
                for r in wage_rows:
                    w = dict(r._mapping)
                    by_area.setdefault((w["release_id"], w["area_id"]), {})[w["statistic"]] = w
                self._employment[occupation_id] = {
                    (e["release_id"], e["area_id"]): e for e in (dict(r._mapping) for r in emp_rows)
                }
                self._wages[occupation_id] = by_area
        return self._wages[occupation_id], self._employment[occupation_id]

    def has_figures(self, occupation_id: int) -> bool:
        """Whether the occupation's figures are in memory (no database read needed to serve it)."""
        return occupation_id in self._wages

    def stats(self, occupation_id: int, release_id: int, area_id: int) -> dict[str, dict[str, Any]]:
        """{statistic: figure row} of one occupation, release and area (empty when there are none)."""
        return self.occupation_figures(occupation_id)[0].get((release_id, area_id), {})

    @property
    def seeded(self) -> bool:
        return bool(self.occupations) and bool(self.experience)

    # ------------------------------------------------------------------ provenance
    def release_public(self, release_id: int) -> dict[str, Any]:
        r = self.releases[release_id]
        return {
            "key": r["key"],
            "label": r["label"],
            "period": r["period"],
            "source": self.sources[r["source_id"]]["key"],
            "via": self.sources[r["via_source_id"]]["key"] if r["via_source_id"] else None,
            "origin": r["origin"],
        }

    def source_public(self, source_id: int) -> dict[str, Any]:
        s = self.sources[source_id]
        return {k: s[k] for k in ("key", "publisher", "title", "kind", "period", "url")}

    def sources_for_releases(self, release_ids: list[int]) -> list[dict[str, Any]]:
        """The sources behind the given releases, including the article that quoted them."""
        ids: list[int] = []
        for rid in release_ids:
            r = self.releases[rid]
            for sid in (r["source_id"], r["via_source_id"]):
                if sid is not None and sid not in ids:
                    ids.append(sid)
        return [self.source_public(sid) for sid in ids]

    @cached_property
    def newest_release_key(self) -> str | None:
        ordered = self.wage_release_order(None)
        return self.releases[ordered[0]]["key"] if ordered else None

    def wage_release_order(self, occupation_id: int | None) -> list[int]:
        """Releases holding wage figures, best first: newest period, then official files over quotes."""
        if occupation_id is None:
            ids = set().union(*self.release_ids_by_occupation.values())
        else:
            ids = set(self.release_ids_by_occupation.get(occupation_id, ()))

        def rank(rid: int) -> tuple[Any, ...]:
            r = self.releases[rid]
            return (r["period_start"] is not None, r["period_start"] or "", r["origin"] == "import", r["id"])

        return sorted(ids, key=rank, reverse=True)

    # ------------------------------------------------------------------ wage views
    def view(self, occupation_id: int, release_key: str | None) -> OccupationView:
        """Figures for one occupation: the newest release per area, or only the pinned release."""
        cache_key = (occupation_id, release_key)
        cached = self._views.get(cache_key)
        if cached is not None:
            return cached
        with self._lock:
            cached = self._views.get(cache_key)
            if cached is None:
                cached = self._build_view(occupation_id, release_key)
                self._views[cache_key] = cached
        return cached

    def _build_view(self, occupation_id: int, release_key: str | None) -> OccupationView:
        if release_key is None:
            order = self.wage_release_order(occupation_id)
        else:
            order = [self.release_by_key[release_key]["id"]]
        ranking_order = order + [
            rid for rid in sorted({k[1] for k in self.rankings if k[0] == occupation_id}) if rid not in order
        ]
        if release_key is not None:
            ranking_order = order
        wages, _employment = self.occupation_figures(occupation_id)
        records: dict[int, dict[str, Any]] = {}
        used: list[int] = []
        for area in self.areas.values():
            chosen = next((rid for rid in order if (rid, area["id"]) in wages), None)
            ranking_release = next(
                (rid for rid in ranking_order if (occupation_id, rid, area["id"]) in self.rankings), None
            )
            if chosen is None and ranking_release is None:
                continue
            records[area["id"]] = self._area_record(occupation_id, area, chosen, ranking_release)
            for rid in (chosen, ranking_release):
                if rid is not None and rid not in used:
                    used.append(rid)
        metros_in_state: dict[str, list[dict[str, Any]]] = {}
        for rec in records.values():
            if rec["area_type"] in ("metro", "nonmetro"):
                for st in rec["principal_states"]:
                    metros_in_state.setdefault(st, []).append({"code": rec["code"], "name": rec["name"]})
        states = []
        metros = []
        national = None
        by_key: dict[str, dict[str, Any]] = {}
        for rec in records.values():
            by_key[f"{rec['area_type']}:{rec['code']}"] = rec
            if rec["area_type"] in ("state", "territory"):
                rec["metros"] = sorted(metros_in_state.get(rec["code"], []), key=lambda m: m["name"])
                states.append(rec)
            elif rec["area_type"] in ("metro", "nonmetro"):
                metros.append(rec)
            elif rec["area_type"] == "national":
                national = rec
        states.sort(key=lambda r: r["name"])
        metros.sort(key=lambda r: r["name"])
        return OccupationView(
            occupation=self.occupation_public(occupation_id),
            release_key=release_key,
            national=national,
            states=states,
            metros=metros,
            releases_used=[self.release_public(rid) for rid in used],
            by_key=by_key,
        )

    def occupation_public(self, occupation_id: int) -> dict[str, Any]:
        o = self.occupations[occupation_id]
        return {"soc_code": o["soc_code"], "title": o["title"], "aliases": o["aliases"]}

    def _area_record(
        self, occupation_id: int, area: dict[str, Any], release_id: int | None, ranking_release: int | None
    ) -> dict[str, Any]:
        by_area, employments = self.occupation_figures(occupation_id)
        stats = by_area.get((release_id, area["id"]), {}) if release_id else {}
        ranking = self.rankings.get((occupation_id, ranking_release, area["id"])) if ranking_release else None
        employment = employments.get((release_id, area["id"])) if release_id else None
        wages: dict[str, Any] = {}
        for stat in STATISTICS:
            w = stats.get(stat)
            wages[stat] = None if w is None else figure(w)
        rec: dict[str, Any] = {
            "code": area["code"],
            "name": area["name"],
            "area_type": area["area_type"],
            "release": self.releases[release_id]["key"] if release_id else None,
            "tier": ranking["tier"] if ranking else None,
            "rank": ranking["rank"] if ranking else None,
            "tier_citation": ranking["citation"] if ranking else None,
            "tier_release": self.releases[ranking_release]["key"] if ranking else None,
            "wages": wages,
            "employment": None if employment is None else {k: employment[k] for k in EMPLOYMENT_FIELDS},
        }
        if area["area_type"] in ("state", "territory"):
            rec["usps"] = area["usps"]
            rec["fips"] = area["fips"]
        if area["area_type"] in ("metro", "nonmetro"):
            rec["principal_states"] = area["principal_states"]
        return rec


def figure(w: dict[str, Any]) -> dict[str, Any]:
    """The public form of one stored wage figure, with its derived/capped flags and citation."""
    return {
        "hourly": w["hourly"],
        "annual": w["annual"],
        "hourly_derived": w["hourly_derived"],
        "annual_derived": w["annual_derived"],
        "hourly_capped": w["hourly_capped"],
        "annual_capped": w["annual_capped"],
        "citation": w["citation"],
    }


class Store:
    """Holds the current Snapshot for this process and swaps in a new one when the data version moves."""

    def __init__(self, engine: Engine, preload: tuple[str, ...] = (DEFAULT_OCCUPATION,)) -> None:
        self.engine = engine
        self.preload = preload
        self.snapshot: Snapshot | None = None
        self.last_error: str | None = None
        self.database_ok = False
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
                if version is None:
                    self.last_error = "database is not seeded"
                    return False
                if not force and self.snapshot is not None and self.snapshot.version == version:
                    return False
                self.snapshot = Snapshot.load(self.engine, self.preload)
                self.last_error = None
                return True
            except Exception as exc:  # noqa: BLE001  any database failure keeps the last good snapshot
                self.database_ok = False
                self.last_error = type(exc).__name__
                return False
