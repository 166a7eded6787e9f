"""Load BLS OEWS estimates from the official download files (CSV or XLSX) as one release per file.

Header names are matched in any case. Files covering a single level, and older years, leave columns out:

- Required: OCC_CODE, OCC_TITLE, the twelve wage columns (H_ and A_ MEAN, PCT10, PCT25, MEDIAN, PCT75,
  PCT90) and an area: AREA with AREA_TITLE. A national file (named like national_M2023_dl.xlsx or
  oesm19nat.xlsx) may have no AREA at all; its rows are then national.
- Without AREA_TYPE the type follows from AREA: 99 national, one or two digits a state or territory (by
  FIPS), five digits a metropolitan area (CBSA), six or seven digits a nonmetropolitan area.
- Without NAICS and I_GROUP every row is cross-industry; without OWN_CODE every row covers all ownerships;
  without O_GROUP every row is a detailed occupation.
- Older spellings are accepted: OCC_GROUP for O_GROUP, AREA_NAME for AREA_TITLE.

Symbols: ``*`` and ``**`` (not available) and ``~`` (under 0.5% of establishments) are stored as null; ``#``
in a wage column is BLS's top code, stored as the threshold of the file's period and flagged capped.
Row numbers count the header as row 1, as a spreadsheet shows them.

By default only cross-industry rows (NAICS 000000 or I_GROUP cross-industry) for all ownerships (OWN_CODE
1235) and detailed occupations are loaded: the schema keys figures by release, occupation and area, with no
industry or ownership. Other rows are still read and validated.

Each file is one release, ``bls-oews-YYYY-MM-<scope>``, the scope (national, state, metro, all) following
from the area types in the file. Importing the same file again only adds rows an earlier, narrower selection
left out, so an identical run changes nothing; a different file under the same key needs ``replace``.
Existing areas and occupations keep their names: the seed owns the article's metros, and an older file
carries older titles.
"""

from __future__ import annotations

import calendar
import codecs
import csv
import hashlib
import json
import re
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass
from datetime import UTC, date, datetime
from math import isfinite
from operator import itemgetter
from pathlib import Path
from typing import Any

from sqlalchemy import delete, insert, select, update
from sqlalchemy.engine import Connection, Engine
from sqlmodel import Session

from app.db import lock_writers
from app.errors import ImportFailed
from app.models import (
    STATISTICS,
    Area,
    AreaEmployment,
    Occupation,
    Release,
    Source,
    WageStat,
    bump_data_version,
)

Progress = Callable[[str, int, int | None], None]

SOURCE_KEY = "bls"
WAGE_COLUMNS = (
    ("H_PCT10", "A_PCT10"),
    ("H_PCT25", "A_PCT25"),
    ("H_MEDIAN", "A_MEDIAN"),
    ("H_PCT75", "A_PCT75"),
    ("H_PCT90", "A_PCT90"),
    ("H_MEAN", "A_MEAN"),
)
EMPLOYMENT_COLUMNS = {
    "TOT_EMP": "employment",
    "EMP_PRSE": "employment_rse",
    "JOBS_1000": "jobs_per_1000",
    "LOC_QUOTIENT": "location_quotient",
    "MEAN_PRSE": "mean_wage_rse",
    "PCT_TOTAL": "pct_total",
    "PCT_RPT": "pct_reporting",
}
COLUMN_ALIASES = {"OCC_GROUP": "O_GROUP", "AREA_NAME": "AREA_TITLE"}
AREA_TYPE_CODES = {"1": "national", "2": "state", "3": "territory", "4": "metro", "6": "nonmetro"}
OCCUPATION_GROUPS = ("total", "major", "minor", "broad", "detailed")
DEFAULT_GROUPS = ("detailed",)
DUPLICATE_KEY_COLUMNS = "AREA, OCC_CODE, NAICS, I_GROUP, OWN_CODE"
CROSS_INDUSTRY_NAICS = "000000"
ALL_OWNERSHIPS = "1235"
SCOPE_LABELS = {"national": "national", "state": "state", "metro": "metro", "all": "all-data"}
# BLS raised its top code with the May 2023 estimates; earlier files cap at $100.00 / $208,000.
TOP_CODES = ((date(2023, 5, 1), 115.0, 239_200.0), (date.min, 100.0, 208_000.0))

