"""Import benchmark: a generated all-data-like OEWS CSV of ~400,000 rows into a fresh database.

Run with ``python -m bench.import_bench [--rows N] [--xlsx]``. Uses SQLite, plus PostgreSQL when
TEST_DATABASE_URL is set. Prints seconds, rows per second and the peak RSS of the importing process (each
import runs in a fresh child process, which also counts its own children, e.g. the XLSX reader); asserts
nothing.
"""

from __future__ import annotations

import argparse
import csv
import multiprocessing
import os
import random
import resource
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from app.db import make_engine, normalise_url
from app.oews import import_oews
from bench.run import migrate_and_seed
from seed.extract import LAYOUT
from seed.load import load_reference_areas


def _occupations() -> list[tuple[str, str, str]]:
    occupations = [("00-0000", "All Occupations", "total")]
    for major in range(11, 55, 2):
        occupations.append((f"{major}-0000", f"Major group {major}", "major"))
        for detail in range(1, 33):
            occupations.append(
                (f"{major}-{1000 + detail * 11:04d}", f"Occupation {major}-{detail}", "detailed")
            )
    return occupations


def _wages(rng: random.Random) -> list[str]:
    base = rng.uniform(12, 80)
    hourly = [base * f for f in (0.6, 0.8, 1.0, 1.3, 1.7)]
    mean = base * 1.1
    cells = [f"{mean:.2f}", f"{mean * 2080:,.0f}", f"{rng.uniform(0.5, 5):.1f}"]
    cells += ["#" if h >= 115 else f"{h:.2f}" for h in hourly]
    cells += ["#" if h * 2080 >= 239_200 else f"{h * 2080:,.0f}" for h in hourly]
    if rng.random() < 0.02:
        cells[3] = "*"
    return cells


def _rows(target: int, rng: random.Random) -> Iterator[list[str]]:
    occupations = _occupations()
    states = load_reference_areas()
    areas: list[tuple[str, str, str, str]] = [("99", "U.S.", "1", "US")]
    areas += [(s["fips"], s["name"], "2" if s["area_type"] == "state" else "3", s["usps"]) for s in states]
    areas += [(f"{10000 + i * 97:05d}", f"Metro {i}, XX", "4", "XX") for i in range(400)]
    areas += [(f"{i % 50 + 1:02d}{i:05d}", f"Nonmetro area {i}", "6", "XX") for i in range(130)]
    n = 0
    # Cross-industry rows for every area, then industry rows for the nation until the target is reached.
    for code, title, area_type, prim in areas:
        share = 1.0 if area_type in ("1", "2", "3") else 0.35
        for occ, occ_title, group in occupations:
            if group != "total" and rng.random() > share:
                continue
            emp = rng.randint(30, 90000)
            yield [
                code,
                title,
                area_type,
                prim,
                "000000",
                "Cross-industry",
                "cross-industry",
                "1235",
                occ,
                occ_title,
                group,
                "**" if rng.random() < 0.01 else f"{emp:,}",
                f"{rng.uniform(1, 20):.1f}",
                f"{rng.uniform(0.1, 30):.3f}",
                f"{rng.uniform(0.2, 3):.2f}",
                "",
                "",
                *_wages(rng),
                "TRUE" if occ.endswith("1011") else "",
                "",
            ]
            n += 1
    industry = 0
    while n < target:
        industry += 1
        naics = f"{100000 + industry * 37:06d}"
        for occ, occ_title, group in occupations:
            if n >= target:
                return
            yield [
                "99",
                "U.S.",
                "1",
                "US",
                naics,
                f"Industry {naics}",
                "5-digit",
                "5",
                occ,
                occ_title,
                group,
                f"{rng.randint(30, 9000):,}",
                "3.1",
                "",
                "",
                f"{rng.uniform(0, 5):.2f}",
                "~" if rng.random() < 0.1 else f"{rng.uniform(1, 100):.2f}",
                *_wages(rng),
                "",
                "",
            ]
            n += 1


def write_csv(path: Path, rows: int) -> int:
    """Write a generated all-data file; returns the number of data rows."""
    rng = random.Random(2023)
    count = 0
    with path.open("w", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(LAYOUT)
        for row in _rows(rows, rng):
            writer.writerow(row)
            count += 1
    return count


def workbook_cell(column: str, value: str) -> Any:
    """Numbers as numbers and codes as text, the way the official workbooks store them."""
    if column.upper() == "AREA_TYPE":
        return int(value)
    if column.upper() in ("AREA", "NAICS", "OWN_CODE", "OCC_CODE") or not value:
        return value or None
    try:
        return float(value.replace(",", ""))
    except ValueError:
        return value


def write_xlsx(csv_path: Path, path: Path) -> None:
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("All May 2023 data")
    with csv_path.open(newline="") as fh:
        reader = csv.reader(fh)
        header = next(reader)
        sheet.append(header)
        for row in reader:
            sheet.append([workbook_cell(c, v) for c, v in zip(header, row, strict=True)])
    workbook.save(path)


@contextmanager
def scratch_postgres(admin_url: str, prefix: str = "import_bench") -> Iterator[str]:
    """A throwaway database on the server at ``admin_url`` (e.g. TEST_DATABASE_URL), dropped afterwards."""
    admin_url = normalise_url(admin_url)
    name = f"{prefix}_{uuid.uuid4().hex[:8]}"
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(admin_url).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def _timed_import(url: str, path: Path) -> tuple[float, int, int, int, int]:
    """(seconds, rows read, rows loaded, wage figures, peak RSS in MB of this process and its children)."""
    engine = make_engine(url)
    started = time.perf_counter()
    report = import_oews(engine, path=path)
    seconds = time.perf_counter() - started
    engine.dispose()
    peak = max(resource.getrusage(who).ru_maxrss for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN))
    return seconds, report.rows_read, report.rows_loaded, report.wage_figures, peak // 1024


def bench(url: str, path: Path, label: str) -> None:
    migrate_and_seed(url)
    # A fresh process per import, so its peak RSS is the import's alone.
    with multiprocessing.get_context("spawn").Pool(1) as pool:
        seconds, read, loaded, wage_figures, peak = pool.apply(_timed_import, (url, path))
    print(
        f"{label:<22} {seconds:7.2f} s  {read / seconds:9,.0f} rows/s  peak {peak:,} MB  "
        f"({read:,} rows read, {loaded:,} loaded, {wage_figures:,} wage figures)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=400_000)
    parser.add_argument(
        "--xlsx", action="store_true", help="also time the same rows as XLSX (openpyxl: minutes, not seconds)"
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        directory = Path(tmp)
        path = directory / "all_data_M_2023.csv"
        started = time.perf_counter()
        count = write_csv(path, args.rows)
        size = path.stat().st_size / 1e6
        print(f"generated {count:,} rows ({size:.0f} MB) in {time.perf_counter() - started:.1f} s")
        files = [(path, "csv")]
        if args.xlsx:
            xlsx = directory / "all_data_M_2023.xlsx"
            write_xlsx(path, xlsx)
            files.append((xlsx, "xlsx"))
        for file, kind in files:
            bench(f"sqlite:///{directory / f'bench-{kind}.db'}", file, f"sqlite, {kind}")
            if os.environ.get("TEST_DATABASE_URL"):
                with scratch_postgres(os.environ["TEST_DATABASE_URL"]) as url:
                    bench(url, file, f"postgresql, {kind}")


if __name__ == "__main__":
    main()
