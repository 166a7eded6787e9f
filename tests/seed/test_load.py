"""The seed loader is idempotent and marks derived values."""

import csv
import os
import shlex
import subprocess
import sys
from collections import Counter

import pytest
from sqlmodel import Session, select

from app.db import make_engine
from app.domain.models import Area, DataVersion, Release, WageStat
from seed.load import OFFICIAL_FILE, seed_database


@pytest.mark.parametrize("fresh_database", ["sqlite", "postgres"], indirect=True)
def test_second_seed_changes_nothing(fresh_database: str):
    engine = make_engine(fresh_database)
    with Session(engine) as s:
        version_before = s.get(DataVersion, 1).version
        rows_before = len(s.exec(select(WageStat)).all())
    report = seed_database(engine)
    assert (report.created, report.updated) == (0, 0)
    with Session(engine) as s:
        assert s.get(DataVersion, 1).version == version_before
        assert len(s.exec(select(WageStat)).all()) == rows_before
    engine.dispose()


def test_reference_areas_cover_states_dc_and_territories(fresh_database: str):
    engine = make_engine(fresh_database)
    with Session(engine) as s:
        areas = s.exec(select(Area)).all()
    engine.dispose()
    states = {a.code for a in areas if a.area_type == "state"}
    territories = {a.code for a in areas if a.area_type == "territory"}
    assert len(states) == 51 and "DC" in states  # 50 states + DC
    assert territories == {"PR", "GU", "VI", "AS", "MP"}
    nj = next(a for a in areas if a.code == "NJ")
    assert nj.fips == "34"


def test_state_hourly_is_derived_and_national_is_not(fresh_database: str):
    engine = make_engine(fresh_database)
    with Session(engine) as s:
        release = s.exec(select(Release).where(Release.key == "bls-oews-2023-05-article")).one()
        rows = s.exec(select(WageStat).where(WageStat.release_id == release.id)).all()
    engine.dispose()
    means = [r for r in rows if r.statistic == "mean"]
    assert means and all(r.hourly_derived and not r.annual_derived for r in means)
    national = [r for r in rows if r.statistic != "mean"]
    assert len(national) == 5 and not any(r.hourly_derived or r.annual_derived for r in national)
    # 75,690 / 2080 = 36.389 -> 36.39
    dc = [r for r in means if r.annual == 75690]
    assert dc[0].hourly == 36.39


@pytest.mark.parametrize("empty_database", ["postgres"], indirect=True)
def test_concurrent_migrate_and_seed_from_several_replicas(empty_database: str):
    # Three replicas starting at once, as separate processes, each running `migrate` then `seed`.
    env = {**os.environ, "DATABASE_URL": empty_database}
    cmd = [sys.executable, "-m", "app.cli"]
    script = f"{shlex.join([*cmd, 'migrate'])} && {shlex.join([*cmd, 'seed'])}"
    procs = [
        subprocess.Popen(
            ["sh", "-c", script], env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
        )
        for _ in range(3)
    ]
    outputs = [p.communicate(timeout=120)[0] for p in procs]
    assert [p.returncode for p in procs] == [0, 0, 0], outputs
    assert sum("seed changed" in out for out in outputs) == 1  # exactly one replica loaded the data
    engine = make_engine(empty_database)
    with Session(engine) as s:
        assert s.get(DataVersion, 1).version == 1
        releases = {r.id: r.key for r in s.exec(select(Release)).all()}
        loaded = Counter(releases[w.release_id] for w in s.exec(select(WageStat)).all())
    engine.dispose()
    assert loaded == {"bls-oews-2023-05-article": 13, "bls-oews-2025-05": published_wage_figures()}


def published_wage_figures() -> int:
    """Statistics with an hourly or annual value in the seed's official extract (read with csv)."""
    with OFFICIAL_FILE.open(newline="") as fh:
        return sum(
            any(row[f"{unit}_{stat}"] not in ("*", "") for unit in ("H", "A"))
            for row in csv.DictReader(fh)
            for stat in ("PCT10", "PCT25", "MEDIAN", "PCT75", "PCT90", "MEAN")
        )