_NULL_SYMBOLS = frozenset({"", "*", "**", "~"})
_TOP = object()
_SOC_CODE = re.compile(r"\d{2}-\d{4}")
_NATIONAL_FILE = re.compile(r"national|oesm\d{2}nat")
_TRUE = frozenset({"TRUE", "T", "YES", "Y", "1"})
_CHUNK = 20000


@dataclass(frozen=True)
class Period:
    year: int
    month: int

    @property
    def label(self) -> str:
        return f"{calendar.month_name[self.month]} {self.year}"

    @property
    def start(self) -> date:
        return date(self.year, self.month, 1)

    @property
    def top_codes(self) -> tuple[float, float]:
        return next((hourly, annual) for since, hourly, annual in TOP_CODES if self.start >= since)


@dataclass
class ImportReport:
    release_key: str
    label: str
    file_name: str
    status: str  # created | extended | replaced | unchanged
    rows_read: int
    rows_selected: int
    rows_loaded: int
    wage_figures: int
    areas_created: int
    occupations_created: int
    data_version: int | None


@dataclass
class _Selected:
    row: int
    area: int
    occupation: str
    area_title: str
    occupation_title: str
    wages: list[Any]
    employment: list[float | None]
    annual_only: bool
    hourly_only: bool


@dataclass
class _Parsed:
    rows_read: int
    scope: str
    areas: list[tuple[str, str]]
    area_titles: list[str]
    area_states: list[list[str]]
    occupation_titles: dict[str, str]
    employment_fields: list[str]
    selected: list[_Selected]


_MONTHS = {name.lower(): i for i, name in enumerate(calendar.month_name) if name} | {
    name.lower(): i for i, name in enumerate(calendar.month_abbr) if name
}


def parse_period(text: str) -> Period:
    """Read a reference period such as "May 2023", "may 2023" or "2023-05"."""
    value = text.strip()
    named = re.fullmatch(r"([A-Za-z]+)\.?\s+(\d{4})", value)
    numeric = re.fullmatch(r"(\d{4})-(\d{1,2})", value)
    if named and named.group(1).lower() in _MONTHS:
        year, month = int(named.group(2)), _MONTHS[named.group(1).lower()]
    elif numeric and 1 <= int(numeric.group(2)) <= 12:
        year, month = int(numeric.group(1)), int(numeric.group(2))
    else:
        raise ImportFailed(f'Cannot read the period {text!r}: give a month and a year, e.g. "May 2023".')
    if not 1990 <= year <= 2100:
        raise ImportFailed(f"The period {text!r} has an implausible year {year}.")
    return Period(year, month)


def infer_period(file_name: str) -> Period | None:
    """The May reference period named by an official file name (oesm23..., ..._M2023_..., ..._M_2023...)."""
    name = file_name.lower()
    short = re.search(r"oesm(\d{2})", name)
    if short:
        return Period(2000 + int(short.group(1)), 5)
    long = re.search(r"(?:^|[_\-\s.])m_?((?:19|20)\d{2})(?=[_\-\s.]|$)", name)
    return Period(int(long.group(1)), 5) if long else None


def _text(value: Any) -> str:
    if value is None:
        return ""
    if value.__class__ is str:
        return value.strip()
    if value is True or value is False:
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _number(value: Any) -> Any:
    """A float, None for a not-available symbol, or _TOP for '#'; ValueError for anything else."""
    if value.__class__ is str:
        if value in _NULL_SYMBOLS:
            return None
        try:
            number = float(value.replace(",", ""))
        except ValueError:
            text = value.strip()
            if text in _NULL_SYMBOLS:
                return None
            if text == "#":
                return _TOP
            raise ValueError(f"{text!r} is not a number") from None
    elif value is None:
        return None
    elif value.__class__ is float or value.__class__ is int:
        number = float(value)
    else:
        raise ValueError(f"{value!r} is not a number")
    if not isfinite(number):
        raise ValueError(f"{value!r} is not a number")
    return number


def _measure(value: Any) -> float | None:
    if value is None or value.__class__ is str and value in _NULL_SYMBOLS:
        return None
    number = _number(value)
    if number is _TOP:
        raise ValueError("'#' (top-coded) is only allowed in wage columns")
    return number  # type: ignore[no-any-return]


def _flag(value: Any) -> bool:
    return value is True or _text(value).upper() in _TRUE


