"""Loading a validated OEWS file as one release per file, in one transaction; ``import_oews`` is the entry.

Each file is one release, ``bls-oews-YYYY-MM-<scope>``, the scope (national, state, metro, all) following
from the area types in the file. Importing the same file again only adds rows an earlier, narrower selection
left out, so an identical run changes nothing; a different file under the same key needs ``replace``.
Existing areas and occupations keep their names: the seed owns the article's metros, and an older file
carries older titles. Rows are written in batches from the packed parse, so memory does not hold every
figure as an object at once.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Sequence
from contextlib import nullcontext
from dataclasses import dataclass
from datetime import UTC, datetime
from itertools import islice
from pathlib import Path
from typing import Any

from sqlalchemy import delete, insert, select, update
from sqlalchemy.engine import Connection, Engine
from sqlmodel import Session

from app.db import lock_writers
from app.domain.models import (
    STATISTIC_BITS,
    STATISTICS,
    WAGE_COLUMNS,
    Area,
    AreaEmployment,
    Occupation,
    Release,
    Source,
    WageCell,
    bump_data_version,
    wage_bit,
)
from app.domain.release_check import BLS_SOURCE_KEY
from app.errors import ImportFailed
from app.oews.files import file_facts, is_xlsx
from app.oews.parse import (
    ANNUAL_ONLY,
    DEFAULT_GROUPS,
    HOURLY_ONLY,
    OCCUPATION_GROUPS,
    SOC_CODE,
    Parsed,
    Period,
    Progress,
    check_period,
    infer_period,
    parse,
    parse_period,
)

SOURCE_KEY = BLS_SOURCE_KEY
# The scope of a release: the one the file's area types give, or (fetch-oews) that of BLS's nonmetro
# workbook, which shares the metro zip.
SCOPE_LABELS = {
    "national": "national",
    "state": "state",
    "metro": "metro",
    "nonmetro": "nonmetro",
    "all": "all-data",
}
_CHUNK = 20000


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


@dataclass(frozen=True, slots=True)
class _Release:
    """The release an import writes: its key and label, the period it covers, who loads it."""

    key: str
    label: str
    period: Period
    origin: str


def official_release_key(period: Period, scope: str) -> str:
    """The key of the release of one official file: ``bls-oews-2025-05-state``."""
    return f"bls-oews-{period.year:04d}-{period.month:02d}-{scope}"


def official_release_label(period: Period, scope: str) -> str:
    """The label of the release of one official file: "BLS OEWS, May 2025 (state file)"."""
    return f"BLS OEWS, {period.label} ({SCOPE_LABELS[scope]} file)"


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
    conn: Connection,
    table: Any,
    columns: list[str],
    rows: Iterable[tuple[Any, ...]],
    progress: Progress | None,
) -> int:
    """Write rows as they come, in batches (COPY on PostgreSQL); returns how many."""
    written = 0
    phase = f"writing {table.name}"
    if conn.dialect.name == "postgresql":
        driver = conn.connection.driver_connection
        statement = f"COPY {table.name} ({', '.join(columns)}) FROM STDIN"
        with driver.cursor() as cursor, cursor.copy(statement) as copy:  # type: ignore[union-attr]
            for row in rows:
                copy.write_row(row)
                written += 1
                if progress is not None and written % _CHUNK == 0:
                    progress(phase, written, None)
    else:
        # Plain tuples skip SQLAlchemy's per-row parameter processing, the bulk of the cost on SQLite.
        statement = (
            f"INSERT INTO {table.name} ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})"
        )
        iterator = iter(rows)
        while chunk := list(islice(iterator, _CHUNK)):
            if conn.dialect.paramstyle == "qmark":
                conn.exec_driver_sql(statement, chunk)
            else:
                conn.execute(insert(table), [dict(zip(columns, r, strict=True)) for r in chunk])
            written += len(chunk)
            if progress is not None:
                progress(phase, written, None)
    if progress is not None:
        progress(phase, written, written)
    return written


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


# SQLite's page cache while importing (KiB; its default is 2,000): the indexes of a full release are
# built with fewer reads and writes of the same pages.
IMPORT_CACHE_KIB = 16_384


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
    if path.is_dir():
        raise ImportFailed(f"{path}: a directory, not a file; give the path of the download file itself.")
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
        bad = sorted(o for o in wanted if not SOC_CODE.fullmatch(o))
        if bad:
            raise ImportFailed(f"Not a SOC code: {', '.join(bad)} (expected the form 29-2072).")
    resolved_period = parse_period(period) if period else infer_period(name)
    if resolved_period is None:
        raise ImportFailed(
            f'{name}: cannot tell the period from the file name; pass --period, e.g. --period "May 2023".'
        )

    check_period(resolved_period, name)

    try:
        xlsx = is_xlsx(path)
        facts = file_facts(path, text=not xlsx)
    except OSError as exc:
        raise ImportFailed(f"{name}: cannot read the file ({exc.strerror or type(exc).__name__}).") from None
    parsed = parse(
        path,
        facts=facts,
        xlsx=xlsx,
        period=resolved_period,
        occupations=wanted,
        groups=chosen_groups,
        fips=_state_fips(session.connection() if session is not None else engine),
        progress=progress,
    )

    release = _Release(
        key=release_key or official_release_key(resolved_period, parsed.scope),
        label=release_label or official_release_label(resolved_period, parsed.scope),
        period=resolved_period,
        origin=origin,
    )

    def load(into: Session) -> ImportReport:
        return _load(
            into, parsed, release, name=name, checksum=facts.checksum, replace=replace, progress=progress
        )

    if session is not None:
        return load(session)
    with Session(engine) as own:
        if engine.dialect.name != "sqlite":
            report = load(own)
            own.commit()
            return report
        # The pooled connection goes back with the page cache it had, whether the import loads or fails.
        connection = own.connection()
        before = connection.exec_driver_sql("PRAGMA cache_size").scalar()
        connection.exec_driver_sql(f"PRAGMA cache_size=-{IMPORT_CACHE_KIB}")
        try:
            report = load(own)
            own.commit()
        finally:
            own.connection().exec_driver_sql(f"PRAGMA cache_size={int(before or 0)}")
    return report


def _load(
    session: Session,
    parsed: Parsed,
    release: _Release,
    *,
    name: str,
    checksum: str,
    replace: bool,
    progress: Progress | None,
) -> ImportReport:
    key, label, period, origin = release.key, release.label, release.period, release.origin
    release_t, occupation_t, area_t = _table(Release), _table(Occupation), _table(Area)
    wage_t, employment_t = _table(WageCell), _table(AreaEmployment)
    report = ImportReport(
        release_key=key,
        label=label,
        file_name=name,
        status="created",
        rows_read=parsed.rows_read,
        rows_selected=len(parsed),
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
    codes = parsed.occupations
    area_keys = [area_ids.get(a) for a in parsed.areas]
    todo = [
        i
        for i, (occ, area) in enumerate(zip(parsed.occupation, parsed.area, strict=True))
        if (occupation_ids.get(codes[occ]), area_keys[area]) not in present
    ]
    if not todo:
        report.status = "unchanged"
        return report

    new_occupations = sorted({codes[parsed.occupation[i]] for i in todo} - occupation_ids.keys())
    if new_occupations:
        conn.execute(
            insert(occupation_t),
            [{"soc_code": c, "title": parsed.occupation_titles[c], "aliases": "[]"} for c in new_occupations],
        )
        occupation_ids = {
            code: oid for code, oid in conn.execute(select(occupation_t.c.soc_code, occupation_t.c.id))
        }
        report.occupations_created = len(new_occupations)
    needed_areas = {parsed.area[i] for i in todo}
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

    # Ids of every occupation and area of the file; those of unselected rows only (-1) are never read.
    occupation_of = [occupation_ids.get(code, -1) for code in codes]
    area_of = [area_ids.get(a, -1) for a in parsed.areas]
    # In key order the indexes grow at their right edge instead of splitting pages at random.
    todo.sort(key=lambda i: (occupation_of[parsed.occupation[i]], area_of[parsed.area[i]]))
    cells = _WageCells(parsed, todo, release_id, occupation_of, area_of, name=name, period=period)
    _bulk_insert(conn, wage_t, list(_WageCells.COLUMNS), cells, progress)
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
        _employment_rows(parsed, todo, release_id, occupation_of, area_of),
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
    report.wage_figures = cells.figures
    report.data_version = bump_data_version(session)
    return report


class _WageCells:
    """The wage_cell rows of the selected file rows ``todo`` (none for a row without a wage), in the order
    given; ``figures`` counts the statistics written."""

    COLUMNS = ("occupation_id", "release_id", "area_id", *WAGE_COLUMNS, "flags", "citation")
    # Every statistic published, none derived or capped: the flags of almost every row of a BLS file.
    ALL_PUBLISHED = sum(wage_bit(s) for s in STATISTICS)
    CAPPED = (wage_bit(STATISTICS[0], "hourly_capped"), wage_bit(STATISTICS[0], "annual_capped"))

    def __init__(
        self,
        parsed: Parsed,
        todo: list[int],
        release_id: int,
        occupation_of: list[int],
        area_of: list[int],
        *,
        name: str,
        period: Period,
    ) -> None:
        self.parsed, self.todo, self.release_id = parsed, todo, release_id
        self.occupation_of, self.area_of = occupation_of, area_of
        self.name, self.top_codes = name, period.top_codes
        self.figures = 0

    def __iter__(self) -> Iterator[tuple[Any, ...]]:
        parsed, release_id, name = self.parsed, self.release_id, self.name
        occupation_of, area_of, titles = self.occupation_of, self.area_of, parsed.titles
        width = len(WAGE_COLUMNS)
        for i in self.todo:
            values = parsed.wages[width * i : width * (i + 1)].tolist()
            capped, flags = parsed.capped[i], parsed.flags[i]
            total = sum(values)
            if capped or flags or total != total:
                bits, count = self._exceptions(values, capped, flags)
                if not bits:
                    continue
            else:
                bits, count = self.ALL_PUBLISHED, len(STATISTICS)
            self.figures += count
            yield (
                occupation_of[parsed.occupation[i]],
                release_id,
                area_of[parsed.area[i]],
                *values,
                bits,
                f"BLS OEWS file {name}, row {parsed.row[i]}: "
                f"{titles[parsed.area_title[i]]}, {titles[parsed.occupation_title[i]]}",
            )

    def _exceptions(self, values: list[Any], capped: int, flags: int) -> tuple[int, int]:
        """A row with top codes, missing values or one unit only: ``values`` made what is stored (the top
        code for "#", None for "not available" and for the unit not published), and (flags, statistics)."""
        bits = count = 0
        for n in range(len(STATISTICS)):
            published = 0
            for unit in (0, 1):
                k = 2 * n + unit
                if flags & (HOURLY_ONLY if unit else ANNUAL_ONLY):
                    values[k] = None
                elif capped >> k & 1:
                    values[k] = self.top_codes[unit]
                    published |= 1 | self.CAPPED[unit]
                elif values[k] != values[k]:
                    values[k] = None
                else:
                    published |= 1
            if published:
                bits |= published << (STATISTIC_BITS * n)
                count += 1
        return bits, count


def _employment_rows(
    parsed: Parsed, todo: list[int], release_id: int, occupation_of: list[int], area_of: list[int]
) -> Iterator[tuple[Any, ...]]:
    """The area_employment rows of the selected file rows ``todo``."""
    width = len(parsed.employment_fields)
    for i in todo:
        measures = [None if v != v else v for v in parsed.employment[width * i : width * (i + 1)]]
        flags = parsed.flags[i]
        yield (
            release_id,
            occupation_of[parsed.occupation[i]],
            area_of[parsed.area[i]],
            *measures,
            bool(flags & ANNUAL_ONLY),
            bool(flags & HOURLY_ONLY),
        )
