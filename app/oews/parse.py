"""Reading and validating an OEWS file's rows; nothing here touches the database.

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

Every row read is checked, selected or not (see ``wage_problem``): wages from 0 to MAX_HOURLY_WAGE /
MAX_ANNUAL_WAGE; p10 <= p25 <= median <= p75 <= p90 in each unit, a top-coded ``#`` only at the top; hourly
x 2,080 within ANNUAL_TOLERANCE of annual unless the row is flagged ANNUAL (annual only) or HOURLY (hourly
only); employment measures not below zero.

By default only cross-industry rows (NAICS 000000 or I_GROUP cross-industry) for all ownerships (OWN_CODE
1235) and detailed occupations are kept: the schema keys figures by release, occupation and area, with no
industry or ownership. The kept rows are packed in flat arrays (about 200 bytes a row), not objects.
"""

from __future__ import annotations

import calendar
import re
from array import array
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from math import inf, isfinite, nan
from operator import itemgetter
from pathlib import Path
from typing import Any

from app.domain.models import EMPLOYMENT_FIELDS, HOURS_PER_YEAR, MAX_ANNUAL_WAGE, MAX_HOURLY_WAGE
from app.errors import ImportFailed
from app.oews.files import FileFacts, open_table

Progress = Callable[[str, int, int | None], None]

WAGE_COLUMNS = (
    ("H_PCT10", "A_PCT10"),
    ("H_PCT25", "A_PCT25"),
    ("H_MEDIAN", "A_MEDIAN"),
    ("H_PCT75", "A_PCT75"),
    ("H_PCT90", "A_PCT90"),
    ("H_MEAN", "A_MEAN"),
)
# The first five pairs are the percentiles, lowest first.
PERCENTILE_PAIRS = 5
# BLS's column for each of our employment fields, in EMPLOYMENT_FIELDS order.
EMPLOYMENT_COLUMNS = dict(
    zip(
        ("TOT_EMP", "EMP_PRSE", "JOBS_1000", "LOC_QUOTIENT", "MEAN_PRSE", "PCT_TOTAL", "PCT_RPT"),
        EMPLOYMENT_FIELDS,
        strict=True,
    )
)
COLUMN_ALIASES = {"OCC_GROUP": "O_GROUP", "AREA_NAME": "AREA_TITLE"}
AREA_TYPE_CODES = {"1": "national", "2": "state", "3": "territory", "4": "metro", "6": "nonmetro"}
OCCUPATION_GROUPS = ("total", "major", "minor", "broad", "detailed")
DEFAULT_GROUPS = ("detailed",)
DUPLICATE_KEY_COLUMNS = "AREA, OCC_CODE, NAICS, I_GROUP, OWN_CODE"
CROSS_INDUSTRY_NAICS = "000000"
ALL_OWNERSHIPS = "1235"
# BLS raised its top code with the May 2023 estimates; earlier files cap at $100.00 / $208,000.
# What a "#" stands for, as BLS prints it in each file's footnote 5 ("the wage is equal to or greater than
# $115.00 per hour or $239,200 per year"; $100.00 / $208,000 in files before May 2023). Kept as published.
TOP_CODES = ((date(2023, 5, 1), 115.0, 239_200.0), (date.min, 100.0, 208_000.0))
# BLS publishes annual = hourly x 2,080, the hourly rounded to the cent (up to $10.40 a year off) and the
# annual to $10 ($5 off): at most $15.40 apart. The full May 2025 release's widest gap is $15.20.
ANNUAL_TOLERANCE = 25.0
# Bits of the packed per-row flags.
ANNUAL_ONLY, HOURLY_ONLY = 1, 2