def _file_checksum(path: Path, *, check_utf8: bool) -> tuple[str, int, bool]:
    """sha256, number of line breaks and whether the bytes are valid UTF-8, in one pass."""
    digest = hashlib.sha256()
    lines = 0
    decoder = codecs.getincrementaldecoder("utf-8")()
    utf8 = check_utf8
    with path.open("rb") as fh:
        while chunk := fh.read(1 << 20):
            digest.update(chunk)
            lines += chunk.count(b"\n")
            if utf8:
                try:
                    decoder.decode(chunk)
                except UnicodeDecodeError:
                    utf8 = False
    if utf8:
        try:
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            utf8 = False
    return digest.hexdigest(), lines, utf8


def _is_xlsx(path: Path) -> bool:
    suffix = path.suffix.lower()
    if suffix == ".xls":
        raise ImportFailed(
            f"{path.name}: the old binary .xls format is not supported; save it as XLSX or CSV."
        )
    if suffix in (".xlsx", ".xlsm"):
        return True
    if suffix in (".csv", ".txt"):
        return False
    with path.open("rb") as fh:
        return fh.read(2) == b"PK"


@contextmanager
def _open_table(path: Path, *, xlsx: bool, encoding: str, lines: int) -> Iterator[tuple[list[Any], Any, int]]:
    """Yield (header cells, iterator of (row number, cells), estimated data rows)."""
    if not xlsx:
        with path.open(newline="", encoding=encoding) as fh:
            reader = csv.reader(fh)
            header = next(reader, None)
            if header is None:
                raise ImportFailed(f"{path.name}: the file is empty.")
            yield header, enumerate(reader, start=2), max(lines - 1, 0)
        return
    # calamine (Rust) reads the 400,000-row all-data workbook in seconds; openpyxl took minutes.
    from python_calamine import CalamineWorkbook

    try:
        workbook = CalamineWorkbook.from_path(str(path))
        sheets = [workbook.get_sheet_by_name(name) for name in workbook.sheet_names]
    except Exception as exc:  # noqa: BLE001  calamine raises its own errors for broken or foreign files
        raise ImportFailed(f"{path.name}: not a readable XLSX workbook ({type(exc).__name__}).") from None
    for sheet in sheets:
        rows = iter(sheet.iter_rows())
        # Some workbooks put a title above the header, and some carry a field-description sheet.
        for number, cells in enumerate(rows, start=1):
            if any(_text(c).upper() == "OCC_CODE" for c in cells):
                yield list(cells), enumerate(rows, start=number + 1), max(sheet.height - number, 0)
                return
            if number >= 10:
                break
    raise ImportFailed(f"{path.name}: no worksheet has an OCC_CODE header row.")


def _header_index(header: Sequence[Any], name: str) -> dict[str, int]:
    index: dict[str, int] = {}
    for position, cell in enumerate(header):
        column = _text(cell).upper()
        column = COLUMN_ALIASES.get(column, column)
        if not column:
            continue
        if column in index:
            raise ImportFailed(f"{name}, row 1, column {column}: the column appears twice.")
        index[column] = position
    return index


def _getter(indexes: list[int]) -> Callable[[Sequence[Any]], Sequence[Any]]:
    if not indexes:
        return lambda _cells: ()
    if len(indexes) == 1:
        index = indexes[0]
        return lambda cells: (cells[index],)
    return itemgetter(*indexes)


def _scope(area_types: set[str]) -> str:
    if area_types == {"national"}:
        return "national"
    if area_types <= {"state", "territory"}:
        return "state"
    if area_types <= {"metro", "nonmetro"}:
        return "metro"
    return "all"


class _AreaResolver:
    """Maps (AREA_TYPE, AREA) cells to a (area_type, code) key, validating both."""

    def __init__(self, *, fips: dict[str, tuple[str, str]], has_type: bool, has_area: bool) -> None:
        self.fips = fips
        self.has_type = has_type
        self.has_area = has_area

    def __call__(self, type_cell: Any, area_cell: Any) -> tuple[str, str]:
        if not self.has_area:
            return ("national", "US")
        code = _text(area_cell)
        if self.has_type:
            kind = AREA_TYPE_CODES.get(_text(type_cell))
            if kind is None:
                raise _CellError(
                    "AREA_TYPE",
                    f"unknown area type {_text(type_cell)!r} "
                    "(known: 1 national, 2 state, 3 territory, 4 metropolitan, 6 nonmetropolitan)",
                )
        else:
            kind = self._infer(code)
        if kind == "national":
            return ("national", "US")
        if not code.isdigit():
            raise _CellError("AREA", f"{code!r} is not a numeric area code")
        if kind in ("state", "territory"):
            found = self.fips.get(code.zfill(2))
            if found is None and not self.fips:
                raise _CellError(
                    "AREA", "the database holds no states or territories yet; run `salary-api seed` first"
                )
            if found is None:
                raise _CellError("AREA", f"{code!r} is not the FIPS code of a known state or territory")
            return found
        width = 5 if kind == "metro" else 7
        if len(code) > width:
            raise _CellError("AREA", f"{code!r} is not a {kind}politan area code of {width} digits")
        return (kind, code.zfill(width))

    @staticmethod
    def _infer(code: str) -> str:
        if code in ("99", "US", "U.S."):
            return "national"
        if code.isdigit() and len(code) <= 2:
            return "state"
        if code.isdigit() and len(code) == 5:
            return "metro"
        if code.isdigit() and len(code) in (6, 7):
            return "nonmetro"
        raise _CellError(
            "AREA", f"cannot tell the area type of {code!r} and the file has no AREA_TYPE column"
        )


