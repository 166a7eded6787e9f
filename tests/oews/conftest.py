"""Helpers for the OEWS import tests: fixture files in the official layout, table dumps, an XLSX copy."""

import csv
import io
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook
from sqlalchemy import MetaData, select

from app.db import make_engine
from app.domain.models import wage_statistics
from app.oews import ImportReport, import_oews
from bench.import_bench import workbook_cell

FIXTURES = Path(__file__).parent / "fixtures"
BOTH = pytest.mark.parametrize("fresh_database", ["sqlite", "postgres"], indirect=True)


def fixture_rows(name: str) -> list[dict[str, str]]:
    """The data rows of a fixture file, keyed by upper-case column name."""
    with (FIXTURES / name).open(newline="") as fh:
        return [{k.upper(): v for k, v in row.items()} for row in csv.DictReader(fh)]


def fixture_row(name: str, *, area: str, occ: str) -> tuple[int, dict[str, str]]:
    """(spreadsheet row number, row) of the first cross-industry row for an area and occupation."""
    for number, row in enumerate(fixture_rows(name), start=2):
        if (
            row["AREA"] == area
            and row["OCC_CODE"] == occ
            and row["NAICS"] == "000000"
            and row["OWN_CODE"] == "1235"
        ):
            return number, row
    raise KeyError((name, area, occ))


def money(cell: str) -> float:
    return float(cell.replace(",", ""))


def salary_api(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """The operator CLI run as an operator runs it, in its own process."""
    return subprocess.run(
        [sys.executable, "-m", "app.cli", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
        check=False,
    )


def run_import(url: str, path: Path, **options: Any) -> ImportReport:
    engine = make_engine(url)
    try:
        return import_oews(engine, path=path, **options)
    finally:
        engine.dispose()


def dump(url: str) -> dict[str, list[dict[str, Any]]]:
    """Every row of every table, in a stable order, to compare a database before and after."""
    engine = make_engine(url)
    try:
        meta = MetaData()
        meta.reflect(engine)
        with engine.connect() as conn:
            return {
                name: [dict(r._mapping) for r in conn.execute(select(table).order_by(*table.c))]
                for name, table in sorted(meta.tables.items())
            }
    finally:
        engine.dispose()


def _rows_with_their_keys(url: str, table: str | Any) -> list[dict[str, Any]]:
    """Every row of a per-release, per-occupation, per-area table (a name, or a selectable such as the wage
    cells one row per statistic), with release key, SOC code and area."""
    meta = MetaData()
    engine = make_engine(url)
    try:
        meta.reflect(engine, only=[n for n in (table, "area", "occupation", "release") if isinstance(n, str)])
        a, o, r = (meta.tables[n] for n in ("area", "occupation", "release"))
        t = meta.tables[table] if isinstance(table, str) else table
        query = (
            select(t, r.c.key.label("release_key"), o.c.soc_code, a.c.area_type, a.c.code)
            .join(r, r.c.id == t.c.release_id)
            .join(o, o.c.id == t.c.occupation_id)
            .join(a, a.c.id == t.c.area_id)
        )
        with engine.connect() as conn:
            return [dict(row._mapping) for row in conn.execute(query)]
    finally:
        engine.dispose()


def figures(url: str) -> dict[tuple[str, str, str, str, str], dict[str, Any]]:
    """Wage figures (one per statistic of a wage cell, as the export lays them out) keyed by (release key,
    SOC code, area type, area code, statistic)."""
    return {
        (m["release_key"], m["soc_code"], m["area_type"], m["code"], m["statistic"]): m
        for m in _rows_with_their_keys(url, wage_statistics().subquery("wage_stat"))
    }


def employment(url: str) -> dict[tuple[str, str, str, str], dict[str, Any]]:
    """AreaEmployment rows keyed by (release key, SOC code, area type, area code)."""
    return {
        (m["release_key"], m["soc_code"], m["area_type"], m["code"]): m
        for m in _rows_with_their_keys(url, "area_employment")
    }


def copy_fixture(name: str, directory: Path, *, as_name: str | None = None, edit: Any = None) -> Path:
    """Copy a fixture into ``directory``, optionally renamed and with its text changed by ``edit``."""
    text = (FIXTURES / name).read_text()
    target = directory / (as_name or name)
    target.write_text(edit(text) if edit else text)
    return target


def revise_alabama_median(text: str) -> str:
    """state_M2022_dl.csv with Alabama's 29-2072 median revised, hourly and annual alike (18.99 x 2,080)."""
    return text.replace("18.92", "18.99").replace('"39,350"', '"39,500"')


REVISE = revise_alabama_median


def drop_columns(*columns: str) -> Any:
    """An ``edit`` for copy_fixture that removes columns from a CSV text."""

    def edit(text: str) -> str:
        rows = list(csv.reader(io.StringIO(text)))
        keep = [i for i, c in enumerate(rows[0]) if c.upper() not in columns]
        out = io.StringIO()
        csv.writer(out, lineterminator="\n").writerows([[r[i] for i in keep] for r in rows])
        return out.getvalue()

    return edit


def write_xlsx(csv_path: Path, target: Path) -> Path:
    """An XLSX workbook with the CSV's content, as BLS publishes it (one data sheet, then field notes)."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = target.stem
    with csv_path.open(newline="") as fh:
        reader = csv.reader(fh)
        header = next(reader)
        sheet.append(header)
        for row in reader:
            sheet.append([workbook_cell(c, v) for c, v in zip(header, row, strict=True)])
    notes = workbook.create_sheet("Field Descriptions")
    notes.append(["Field", "Field Description"])
    notes.append(["area", "U.S. (99), state FIPS code, Metropolitan Statistical Area (MSA) code"])
    workbook.save(target)
    return target


@pytest.fixture
def msa_xlsx(tmp_path: Path) -> Path:
    return write_xlsx(FIXTURES / "MSA_M2023_dl.csv", tmp_path / "MSA_M2023_dl.xlsx")
