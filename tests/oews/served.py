"""Every wage and employment value the read model serves, as one SHA-256 per occupation, to show that a
change of storage changes nothing a reader sees.

``served_digests`` goes through the Store, the one reader of the figures (every endpoint, card and CSV is
built from ``OccupationFigures``): per occupation, per (release, area) cell, the public figure of each
statistic, the employment block and whether wages were released, plus the releases holding its figures.
Cells are keyed by release key, area type and code and occupations by SOC code, never by database ids, so
SQLite and PostgreSQL give the same digests.

``fixtures/served_before_wage_cells.json`` holds the digests the previous storage (one ``wage_stat`` row
per statistic, migration 0003) served for the seed and for the seed plus a generated full-size all-data
file; they were written by ``python -m tests.oews.served`` at commit ca17fc7, before ``wage_cell``
(migration 0005) existed, and are not to be re-recorded for a change that should serve the same values.
"""

from __future__ import annotations

import hashlib
import json
import sys
import tempfile
from pathlib import Path
from typing import Any

from sqlalchemy import MetaData, select

from app.db import make_engine
from app.domain.store import Store

FROZEN = Path(__file__).parent / "fixtures" / "served_before_wage_cells.json"
# The generated all-data file (bench.import_bench.write_csv): as many rows as BLS's May 2025 release.
FULL_SIZE_ROWS = 236_799
FULL_SIZE_NAME = "all_data_M_2023.csv"


def served_digests(url: str) -> dict[str, str]:
    """SOC code -> SHA-256 of everything the read model serves for that occupation."""
    engine = make_engine(url)
    try:
        store = Store(engine, preload=())
        assert store.refresh(force=True), store.last_error
        snapshot = store.snapshot
        assert snapshot is not None
        out: dict[str, str] = {}
        for occupation_id, occupation in snapshot.occupations.items():
            figures = snapshot.occupation_figures(occupation_id)
            cells: list[list[Any]] = []
            for i in range(len(figures)):
                release_id, area_id = figures.cell(i)
                area = snapshot.areas[area_id]
                cells.append(
                    [
                        snapshot.releases[release_id]["key"],
                        area["area_type"],
                        area["code"],
                        figures.figures(i),
                        figures.employment_of(i),
                        figures.wages_released(i),
                    ]
                )
            cells.sort(key=lambda c: (c[0], c[1], c[2]))
            releases = sorted(
                snapshot.releases[r]["key"] for r in snapshot.release_ids_by_occupation.get(occupation_id, ())
            )
            payload = json.dumps({"releases": releases, "cells": cells}, sort_keys=True, allow_nan=False)
            out[occupation["soc_code"]] = hashlib.sha256(payload.encode()).hexdigest()
        return out
    finally:
        engine.dispose()


# The columns of wage_stat (migrations 0001-0003), which the export keeps as its documented layout.
WAGE_STAT_COLUMNS = (
    "id",
    "release_id",
    "occupation_id",
    "area_id",
    "statistic",
    "hourly",
    "annual",
    "hourly_derived",
    "annual_derived",
    "hourly_capped",
    "annual_capped",
    "citation",
)


def wage_stat_digest(url: str) -> tuple[int, str]:
    """(rows, SHA-256) of the ``wage_stat`` table of a database at migration 0003 (or one carried back to
    it), every column but the id, keyed by release key, SOC code and area."""
    engine = make_engine(url)
    try:
        meta = MetaData()
        meta.reflect(engine, only=["wage_stat", "release", "occupation", "area"])
        w, r, o, a = (meta.tables[n] for n in ("wage_stat", "release", "occupation", "area"))
        query = (
            select(r.c.key, o.c.soc_code, a.c.area_type, a.c.code, *(w.c[c] for c in WAGE_STAT_COLUMNS[4:]))
            .join(r, r.c.id == w.c.release_id)
            .join(o, o.c.id == w.c.occupation_id)
            .join(a, a.c.id == w.c.area_id)
        )
        with engine.connect() as conn:
            rows = sorted(
                json.dumps([*row[:7], *(bool(v) for v in row[7:11]), row[11]]) for row in conn.execute(query)
            )
    finally:
        engine.dispose()
    digest = hashlib.sha256("\n".join(rows).encode()).hexdigest()
    return len(rows), digest


def record(directory: Path) -> dict[str, Any]:
    """The digests of the seed and of the seed plus the generated full-size file, on a SQLite database."""
    from bench.import_bench import write_csv
    from tests.conftest import build_database
    from tests.oews.conftest import run_import

    url = build_database(f"sqlite:///{directory / 'served.db'}")
    rows, digest = wage_stat_digest(url)
    seed = {"served": served_digests(url), "wage_stat": {"rows": rows, "sha256": digest}}
    path = directory / FULL_SIZE_NAME
    write_csv(path, FULL_SIZE_ROWS)
    run_import(url, path)
    return {"seed": seed, "full_size": {"rows": FULL_SIZE_ROWS, "served": served_digests(url)}}


if __name__ == "__main__":
    with tempfile.TemporaryDirectory() as tmp:
        recorded = record(Path(tmp))
    FROZEN.write_text(json.dumps(recorded, indent=1, sort_keys=True) + "\n")
    sys.stdout.write(f"wrote {FROZEN}\n")