_TITLE_STATES = re.compile(r",\s*([A-Z]{2}(?:-[A-Z]{2})*)\s*$")


def _principal_states(title: str, prim_state: str) -> list[str]:
    """Every state a metro lies in: its title's suffix ("..., NY-NJ-PA"), else PRIM_STATE (primary only)."""
    found = _TITLE_STATES.search(title)
    text = found.group(1) if found else prim_state
    return [s.strip() for s in text.split("-") if s.strip()]


class _CellError(Exception):
    def __init__(self, column: str, message: str) -> None:
        super().__init__(message)
        self.column = column


def _parse(
    path: Path,
    *,
    xlsx: bool,
    encoding: str,
    lines: int,
    occupations: frozenset[str] | None,
    groups: frozenset[str],
    fips: dict[str, tuple[str, str]],
    progress: Progress | None,
) -> _Parsed:
    name = path.name
    with _open_table(path, xlsx=xlsx, encoding=encoding, lines=lines) as (header, rows, estimate):
        col = _header_index(header, name)
        has_area = "AREA" in col
        national_file = _NATIONAL_FILE.search(name.lower()) is not None
        required = ["OCC_CODE", "OCC_TITLE", *(c for pair in WAGE_COLUMNS for c in pair)]
        if has_area or not national_file:
            required += ["AREA", "AREA_TITLE"]
        missing = [c for c in required if c not in col]
        if missing:
            plural = "s" if len(missing) > 1 else ""
            raise ImportFailed(f"{name}, row 1: missing required column{plural} {', '.join(missing)}.")
        width = len(header)
        i_occ, i_title = col["OCC_CODE"], col["OCC_TITLE"]
        i_area, i_area_title, i_type = col.get("AREA"), col.get("AREA_TITLE"), col.get("AREA_TYPE")
        i_prim = col.get("PRIM_STATE")
        i_naics, i_igroup, i_own, i_ogroup = (col.get(c) for c in ("NAICS", "I_GROUP", "OWN_CODE", "O_GROUP"))
        i_annual, i_hourly = col.get("ANNUAL"), col.get("HOURLY")
        wage_idx = [col[c] for pair in WAGE_COLUMNS for c in pair]
        employment_cols = [c for c in EMPLOYMENT_COLUMNS if c in col]
        employment_idx = [col[c] for c in employment_cols]
        wage_cells = _getter(wage_idx)
        employment_cells = _getter(employment_idx)

        resolve_area = _AreaResolver(fips=fips, has_type=i_type is not None, has_area=has_area)
        area_index: dict[tuple[str, str], int] = {}
        areas: list[tuple[str, str]] = []
        area_titles: list[str] = []
        area_states: list[list[str]] = []
        area_cells: dict[tuple[Any, Any], int] = {}
        industry_cells: dict[tuple[Any, Any, Any], tuple[int, bool]] = {}
        industries: dict[tuple[str, str, str], int] = {}
        group_cells: dict[Any, bool] = {}
        occupation_titles: dict[str, str] = {}
        occupation_index: dict[str, int] = {}
        seen: dict[tuple[int, int, int], int] = {}
        loaded_keys: set[tuple[int, str]] = set()
        selected: list[_Selected] = []
        rows_read = 0
        row = 1

        def fail(column: str, message: str) -> ImportFailed:
            label = "columns" if "," in column else "column"
            return ImportFailed(f"{name}, row {row}, {label} {column}: {message}.")

        for row, cells in rows:
            if len(cells) < width:
                cells = [*cells, *([None] * (width - len(cells)))]
            occ = _text(cells[i_occ])
            if not occ:
                filled = [c for c in cells if _text(c)]
                # Older workbooks put footnotes in the first column under the data.
                if not filled or (len(filled) == 1 and _text(cells[0])):
                    continue
                raise fail("OCC_CODE", "the occupation code is missing")
            rows_read += 1
            if progress is not None and rows_read % 5000 == 0:
                progress("reading", rows_read, estimate)

            occ_id = occupation_index.get(occ)
            if occ_id is None:
                if not _SOC_CODE.fullmatch(occ):
                    raise fail("OCC_CODE", f"{occ!r} is not a SOC code like 29-2072")
                title = _text(cells[i_title])
                if not title or len(title) > 300:
                    raise fail("OCC_TITLE", "the title is missing or longer than 300 characters")
                occ_id = occupation_index[occ] = len(occupation_index)
                occupation_titles[occ] = title

            area_key = (cells[i_type] if i_type is not None else None, cells[i_area] if has_area else None)
            area_id = area_cells.get(area_key)
            if area_id is None:
                try:
                    resolved = resolve_area(*area_key)
                except _CellError as exc:
                    raise fail(exc.column, str(exc)) from None
                area_id = area_index.get(resolved)
                if area_id is None:
                    title = _text(cells[i_area_title]) if i_area_title is not None else "United States"
                    if not title or len(title) > 200:
                        raise fail("AREA_TITLE", "the area title is missing or longer than 200 characters")
                    area_id = area_index[resolved] = len(areas)
                    areas.append(resolved)
                    area_titles.append(title)
                    prim = _text(cells[i_prim]) if i_prim is not None else ""
                    area_states.append(_principal_states(title, prim))
                area_cells[area_key] = area_id

            industry_key = (
                cells[i_naics] if i_naics is not None else None,
                cells[i_igroup] if i_igroup is not None else None,
                cells[i_own] if i_own is not None else None,
            )
            industry = industry_cells.get(industry_key)
            if industry is None:
                naics, igroup, own = (_text(c) for c in industry_key)
                if naics.isdigit():
                    naics = naics.zfill(6)
                cross = (i_naics is None and i_igroup is None) or (
                    naics == CROSS_INDUSTRY_NAICS or igroup.lower() == "cross-industry"
                )
                every_owner = own in ("", ALL_OWNERSHIPS)
                normalised = (naics, igroup.lower(), own)
                industry = industry_cells[industry_key] = (
                    industries.setdefault(normalised, len(industries)),
                    cross and every_owner,
                )

            key = (area_id, occ_id, industry[0])
            first = seen.get(key)
            if first is not None:
                raise fail(
                    DUPLICATE_KEY_COLUMNS,
                    f"duplicate key (area {areas[area_id][1]}, occupation {occ}, same industry, ownership) "
                    f"as row {first}",
                )
            seen[key] = row

            try:
                # Fast path for plain numbers; symbols, blanks and bad cells take the careful one.
                try:
                    if xlsx:
                        wages = [float(v) for v in wage_cells(cells)]
                    else:
                        wages = [float(v.replace(",", "")) for v in wage_cells(cells)]
                    if not isfinite(sum(wages)):
                        raise ValueError
                except (ValueError, TypeError, AttributeError):
                    wages = [_number(v) for v in wage_cells(cells)]
                employment = [_measure(v) for v in employment_cells(cells)]
            except ValueError:
                for column, i in zip(
                    [c for pair in WAGE_COLUMNS for c in pair] + employment_cols,
                    wage_idx + employment_idx,
                    strict=True,
                ):
                    try:
                        (_number if column.startswith(("H_", "A_")) else _measure)(cells[i])
                    except ValueError as exc:
                        raise fail(column, str(exc)) from None
                raise

            if not industry[1] or (occupations is not None and occ not in occupations):
                continue
            if i_ogroup is not None:
                group_cell = cells[i_ogroup]
                in_groups = group_cells.get(group_cell)
                if in_groups is None:
                    in_groups = group_cells[group_cell] = _text(group_cell).lower() in groups
                if not in_groups:
                    continue
            elif "detailed" not in groups:
                continue
            if (area_id, occ) in loaded_keys:
                raise fail(
                    DUPLICATE_KEY_COLUMNS, f"duplicate key (area {areas[area_id][1]}, occupation {occ})"
                )
            loaded_keys.add((area_id, occ))
            selected.append(
                _Selected(
                    row=row,
                    area=area_id,
                    occupation=occ,
                    area_title=_text(cells[i_area_title]) if i_area_title is not None else "United States",
                    occupation_title=_text(cells[i_title]),
                    wages=wages,
                    employment=employment,
                    annual_only=i_annual is not None and _flag(cells[i_annual]),
                    hourly_only=i_hourly is not None and _flag(cells[i_hourly]),
                )
            )

    if rows_read == 0:
        raise ImportFailed(f"{name}: the file has a header but no data rows.")
    if progress is not None:
        progress("reading", rows_read, rows_read)
    if occupations is not None:
        found = {s.occupation for s in selected}
        absent = sorted(occupations - found)
        if absent:
            raise ImportFailed(
                f"{name}: no rows to load for occupation {', '.join(absent)} "
                f"(cross-industry, all ownerships, groups: {', '.join(sorted(groups))})."
            )
    if not selected:
        raise ImportFailed(
            f"{name}: no rows to load (cross-industry, all ownerships, groups: {', '.join(sorted(groups))})."
        )
    return _Parsed(
        rows_read=rows_read,
        scope=_scope({t for t, _code in areas}),
        areas=areas,
        area_titles=area_titles,
        area_states=area_states,
        occupation_titles=occupation_titles,
        employment_fields=[EMPLOYMENT_COLUMNS[c] for c in employment_cols],
        selected=selected,
    )