_NULL_SYMBOLS = frozenset({"", "*", "**", "~"})
_TOP = object()
SOC_CODE = re.compile(r"\d{2}-\d{4}")
_NATIONAL_FILE = re.compile(r"national|oesm\d{2}nat")
_TRUE = frozenset({"TRUE", "T", "YES", "Y", "1"})


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
class Parsed:
    """A validated file: its areas and occupations, and the selected rows packed in flat arrays (row i's
    wages are ``wages[12 i : 12 i + 12]``, NaN where the file has none, bit n of ``capped[i]`` set where
    the nth wage is BLS's top code)."""

    rows_read: int
    scope: str
    areas: list[tuple[str, str]]
    area_titles: list[str]
    area_states: list[list[str]]
    occupation_titles: dict[str, str]
    employment_fields: list[str]
    occupations: list[str] = field(default_factory=list)
    titles: list[str] = field(default_factory=list)
    row: array[int] = field(default_factory=lambda: array("q"))
    area: array[int] = field(default_factory=lambda: array("l"))
    occupation: array[int] = field(default_factory=lambda: array("l"))
    area_title: array[int] = field(default_factory=lambda: array("l"))
    occupation_title: array[int] = field(default_factory=lambda: array("l"))
    wages: array[float] = field(default_factory=lambda: array("d"))
    capped: array[int] = field(default_factory=lambda: array("H"))
    employment: array[float] = field(default_factory=lambda: array("d"))
    flags: array[int] = field(default_factory=lambda: array("B"))

    def __len__(self) -> int:
        return len(self.row)


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


def check_period(period: Period, name: str, *, today: date | None = None) -> None:
    """Refuse a reference period that has not begun: no survey can have measured it."""
    today = today or datetime.now(UTC).date()
    if period.start > today:
        raise ImportFailed(
            f"{name}: the period {period.label} is in the future (today is {today.isoformat()}); "
            "pass --period if the file name does not give the survey's period."
        )


def _text(value: Any) -> str:
    if value is None:
        return ""
    if value.__class__ is str:
        return value.strip()
    return str(value).strip()


def _number(value: Any) -> Any:
    """A float, None for a not-available symbol, or _TOP for '#'; ValueError for anything else."""
    if value is None or value in _NULL_SYMBOLS:
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
    if not isfinite(number):
        raise ValueError(f"{value!r} is not a number")
    return number


def _measure(value: Any) -> float | None:
    number = _number(value)
    if number is _TOP:
        raise ValueError("'#' (top-coded) is only allowed in wage columns")
    if number is not None and number < 0:
        raise ValueError(f"{_shown(number)} is below zero")
    return number  # type: ignore[no-any-return]


def _flag(value: Any) -> bool:
    return _text(value).upper() in _TRUE


def _shown(value: float) -> str:
    if abs(value) < 1e12:
        return f"{value:,.2f}".removesuffix(".00")
    return f"{value:.3g}"


def wage_problem(
    wages: Sequence[Any], *, top_codes: tuple[float, float], flags: int
) -> tuple[str, str] | None:
    """(columns, message) of the first nonsense in a row's twelve wages (WAGE_COLUMNS order; floats, None
    or _TOP), or None when they are plausible."""
    for n, pair in enumerate(WAGE_COLUMNS):
        bounds = (MAX_HOURLY_WAGE, MAX_ANNUAL_WAGE)
        for value, column, bound in zip(wages[2 * n : 2 * n + 2], pair, bounds, strict=True):
            if value is None or value is _TOP:
                continue
            if value < 0:
                return column, f"the wage {_shown(value)} is below zero"
            if value > bound:
                unit = "an hourly" if column.startswith("H_") else "an annual"
                return column, (
                    f"{_shown(value)} is not {unit} wage (the bound is {_shown(bound)}; "
                    f"BLS top-codes at {_shown(top_codes[column.startswith('A_')])})"
                )
    for side in (0, 1):
        previous: tuple[str, Any] | None = None
        for n in range(PERCENTILE_PAIRS):
            value, column = wages[2 * n + side], WAGE_COLUMNS[n][side]
            if value is None:
                continue
            if previous is not None:
                before, earlier = previous
                if earlier is _TOP and value is not _TOP:
                    return column, f"{_shown(value)} follows {before}, which is top-coded (#)"
                if value is not _TOP and earlier is not _TOP and value < earlier:
                    return column, (
                        f"{_shown(value)} is below {before} ({_shown(earlier)}); "
                        "percentiles must not decrease"
                    )
            previous = (column, value)
    if flags:
        return None
    top_hourly, top_annual = top_codes
    for n, (h_column, a_column) in enumerate(WAGE_COLUMNS):
        hourly, annual = wages[2 * n], wages[2 * n + 1]
        if hourly is None or annual is None or hourly is _TOP and annual is _TOP:
            continue
        low = (top_hourly if hourly is _TOP else hourly) * HOURS_PER_YEAR - ANNUAL_TOLERANCE
        high = MAX_ANNUAL_WAGE if hourly is _TOP else hourly * HOURS_PER_YEAR + ANNUAL_TOLERANCE
        value = top_annual if annual is _TOP else annual
        if not (value <= high if annual is _TOP else low <= value <= high):
            shown_hourly = "# (top-coded)" if hourly is _TOP else _shown(hourly)
            shown_annual = "# (top-coded)" if annual is _TOP else _shown(annual)
            return f"{h_column}, {a_column}", (
                f"hourly {shown_hourly} and annual {shown_annual} disagree: annual must be hourly x "
                f"{HOURS_PER_YEAR:,} hours within ${ANNUAL_TOLERANCE:,.0f} (BLS rounding), unless ANNUAL or "
                "HOURLY flags the row as publishing one of them only"
            )
    return None


