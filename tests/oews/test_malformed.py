"""Malformed files fail with the file, row and column named, and leave the database exactly as it was."""

from pathlib import Path

import pytest

import app.oews.load as importer
from app.cli import run_migrations
from app.errors import ImportFailed
from tests.oews.conftest import (
    BOTH,
    FIXTURES,
    REVISE,
    copy_fixture,
    drop_columns,
    dump,
    fixture_row,
    run_import,
    write_xlsx,
)

STATE = "state_M2023_dl.csv"


def _al_row() -> int:
    return fixture_row(STATE, area="01", occ="29-2072")[0]


def _row_of(area: str, occ: str) -> int:
    return fixture_row(STATE, area=area, occ=occ)[0]


def _data_rows() -> int:
    return len((FIXTURES / STATE).read_text().splitlines()) - 1


CASES = {
    "missing wage column": (
        drop_columns("A_MEDIAN"),
        r"state_M2023_dl\.csv, row 1: missing required column A_MEDIAN\.",
    ),
    "missing occupation column": (
        drop_columns("OCC_CODE"),
        r"state_M2023_dl\.csv, row 1: missing required column OCC_CODE\.",
    ),
    "non-number where a wage belongs": (
        lambda t: t.replace("19.55", "19.5x"),
        rf"state_M2023_dl\.csv, row {_al_row()}, column H_MEDIAN: '19\.5x' is not a number\.",
    ),
    "non-number with a thousands separator": (
        lambda t: t.replace('"40,660"', '"40,66O"'),
        rf"state_M2023_dl\.csv, row {_al_row()}, column A_MEDIAN: '40,66O' is not a number\.",
    ),
    "unknown area type": (
        lambda t: t.replace("48,Texas,2,TX", "48,Texas,5,TX"),
        rf"state_M2023_dl\.csv, row {_row_of('48', '29-2072')}, column AREA_TYPE: unknown area type '5'",
    ),
    "unknown state FIPS": (
        lambda t: t.replace("56,Wyoming,2,WY", "57,Wyoming,2,WY"),
        rf"state_M2023_dl\.csv, row {_row_of('56', '29-2072')}, column AREA: '57' is not the FIPS code",
    ),
    "duplicate key": (
        lambda t: t + t.splitlines()[_row_of("11", "29-2072") - 1] + "\n",
        rf"state_M2023_dl\.csv, row {_data_rows() + 2}, columns AREA, OCC_CODE, NAICS, I_GROUP, OWN_CODE: "
        rf"duplicate key \(area DC, occupation 29-2072, .*\) as row {_row_of('11', '29-2072')}\.",
    ),
    "top code in an employment column": (
        lambda t: t.replace('"20,410"', "#"),
        rf"state_M2023_dl\.csv, row {_row_of('06', '29-2072')}, column TOT_EMP: '#' \(top-coded\) is only",
    ),
    "bad occupation code": (
        lambda t: t.replace("27-2011,Actors", "27-201,Actors"),
        rf"state_M2023_dl\.csv, row {_row_of('06', '27-2011')}, column OCC_CODE: '27-201' is not a SOC code",
    ),
    "no area in a state file": (
        drop_columns("AREA", "AREA_TYPE"),
        r"state_M2023_dl\.csv, row 1: missing required column AREA\.",
    ),
    "header only": (
        lambda t: t.splitlines()[0] + "\n",
        r"state_M2023_dl\.csv: the file has a header but no data rows\.",
    ),
    "empty file": (lambda t: "", r"state_M2023_dl\.csv: the file is empty\."),
}


@BOTH
@pytest.mark.parametrize("case", list(CASES))
def test_malformed_csv_leaves_the_database_unchanged(fresh_database: str, tmp_path: Path, case: str) -> None:
    edit, message = CASES[case]
    path = copy_fixture(STATE, tmp_path, edit=edit)
    before = dump(fresh_database)
    with pytest.raises(ImportFailed, match=message):
        run_import(fresh_database, path)
    assert dump(fresh_database) == before


@BOTH
def test_malformed_xlsx_names_the_sheet_row(fresh_database: str, tmp_path: Path) -> None:
    bad = copy_fixture("MSA_M2023_dl.csv", tmp_path, edit=lambda t: t.replace('"47,920"', "n/a"))
    path = write_xlsx(bad, tmp_path / "MSA_M2023_dl.xlsx")
    row = fixture_row("MSA_M2023_dl.csv", area="12060", occ="29-2072")[0]
    before = dump(fresh_database)
    with pytest.raises(
        ImportFailed, match=rf"MSA_M2023_dl\.xlsx, row {row}, column A_MEDIAN: 'n/a' is not a number"
    ):
        run_import(fresh_database, path)
    assert dump(fresh_database) == before


def test_unreadable_workbook(fresh_database: str, tmp_path: Path) -> None:
    path = tmp_path / "MSA_M2023_dl.xlsx"
    path.write_bytes(b"PK\x03\x04 not really a workbook")
    before = dump(fresh_database)
    with pytest.raises(ImportFailed, match=r"MSA_M2023_dl\.xlsx: not a readable XLSX workbook"):
        run_import(fresh_database, path)
    assert dump(fresh_database) == before


@BOTH
def test_a_failure_while_writing_rolls_everything_back(
    fresh_database: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    run_import(fresh_database, FIXTURES / "state_M2022_dl.csv")
    revised = copy_fixture("state_M2022_dl.csv", tmp_path, edit=REVISE)
    before = dump(fresh_database)

    def broken(_session: object) -> int:
        raise RuntimeError("disk full")

    monkeypatch.setattr(importer, "bump_data_version", broken)
    with pytest.raises(RuntimeError, match="disk full"):
        run_import(fresh_database, FIXTURES / "MSA_M2023_dl.csv")
    with pytest.raises(RuntimeError, match="disk full"):
        run_import(fresh_database, revised, replace=True)
    assert dump(fresh_database) == before


def test_bad_options(fresh_database: str) -> None:
    path = FIXTURES / STATE
    before = dump(fresh_database)
    with pytest.raises(ImportFailed, match=r"Unknown occupation group everything; allowed: total, major"):
        run_import(fresh_database, path, groups=["everything"])
    with pytest.raises(ImportFailed, match=r"Not a SOC code: 292072"):
        run_import(fresh_database, path, occupations=["292072"])
    with pytest.raises(ImportFailed, match=r"Cannot read the period 'spring 2023'"):
        run_import(fresh_database, path, period="spring 2023")
    with pytest.raises(ImportFailed, match=r"no such file"):
        run_import(fresh_database, path.with_name("missing_M2023_dl.csv"))
    assert dump(fresh_database) == before


def test_state_file_before_seeding_says_to_seed(empty_database: str) -> None:
    run_migrations(empty_database)  # migrated, not seeded: no reference states yet
    before = dump(empty_database)
    with pytest.raises(ImportFailed, match=r"run `salary-api seed` first"):
        run_import(empty_database, FIXTURES / STATE)
    assert dump(empty_database) == before