def _table(model: Any) -> Any:
    return model.__table__


def _state_fips(engine: Engine | Connection) -> dict[str, tuple[str, str]]:
    area = _table(Area)
    with engine.connect() if isinstance(engine, Engine) else nullcontext(engine) as conn:
        rows = conn.execute(
            select(area.c.fips, area.c.area_type, area.c.code).where(
                area.c.area_type.in_(("state", "territory")), area.c.fips.is_not(None)
            )
        ).all()
    return {fips: (area_type, code) for fips, area_type, code in rows}


def _bulk_insert(
    conn: Connection, table: Any, columns: list[str], rows: list[tuple[Any, ...]], progress: Progress | None
) -> None:
    if not rows:
        return
    if conn.dialect.name == "postgresql":
        driver = conn.connection.driver_connection
        statement = f"COPY {table.name} ({', '.join(columns)}) FROM STDIN"
        with driver.cursor() as cursor, cursor.copy(statement) as copy:  # type: ignore[union-attr]
            for n, row in enumerate(rows, start=1):
                copy.write_row(row)
                if progress is not None and n % 20000 == 0:
                    progress(f"writing {table.name}", n, len(rows))
    elif conn.dialect.paramstyle == "qmark":
        # Plain tuples skip SQLAlchemy's per-row parameter processing, the bulk of the cost on SQLite.
        statement = (
            f"INSERT INTO {table.name} ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})"
        )
        for start in range(0, len(rows), _CHUNK):
            conn.exec_driver_sql(statement, rows[start : start + _CHUNK])
            if progress is not None:
                progress(f"writing {table.name}", min(start + _CHUNK, len(rows)), len(rows))
    else:
        for start in range(0, len(rows), _CHUNK):
            chunk = [dict(zip(columns, r, strict=True)) for r in rows[start : start + _CHUNK]]
            conn.execute(insert(table), chunk)
            if progress is not None:
                progress(f"writing {table.name}", min(start + _CHUNK, len(rows)), len(rows))
    if progress is not None:
        progress(f"writing {table.name}", len(rows), len(rows))