def _plausible(wages: list[float], flags: int) -> bool:
    """The common case of wage_problem, for twelve plain numbers, in a fraction of its time: True exactly
    when wage_problem finds nothing wrong with them."""
    h10, a10, h25, a25, h50, a50, h75, a75, h90, a90, h_mean, a_mean = wages
    if not (
        0.0 <= h10 <= h25 <= h50 <= h75 <= h90 <= MAX_HOURLY_WAGE
        and 0.0 <= a10 <= a25 <= a50 <= a75 <= a90 <= MAX_ANNUAL_WAGE
        and 0.0 <= h_mean <= MAX_HOURLY_WAGE
        and 0.0 <= a_mean <= MAX_ANNUAL_WAGE
    ):
        return False
    if flags:
        return True
    return (
        abs(h10 * HOURS_PER_YEAR - a10) <= ANNUAL_TOLERANCE
        and abs(h25 * HOURS_PER_YEAR - a25) <= ANNUAL_TOLERANCE
        and abs(h50 * HOURS_PER_YEAR - a50) <= ANNUAL_TOLERANCE
        and abs(h75 * HOURS_PER_YEAR - a75) <= ANNUAL_TOLERANCE
        and abs(h90 * HOURS_PER_YEAR - a90) <= ANNUAL_TOLERANCE
        and abs(h_mean * HOURS_PER_YEAR - a_mean) <= ANNUAL_TOLERANCE
    )


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


class _CellError(Exception):
    def __init__(self, column: str, message: str) -> None:
        super().__init__(message)
        self.column = column


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


