"""Issue 11 §6: text that a spreadsheet would run as a formula leaves every CSV with an apostrophe in
front; numbers stay numbers."""

import csv
import io
import zipfile
from pathlib import Path

import pytest

from app.db import make_engine
from app.oews import import_oews
from tests.conftest import make_client

FIXTURE = Path(__file__).parent / "oews" / "fixtures" / "national_M2023_dl.csv"
HOSTILE_TITLES = {
    "29-2097": '=HYPERLINK("http://evil.example","Click")',
    "29-2098": "+cmd|' /C calc'!A0",
    "29-2099": "@SUM(1+1)*cmd|' /C calc'!A0",
}


def _hostile_national_file(tmp_path: Path) -> Path:
    """The national fixture plus three copies of its 29-2072 row under new codes with hostile titles."""
    with FIXTURE.open(newline="") as fh:
        rows = list(csv.DictReader(fh))
    template = next(row for row in rows if row["OCC_CODE"] == "29-2072")
    rows += [{**template, "OCC_CODE": code} for code in HOSTILE_TITLES]
    for row in rows:
        if row["OCC_CODE"] in HOSTILE_TITLES:
            row["OCC_TITLE"] = HOSTILE_TITLES[row["OCC_CODE"]]
    target = tmp_path / "national_M2023_dl.csv"
    with target.open("w", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    return target


def _cells(text: str) -> list[str]:
    return [cell for row in csv.reader(io.StringIO(text)) for cell in row]


@pytest.mark.parametrize("fresh_database", ["sqlite", "postgres"], indirect=True)
def test_imported_formulas_are_neutralised_in_listings_and_export(fresh_database: str, tmp_path: Path):
    engine = make_engine(fresh_database)
    try:
        import_oews(engine, path=_hostile_national_file(tmp_path), occupations=list(HOSTILE_TITLES))
    finally:
        engine.dispose()
    with make_client(fresh_database) as c:
        listed = c.get("/occupations?format=csv&limit=100")
        assert listed.status_code == 200
        cells = _cells(listed.text)
        for title in HOSTILE_TITLES.values():
            assert title not in cells and "'" + title in cells
        exported = c.get("/export?format=zip")
        with zipfile.ZipFile(io.BytesIO(exported.content)) as zf:
            everything = [
                cell
                for name in zf.namelist()
                if name.endswith(".csv")
                for cell in _cells(zf.read(name).decode())
            ]
    assert not [
        cell for cell in everything if cell[:1] in ("=", "+", "-", "@", "\t", "\r") and not _is_number(cell)
    ]
    for title in HOSTILE_TITLES.values():
        assert "'" + title in everything
    # The seed's own citations start with "- 10th Percentile" (the article's bullet list).
    assert any(cell.startswith("'- 10th Percentile") for cell in everything)


def _is_number(cell: str) -> bool:
    try:
        float(cell)
    except ValueError:
        return False
    return True


def test_negative_numbers_stay_numbers_in_csv(client):
    body = client.get("/states?format=csv&sort=name").text
    rows = list(csv.DictReader(io.StringIO(body)))
    assert rows and not any(v.startswith("'") and _is_number(v[1:]) for row in rows for v in row.values())