def _source_id(conn: Connection) -> int:
    source = _table(Source)
    found = conn.execute(select(source.c.id).where(source.c.key == SOURCE_KEY)).scalar()
    if found is not None:
        return int(found)
    return int(
        conn.execute(
            insert(source)
            .values(
                key=SOURCE_KEY,
                publisher="U.S. Bureau of Labor Statistics",
                title="Occupational Employment and Wage Statistics (OEWS)",
                kind="official_statistics",
                url="https://www.bls.gov/oes/",
            )
            .returning(source.c.id)
        ).scalar_one()
    )


def import_oews(
    engine: Engine,
    *,
    path: Path,
    occupations: Sequence[str] | None = None,
    period: str | None = None,
    groups: Sequence[str] = DEFAULT_GROUPS,
    replace: bool = False,
    progress: Progress | None = None,
    release_key: str | None = None,
    release_label: str | None = None,
    origin: str = "import",
    session: Session | None = None,
) -> ImportReport:
    """Validate a whole OEWS file, then load its selected rows as one release in one transaction.

    The seed passes its own ``session`` (the load then joins its transaction), ``origin="seed"`` and a
    release key of its own, so a later import of BLS's complete file of the same period is a release of
    its own instead of a conflict."""
    name = path.name
    if not path.is_file():
        raise ImportFailed(f"{path}: no such file.")
    chosen_groups = frozenset(g.strip().lower() for g in groups if g.strip())
    if "all" in chosen_groups:
        chosen_groups = frozenset(OCCUPATION_GROUPS)
    unknown = sorted(chosen_groups - set(OCCUPATION_GROUPS))
    if unknown or not chosen_groups:
        raise ImportFailed(
            f"Unknown occupation group {', '.join(unknown) or '(none)'}; "
            f"allowed: {', '.join(OCCUPATION_GROUPS)}, all."
        )
    wanted = None
    if occupations:
        wanted = frozenset(o.strip() for o in occupations)
        bad = sorted(o for o in wanted if not _SOC_CODE.fullmatch(o))
        if bad:
            raise ImportFailed(f"Not a SOC code: {', '.join(bad)} (expected the form 29-2072).")
    resolved_period = parse_period(period) if period else infer_period(name)
    if resolved_period is None:
        raise ImportFailed(
            f'{name}: cannot tell the period from the file name; pass --period, e.g. --period "May 2023".'
        )

    xlsx = _is_xlsx(path)
    checksum, lines, utf8 = _file_checksum(path, check_utf8=not xlsx)
    parsed = _parse(
        path,
        xlsx=xlsx,
        encoding="utf-8-sig" if utf8 else "cp1252",
        lines=lines,
        occupations=wanted,
        groups=chosen_groups,
        fips=_state_fips(session.connection() if session is not None else engine),
        progress=progress,
    )

    def load(into: Session) -> ImportReport:
        return _load(
            into,
            parsed=parsed,
            name=name,
            checksum=checksum,
            period=resolved_period,
            replace=replace,
            progress=progress,
            release_key=release_key,
            release_label=release_label,
            origin=origin,
        )

    if session is not None:
        return load(session)
    with Session(engine) as own:
        report = load(own)
        own.commit()
    return report