def parse(
    path: Path,
    *,
    facts: FileFacts,
    xlsx: bool,
    period: Period,
    occupations: frozenset[str] | None,
    groups: frozenset[str],
    fips: dict[str, tuple[str, str]],
    progress: Progress | None,
) -> Parsed:
    """Read and validate every row of the file; keep the selected ones, packed."""
    name = path.name
    top_codes = period.top_codes
    with open_table(path, facts=facts, xlsx=xlsx) as (header, rows, estimate):
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
        wage_names = [c for pair in WAGE_COLUMNS for c in pair]
        wage_idx = [col[c] for c in wage_names]
        employment_cols = [c for c in EMPLOYMENT_COLUMNS if c in col]
        employment_idx = [col[c] for c in employment_cols]
        wage_cells = _getter(wage_idx)
        employment_cells = _getter(employment_idx)

        resolve_area = _AreaResolver(fips=fips, has_type=i_type is not None, has_area=has_area)
        out = Parsed(
            rows_read=0,
            scope="",
            areas=[],
            area_titles=[],
            area_states=[],
            occupation_titles={},
            employment_fields=[EMPLOYMENT_COLUMNS[c] for c in employment_cols],
        )
        area_index: dict[tuple[str, str], int] = {}
        areas, area_titles, area_states = out.areas, out.area_titles, out.area_states
        area_cells: dict[tuple[Any, Any], int] = {}
        industry_cells: dict[tuple[Any, Any, Any], tuple[int, bool]] = {}
        industries: dict[tuple[str, str, str], int] = {}
        group_cells: dict[Any, bool] = {}
        occupation_titles = out.occupation_titles
        occupation_index: dict[str, int] = {}
        title_index: dict[str, int] = {}
        seen: dict[tuple[int, int, int], int] = {}
        loaded_keys: set[tuple[int, int]] = set()
        rows_read = 0
        row = 1

        def fail(column: str, message: str) -> ImportFailed:
            label = "columns" if "," in column else "column"
            return ImportFailed(f"{name}, row {row}, {label} {column}: {message}.")

        def title_of(text: str) -> int:
            found = title_index.get(text)
            if found is None:
                found = title_index[text] = len(out.titles)
                out.titles.append(text)
            return found

        for row, cells in rows:
            if len(cells) < width:
                cells = [*cells, *([""] * (width - len(cells)))]
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
                if not SOC_CODE.fullmatch(occ):
                    raise fail("OCC_CODE", f"{occ!r} is not a SOC code like 29-2072")
                title = _text(cells[i_title])
                if not title or len(title) > 300:
                    raise fail("OCC_TITLE", "the title is missing or longer than 300 characters")
                occ_id = occupation_index[occ] = len(occupation_index)
                occupation_titles[occ] = title
                out.occupations.append(occ)

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

            flags = (ANNUAL_ONLY if i_annual is not None and _flag(cells[i_annual]) else 0) | (
                HOURLY_ONLY if i_hourly is not None and _flag(cells[i_hourly]) else 0
            )
            try:
                # Fast path for plain numbers; symbols, blanks and bad cells take the careful one.
                try:
                    # A thousands separator, a symbol or a missing cell leaves for the careful path.
                    wages: list[Any] = [float(v) for v in wage_cells(cells)]
                    if not isfinite(sum(wages)) or not _plausible(wages, flags):
                        raise ValueError
                    capped = 0
                except (ValueError, TypeError):
                    wages = [_number(v) for v in wage_cells(cells)]
                    problem = wage_problem(wages, top_codes=top_codes, flags=flags)
                    if problem is not None:
                        raise fail(*problem) from None
                    capped = sum(1 << n for n, v in enumerate(wages) if v is _TOP)
                    wages = [nan if v is None or v is _TOP else v for v in wages]
                # The same two paths: plain numbers and blanks first, anything else the careful way.
                try:
                    employment = [float(v) if v else None for v in employment_cells(cells)]
                    if not all(v is None or 0.0 <= v < inf for v in employment):
                        raise ValueError
                except ValueError:
                    employment = [_measure(v) for v in employment_cells(cells)]
            except ValueError:
                for column, i in zip(wage_names + employment_cols, wage_idx + employment_idx, strict=True):
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
            if (area_id, occ_id) in loaded_keys:
                raise fail(
                    DUPLICATE_KEY_COLUMNS, f"duplicate key (area {areas[area_id][1]}, occupation {occ})"
                )
            loaded_keys.add((area_id, occ_id))
            out.row.append(row)
            out.area.append(area_id)
            out.occupation.append(occ_id)
            out.area_title.append(
                title_of(_text(cells[i_area_title]) if i_area_title is not None else "United States")
            )
            out.occupation_title.append(title_of(_text(cells[i_title])))
            out.wages.extend(wages)
            out.capped.append(capped)
            out.employment.extend([nan if v is None else v for v in employment])
            out.flags.append(flags)

    if rows_read == 0:
        raise ImportFailed(f"{name}: the file has a header but no data rows.")
    if progress is not None:
        progress("reading", rows_read, rows_read)
    if occupations is not None:
        found = {out.occupations[i] for i in set(out.occupation)}
        absent = sorted(occupations - found)
        if absent:
            raise ImportFailed(
                f"{name}: no rows to load for occupation {', '.join(absent)} "
                f"(cross-industry, all ownerships, groups: {', '.join(sorted(groups))})."
            )
    if not len(out):
        raise ImportFailed(
            f"{name}: no rows to load (cross-industry, all ownerships, groups: {', '.join(sorted(groups))})."
        )
    out.rows_read = rows_read
    out.scope = _scope({t for t, _code in areas})
    return out
