"""GET /export returns the whole dataset, with sources and citations, as a zip of CSVs or a SQLite file,
built once per data version and format and streamed from disk."""

import csv
import io
import os
import re
import sqlite3
import subprocess
import sys
import zipfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select, text

from app.db import make_engine, metadata
from app.domain.models import wage_statistics
from tests.conftest import build_database, create_postgres_database, drop_postgres_database, make_client
from tests.oews.conftest import FIXTURES, run_import
from tests.oews.served import WAGE_STAT_COLUMNS

BOTH = pytest.mark.parametrize("fresh_database", ["sqlite", "postgres"], indirect=True)
TOKEN = "export-test-token"
# BLS OEWS May 2025, national, 29-2072 Medical Records Specialists: annual median (from the BLS file).
OFFICIAL_MEDIAN = 51140


def exported_tables() -> dict[str, Any]:
    """What the export holds by name: every table, the wage cells as wage_stat."""
    tables: dict[str, Any] = {n: t for n, t in metadata.tables.items() if n != "wage_cell"}
    tables["wage_stat"] = wage_statistics().subquery()
    return tables


def database_counts(url: str) -> dict[str, int]:
    """Rows per exported table (wage_stat: one per published statistic of the wage cells)."""
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            return {
                name: conn.execute(select(func.count()).select_from(table)).scalar_one()
                for name, table in exported_tables().items()
            }
    finally:
        engine.dispose()


def database_version(url: str) -> int:
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            return conn.execute(text("SELECT version FROM data_version")).scalar_one()
    finally:
        engine.dispose()


def zip_tables(body: bytes) -> dict[str, list[dict[str, str]]]:
    zf = zipfile.ZipFile(io.BytesIO(body))
    return {
        name.removesuffix(".csv"): list(csv.DictReader(io.StringIO(zf.read(name).decode())))
        for name in zf.namelist()
        if name.endswith(".csv")
    }


def official_median_in_zip(tables: dict[str, list[dict[str, str]]]) -> list[dict[str, str]]:
    release = next(r["id"] for r in tables["release"] if r["key"] == "bls-oews-2025-05")
    occupation = next(o["id"] for o in tables["occupation"] if o["soc_code"] == "29-2072")
    area = next(a["id"] for a in tables["area"] if a["code"] == "US")
    return [
        w
        for w in tables["wage_stat"]
        if (w["release_id"], w["occupation_id"], w["area_id"], w["statistic"])
        == (release, occupation, area, "median")
    ]


def export_file(client: TestClient, fmt: str, tmp_path: Path) -> Path:
    r = client.get(f"/export?format={fmt}")
    assert r.status_code == 200, r.text
    path = tmp_path / f"export-{r.headers['x-data-version']}.{fmt}"
    path.write_bytes(r.content)
    return path


@BOTH
def test_export_zip_matches_the_database(fresh_database: str):
    with make_client(fresh_database) as client:
        r = client.get("/export")
    assert r.status_code == 200 and r.headers["content-type"] == "application/zip"
    assert int(r.headers["content-length"]) == len(r.content)
    assert r.headers["x-data-version"] == str(database_version(fresh_database))
    assert r.headers["content-disposition"].endswith(f'-v{r.headers["x-data-version"]}.zip"')
    names = set(zipfile.ZipFile(io.BytesIO(r.content)).namelist())
    assert names == {"README.txt"} | {f"{name}.csv" for name in exported_tables()}
    assert "\nlayout: 2\n" in zipfile.ZipFile(io.BytesIO(r.content)).read("README.txt").decode()
    tables = zip_tables(r.content)
    assert {name: len(rows) for name, rows in tables.items()} == database_counts(fresh_database)
    [median] = official_median_in_zip(tables)
    assert float(median["annual"]) == OFFICIAL_MEDIAN and median["annual_capped"] == "false"
    assert "Medical Records Specialists" in median["citation"]
    sources = {row["key"] for row in tables["source"]}
    assert {"bls", "salary_com", "payscale", "glassdoor", "aapc", "article"} <= sources