def _load(
    session: Session,
    *,
    parsed: _Parsed,
    name: str,
    checksum: str,
    period: Period,
    replace: bool,
    progress: Progress | None,
    release_key: str | None,
    release_label: str | None,
    origin: str,
) -> ImportReport:
    key = release_key or f"bls-oews-{period.year:04d}-{period.month:02d}-{parsed.scope}"
    label = release_label or f"BLS OEWS, {period.label} ({SCOPE_LABELS[parsed.scope]} file)"
    release_t, occupation_t, area_t = _table(Release), _table(Occupation), _table(Area)
    wage_t, employment_t = _table(WageStat), _table(AreaEmployment)
    report = ImportReport(
        release_key=key,
        label=label,
        file_name=name,
        status="created",
        rows_read=parsed.rows_read,
        rows_selected=len(parsed.selected),
        rows_loaded=0,
        wage_figures=0,
        areas_created=0,
        occupations_created=0,
        data_version=None,
    )
    conn = session.connection()
    # Concurrent imports (and seeds) queue here instead of colliding on the release's unique key.
    lock_writers(conn)
    existing = conn.execute(
        select(release_t.c.id, release_t.c.checksum, release_t.c.origin).where(release_t.c.key == key)
    ).first()
    present: set[tuple[int, int]] = set()
    if existing is not None:
        if existing.origin != origin:
            raise ImportFailed(
                f"{name}: release {key} exists and was loaded by {existing.origin}; it cannot be changed."
            )
        if existing.checksum != checksum and not replace:
            raise ImportFailed(
                f"{name}: release {key} was imported from a different file (sha256 {existing.checksum}); "
                "pass --replace to replace its figures."
            )
        if existing.checksum == checksum:
            report.status = "extended"
            present = {
                (r.occupation_id, r.area_id)
                for r in conn.execute(
                    select(employment_t.c.occupation_id, employment_t.c.area_id).where(
                        employment_t.c.release_id == existing.id
                    )
                )
            }
        else:
            report.status = "replaced"

    occupation_ids: dict[str, int] = {
        code: oid for code, oid in conn.execute(select(occupation_t.c.soc_code, occupation_t.c.id))
    }
    area_ids: dict[tuple[str, str], int] = {
        (t, c): i for i, t, c in conn.execute(select(area_t.c.id, area_t.c.area_type, area_t.c.code))
    }
    todo = [
        s
        for s in parsed.selected
        if (occupation_ids.get(s.occupation), area_ids.get(parsed.areas[s.area])) not in present
    ]
    if not todo:
        report.status = "unchanged"
        return report

    new_occupations = sorted({s.occupation for s in todo} - occupation_ids.keys())
    if new_occupations:
        conn.execute(
            insert(occupation_t),
            [{"soc_code": c, "title": parsed.occupation_titles[c], "aliases": "[]"} for c in new_occupations],
        )
        occupation_ids = {
            code: oid for code, oid in conn.execute(select(occupation_t.c.soc_code, occupation_t.c.id))
        }
        report.occupations_created = len(new_occupations)
    needed_areas = {s.area for s in todo}
    new_areas = []
    for index in sorted(needed_areas):
        area_type, code = parsed.areas[index]
        if (area_type, code) in area_ids:
            continue
        new_areas.append(
            {
                "area_type": area_type,
                "code": code,
                "name": "United States" if area_type == "national" else parsed.area_titles[index],
                "principal_states": json.dumps([] if area_type == "national" else parsed.area_states[index]),
            }
        )
    if new_areas:
        conn.execute(insert(area_t), new_areas)
        area_ids = {
            (t, c): i for i, t, c in conn.execute(select(area_t.c.id, area_t.c.area_type, area_t.c.code))
        }
        report.areas_created = len(new_areas)

    now = datetime.now(UTC)
    if existing is None:
        release_id = conn.execute(
            insert(release_t)
            .values(key=key, source_id=_source_id(conn), origin=origin, label=label)
            .returning(release_t.c.id)
        ).scalar_one()
    else:
        release_id = existing.id
        if report.status == "replaced":
            conn.execute(delete(wage_t).where(wage_t.c.release_id == release_id))
            conn.execute(delete(employment_t).where(employment_t.c.release_id == release_id))

    top_hourly, top_annual = period.top_codes
    wage_rows: list[tuple[Any, ...]] = []
    employment_rows: list[tuple[Any, ...]] = []
    keyed = sorted(
        ((occupation_ids[s.occupation], area_ids[parsed.areas[s.area]], s) for s in todo),
        key=lambda item: (item[0], item[1]),
    )
    # In unique-key order the indexes grow at their right edge instead of splitting pages at random.
    for occupation_id, area_id, s in keyed:
        citation = f"BLS OEWS file {name}, row {s.row}: {s.area_title}, {s.occupation_title}"
        for n, statistic in enumerate(STATISTICS):
            hourly, annual = s.wages[2 * n], s.wages[2 * n + 1]
            hourly_capped = hourly is _TOP
            annual_capped = annual is _TOP
            if hourly_capped:
                hourly = top_hourly
            if annual_capped:
                annual = top_annual
            if s.annual_only:
                hourly, hourly_capped = None, False
            if s.hourly_only:
                annual, annual_capped = None, False
            if hourly is None and annual is None:
                continue
            wage_rows.append(
                (
                    release_id,
                    occupation_id,
                    area_id,
                    statistic,
                    hourly,
                    annual,
                    False,
                    False,
                    hourly_capped,
                    annual_capped,
                    citation,
                )
            )
        employment_rows.append(
            (release_id, occupation_id, area_id, *s.employment, s.annual_only, s.hourly_only)
        )
    _bulk_insert(
        conn,
        wage_t,
        [
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
        ],
        wage_rows,
        progress,
    )
    _bulk_insert(
        conn,
        employment_t,
        [
            "release_id",
            "occupation_id",
            "area_id",
            *parsed.employment_fields,
            "annual_only",
            "hourly_only",
        ],
        employment_rows,
        progress,
    )
    conn.execute(
        update(release_t)
        .where(release_t.c.id == release_id)
        .values(
            label=label,
            period=period.label,
            period_start=period.start,
            file_name=name[:300],
            checksum=checksum,
            row_count=parsed.rows_read,
            rows_loaded=len(present) + len(todo),
            loaded_at=now,
        )
    )
    report.rows_loaded = len(todo)
    report.wage_figures = len(wage_rows)
    report.data_version = bump_data_version(session)
    return report
