"""GET /export returns the whole dataset, with sources and citations, as a zip of CSVs or a SQLite file."""

import csv
import io
import sqlite3
import zipfile
from pathlib import Path

from fastapi.testclient import TestClient


def test_export_zip_holds_every_table_with_sources(client: TestClient):
    r = client.get("/export")
    assert r.status_code == 200 and r.headers["content-type"] == "application/zip"
    assert ".zip" in r.headers["content-disposition"]
    zf = zipfile.ZipFile(io.BytesIO(r.content))
    names = set(zf.namelist())
    assert {"README.txt", "source.csv", "release.csv", "wage_stat.csv", "experience_level.csv"} <= names
    sources = {row["key"] for row in csv.DictReader(io.StringIO(zf.read("source.csv").decode()))}
    assert {"bls", "salary_com", "payscale", "glassdoor", "aapc", "article"} <= sources
    wages = list(csv.DictReader(io.StringIO(zf.read("wage_stat.csv").decode())))
    dc = [w for w in wages if w["annual"] == "75690.0"]
    assert dc and "District of Columbia" in dc[0]["citation"] and dc[0]["hourly_derived"] in ("True", "1")


def test_export_sqlite_is_a_queryable_database(client: TestClient, tmp_path: Path):
    r = client.get("/export?format=sqlite")
    assert r.status_code == 200 and r.headers["content-disposition"].endswith('.db"')
    path = tmp_path / "export.db"
    path.write_bytes(r.content)
    with sqlite3.connect(path) as db:
        (median,) = db.execute(
            "SELECT annual FROM wage_stat w JOIN area a ON a.id = w.area_id "
            "WHERE a.code = 'US' AND w.statistic = 'median'"
        ).fetchone()
        assert median == 48780
        assert db.execute("SELECT count(*) FROM certification").fetchone()[0] == 7


def test_export_rejects_unknown_format(client: TestClient):
    r = client.get("/export?format=xlsx")
    assert r.status_code == 422 and r.json()["error"]["type"] == "invalid_input"


def test_cli_export_writes_the_same_dataset(seeded_database: str, tmp_path: Path):
    import os
    import subprocess
    import sys

    out = tmp_path / "data.zip"
    done = subprocess.run(
        [sys.executable, "-m", "app.cli", "export", str(out)],
        env={**os.environ, "DATABASE_URL": seeded_database},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    names = set(zipfile.ZipFile(out).namelist())
    assert {"source.csv", "release.csv", "wage_stat.csv", "README.txt"} <= names