@BOTH
def test_export_sqlite_is_a_standalone_copy_of_the_database(fresh_database: str, tmp_path: Path):
    with make_client(fresh_database) as client:
        path = export_file(client, "sqlite", tmp_path)
    with sqlite3.connect(path) as db:
        assert db.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        tables = {n for (n,) in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        assert tables == set(metadata.tables)
        views = {n for (n,) in db.execute("SELECT name FROM sqlite_master WHERE type = 'view'")}
        assert views == {"wage_stat"} and db.execute("PRAGMA user_version").fetchone() == (2,)
        indexes = {n for (n,) in db.execute("SELECT name FROM sqlite_master WHERE type = 'index'")}
        assert {str(i.name) for t in metadata.tables.values() for i in t.indexes} <= indexes
        counts = {
            name: db.execute(f'SELECT count(*) FROM "{name}"').fetchone()[0] for name in exported_tables()
        }
        assert counts == database_counts(fresh_database)
        (median,) = db.execute(
            "SELECT w.annual FROM wage_stat w JOIN area a ON a.id = w.area_id "
            "JOIN occupation o ON o.id = w.occupation_id JOIN release r ON r.id = w.release_id "
            "WHERE a.code = 'US' AND o.soc_code = '29-2072' AND r.key = 'bls-oews-2025-05' "
            "AND w.statistic = 'median'"
        ).fetchone()
        assert median == OFFICIAL_MEDIAN
        assert db.execute("SELECT count(*) FROM certification").fetchone()[0] == 7


FLAG_SUFFIXES = ("_derived", "_capped")


@BOTH
def test_the_zip_and_the_sqlite_file_hold_the_same_wage_statistics(fresh_database: str, tmp_path: Path):
    run_import(fresh_database, FIXTURES / "state_M2023_dl.csv")  # top codes (#) and missing values (*)
    with make_client(fresh_database) as client:
        zipped = zipfile.ZipFile(io.BytesIO(client.get("/export").content)).read("wage_stat.csv").decode()
        path = export_file(client, "sqlite", tmp_path)
    reader = csv.reader(io.StringIO(zipped))
    assert tuple(next(reader)) == WAGE_STAT_COLUMNS
    from_zip = list(reader)
    with sqlite3.connect(path) as db:
        cursor = db.execute("SELECT * FROM wage_stat ORDER BY id")
        assert tuple(c[0] for c in cursor.description) == WAGE_STAT_COLUMNS
        from_view = [
            [
                "" if v is None else ("true" if v else "false") if name.endswith(FLAG_SUFFIXES) else str(v)
                for name, v in zip(WAGE_STAT_COLUMNS, row, strict=True)
            ]
            for row in cursor
        ]
    # The CSV neutralises text a spreadsheet would run ("- 10th Percentile: ..." from the article).
    assert [[*row[:-1], row[-1].removeprefix("'")] for row in from_zip] == from_view
    assert [int(row[0]) for row in from_zip] == sorted({int(row[0]) for row in from_zip})
    assert {row[4] for row in from_zip} == {"p10", "p25", "median", "p75", "p90", "mean"}
    assert any(row[9] == "true" for row in from_zip) and any(row[5] == "" for row in from_zip)


def test_both_formats_stay_built_and_are_served_from_the_built_files(seeded_database: str):
    with make_client(seeded_database) as client:
        first = {fmt: client.get(f"/export?format={fmt}") for fmt in ("zip", "sqlite")}
        again = {fmt: client.get(f"/export?format={fmt}") for fmt in ("sqlite", "zip")}
        cache = client.app.state.export_cache  # type: ignore[attr-defined]
        assert cache.builds == 2 and set(cache.files) == {"zip", "sqlite"}
        for fmt in ("zip", "sqlite"):
            assert again[fmt].status_code == first[fmt].status_code == 200
            assert again[fmt].content == first[fmt].content
            assert again[fmt].headers["etag"] == first[fmt].headers["etag"]
            assert cache.files[fmt].path.read_bytes() == first[fmt].content
        assert first["zip"].headers["etag"] != first["sqlite"].headers["etag"]
        unchanged = client.get("/export", headers={"If-None-Match": first["zip"].headers["etag"]})
        assert unchanged.status_code == 304 and unchanged.content == b""
        assert unchanged.headers["etag"] == first["zip"].headers["etag"]
        assert cache.builds == 2


@BOTH
def test_a_new_data_version_gives_a_new_export(fresh_database: str):
    with make_client(fresh_database, admin_token=TOKEN) as client:
        before = client.get("/export")
        etag = before.headers["etag"]
        run_import(fresh_database, FIXTURES / "state_M2023_dl.csv")
        refreshed = client.post("/admin/refresh", headers={"Authorization": f"Bearer {TOKEN}"})
        assert refreshed.status_code == 200, refreshed.text
        stale = client.get("/export", headers={"If-None-Match": etag})
        assert stale.status_code == 200
        after = client.get("/export")
        cache = client.app.state.export_cache  # type: ignore[attr-defined]
        assert cache.builds == 2 and len(list(cache.directory.iterdir())) == 1
    assert int(after.headers["x-data-version"]) == int(before.headers["x-data-version"]) + 1
    assert after.headers["etag"] != etag and after.content == stale.content
    releases = {r["key"] for r in zip_tables(after.content)["release"]}
    assert "bls-oews-2023-05-state" in releases
    assert "bls-oews-2023-05-state" not in {r["key"] for r in zip_tables(before.content)["release"]}
    assert {n: len(rows) for n, rows in zip_tables(after.content).items()} == database_counts(fresh_database)


@BOTH
def test_concurrent_requests_share_one_build_and_get_the_same_bytes(fresh_database: str):
    with make_client(fresh_database) as client, ThreadPoolExecutor(max_workers=6) as pool:
        formats = ["sqlite", "zip"] * 3
        answers = list(pool.map(lambda fmt: client.get(f"/export?format={fmt}"), formats))
        cache = client.app.state.export_cache  # type: ignore[attr-defined]
        assert cache.builds == 2
    assert all(a.status_code == 200 for a in answers)
    for fmt in ("zip", "sqlite"):
        bodies = {a.content for a, f in zip(answers, formats, strict=True) if f == fmt}
        assert len(bodies) == 1


def test_a_database_failure_during_a_build_is_a_503_in_the_error_shape(fresh_database: str):
    with make_client(fresh_database) as client:
        engine = make_engine(fresh_database)
        with engine.begin() as conn:
            conn.execute(text("DROP TABLE pay_factor"))
        engine.dispose()
        r = client.get("/export?format=sqlite")
        assert r.status_code == 503 and r.headers["content-type"] == "application/json"
        assert r.json()["error"]["type"] == "service_unavailable" and r.json()["error"]["status"] == 503
        cache = client.app.state.export_cache  # type: ignore[attr-defined]
        assert cache.builds == 0 and list(cache.directory.iterdir()) == []


def test_the_export_directory_goes_with_the_process(seeded_database: str):
    with make_client(seeded_database) as client:
        assert client.get("/export").status_code == 200
        directory = client.app.state.export_cache.directory  # type: ignore[attr-defined]
        assert len(list(directory.iterdir())) == 1
    assert not directory.exists()


def test_both_backends_write_the_same_csv_text(tmp_path: Path):
    pg_url, admin_url = create_postgres_database()
    try:
        exports = []
        for url in (build_database(f"sqlite:///{tmp_path / 'same.db'}"), build_database(pg_url)):
            with make_client(url) as client:
                exports.append(zip_tables(client.get("/export").content))
    finally:
        drop_postgres_database(pg_url, admin_url)
    sqlite_tables, postgres_tables = exports
    times = {"loaded_at", "updated_at"}  # when each database was seeded
    for name, rows in sqlite_tables.items():
        other = postgres_tables[name]
        assert [{k: v for k, v in r.items() if k not in times} for r in rows] == [
            {k: v for k, v in r.items() if k not in times} for r in other
        ], name
    for tables in exports:  # UTC, without an offset, to the microsecond, as SQLite stores it
        [release] = [r for r in tables["release"] if r["key"] == "bls-oews-2025-05"]
        assert re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{6}", release["loaded_at"])


def test_export_rejects_unknown_format(client: TestClient):
    r = client.get("/export?format=xlsx")
    assert r.status_code == 422 and r.json()["error"]["type"] == "invalid_input"


@pytest.mark.parametrize("fmt", ["zip", "sqlite"])
def test_cli_export_writes_the_same_bytes_as_the_api(seeded_database: str, tmp_path: Path, fmt: str):
    out = tmp_path / f"data.{fmt}"
    done = subprocess.run(
        [sys.executable, "-m", "app.cli", "export", str(out), "--format", fmt],
        env={**os.environ, "DATABASE_URL": seeded_database},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    assert [p.name for p in tmp_path.iterdir()] == [out.name]
    with make_client(seeded_database) as client:
        assert out.read_bytes() == client.get(f"/export?format={fmt}").content


def test_export_has_its_own_timeout_not_the_request_timeout(seeded_database: str):
    # A build of the whole dataset takes longer than an ordinary answer may; /export waits for it.
    # (Without its own limit, this export waited on its build past 1 ms and was a 503 "timeout".)
    with make_client(seeded_database, request_timeout=0.001) as c:
        r = c.get("/export?format=sqlite")
    assert r.status_code == 200, r.text
    assert r.content.startswith(b"SQLite format 3\x00")
