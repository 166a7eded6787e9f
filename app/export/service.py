"""The whole dataset as one file: a zip of CSVs (one per table, with a README) or a SQLite database.

The layout is versioned (LAYOUT_VERSION, in the README of the zip and the ``user_version`` of the SQLite
file). The wage figures are stored one row per cell (``wage_cell``) and exported in their documented
layout, one row per statistic (``wage_stat``): a CSV in the zip, a view over ``wage_cell`` in the SQLite
file.

Rows stream from the database in chunks straight into the file (a server-side cursor or COPY on PostgreSQL;
on a SQLite file, SQLite copies the tables itself), so memory stays bounded whatever the size of the data.
The file is written under a temporary name and renamed when complete, so a reader never sees half of it.
The output depends only on the data, so one data version always gives the same bytes.
"""

import contextlib
import csv
import io
import os
import sqlite3
import tempfile
import threading
import zipfile
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum
from pathlib import Path
from typing import IO, Any

from sqlalchemy import (
    Boolean,
    ColumnElement,
    Date,
    DateTime,
    Float,
    String,
    Table,
    Text,
    TypeDecorator,
    case,
    cast,
    false,
    func,
    literal,
    literal_column,
    select,
    true,
)
from sqlalchemy.dialects import sqlite as sqlite_dialect
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.schema import CreateIndex, CreateTable

from app.csvsafe import FORMULA_PREFIXES, NEUTRALISER, neutralise
from app.db import metadata
from app.domain.models import (  # (also registers every table on the metadata)
    CITATION_COLUMNS,
    STATISTIC_BITS,
    STATISTICS,
    WAGE_FLAGS,
    wage_statistics,
)


class ExportFormat(StrEnum):
    """Format of the whole-dataset export: a zip of one CSV per table, or one SQLite file."""

    zip = "zip"
    sqlite = "sqlite"


EXPORT_FORMATS = tuple(f.value for f in ExportFormat)
CHUNK_ROWS = 5_000
COMPRESS_LEVEL = 1
SQLITE = sqlite_dialect.dialect()
Row = tuple[Any, ...]
LITERAL = {"literal_binds": True}
# 1: one table per CSV and per SQLite table, wage_stat among them. 2: the same CSVs (wage_stat.csv's ids now
# follow the order of its rows); the SQLite file holds wage_cell, and wage_stat as a view over it.
LAYOUT_VERSION = 2
# The wage figures' documented layout, one row per statistic; the database stores them as wage_cell.
WAGE_STAT = "wage_stat"
README = """salary-api dataset export
data_version: {version}
data_updated_at: {updated_at}
layout: {layout}

One CSV per table. Every figure (wage_stat, benchmark, experience_level, pay_factor) points at a release
(release.csv), and every release at its source (source.csv) and, when quoted, the article (via_source_id).
wage_stat.citation holds the sentence or file row each figure came from; *_derived marks values computed
by us (hourly = annual / 2080), *_capped marks BLS top-coded wages (at or above the value). Booleans are
written true and false.

Layout 2 (since the database stores wages one row per cell): the CSVs are those of layout 1; wage_stat.csv
is ordered by release cell (occupation_id, release_id, area_id) and statistic, and its id counts in that
order. The SQLite export stores the wages as wage_cell, one row per (occupation, release, area) with each
statistic's hourly and annual as columns, and serves wage_stat, with the columns above, as a view of it.
"""
# Zip entries carry the data's time, not the build's, so every build of one version is byte-identical.
EPOCH = (1980, 1, 1, 0, 0, 0)


class ExportFailed(Exception):
    """The database or the disk failed during a build."""


class ExportStopped(ExportFailed):
    """The build was asked to stop (the process is shutting down)."""


@dataclass(frozen=True)
class ExportFile:
    """A finished export: where it is, which data version it holds and how large it is."""

    path: Path
    fmt: str
    version: int
    updated_at: datetime | None
    size: int


@contextlib.contextmanager
def _snapshot(engine: Engine) -> Iterator[Connection]:
    """A read-only connection that sees one consistent state of the database for the whole build."""
    with engine.connect() as conn:
        if conn.dialect.name == "postgresql":
            conn = conn.execution_options(isolation_level="REPEATABLE READ")
            with conn.begin():
                conn.exec_driver_sql("SET TRANSACTION READ ONLY")
                yield conn
            return
        # pysqlite opens no transaction for reads: without one each table would be read at its own moment.
        conn.exec_driver_sql("BEGIN")
        try:
            yield conn
        finally:
            conn.rollback()


def _version(conn: Connection) -> tuple[int, datetime | None]:
    table = metadata.tables["data_version"]
    row = conn.execute(select(table.c.version, table.c.updated_at)).first()
    return (0, None) if row is None else (int(row[0]), row[1])


def _base_type(column: ColumnElement[Any]) -> Any:
    return column.type.impl_instance if isinstance(column.type, TypeDecorator) else column.type


def _select(table: Table, dialect: Any, *, as_csv: bool = False) -> str:
    """The table's rows in primary-key order, as SQL; ``as_csv`` spells booleans true/false on every
    backend and, on PostgreSQL, whole floats with ".0" and times as SQLite holds them, so both backends
    write the same text; text a spreadsheet would run as a formula gets an apostrophe (app.csvsafe)."""
    columns: list[Any] = list(table.columns)
    if as_csv:
        for i, c in enumerate(table.columns):
            if isinstance(c.type, Boolean):
                columns[i] = case((c == true(), literal("true")), (c == false(), literal("false")))
            elif isinstance(c.type, Float) and dialect.name == "postgresql":
                text = cast(c, Text)
                columns[i] = case((text.regexp_match("^-?[0-9]+$"), text + literal(".0")), else_=text)
            elif isinstance(_base_type(c), DateTime) and dialect.name == "postgresql":
                # UTC without an offset, as the SQLite backend stores it.
                columns[i] = func.to_char(func.timezone("UTC", c), "YYYY-MM-DD HH24:MI:SS.US")
            elif isinstance(_base_type(c), String):
                formula = func.substr(c, 1, 1).in_([literal(p) for p in FORMULA_PREFIXES])
                columns[i] = case((formula, literal(NEUTRALISER) + c), else_=c)
            columns[i] = columns[i].label(c.name)
    query = select(*columns).order_by(*table.primary_key.columns)
    return str(query.compile(dialect=dialect, compile_kwargs=LITERAL))


def _wage_stat_view() -> str:
    """The SQLite export's wage_stat view. Its cells are copied in key order, so a cell's rowid is its
    position in that order, and the ids are those of wage_stat.csv."""
    cells = metadata.tables["wage_cell"]
    numbered = select(cells, literal_column("rowid").label("ordinal")).subquery("wage_cell")
    view = wage_statistics(numbered).compile(dialect=SQLITE, compile_kwargs=LITERAL)
    return f"CREATE VIEW {WAGE_STAT} AS {view}"


def _driver(conn: Connection) -> Any:
    # Plain driver rows: SQLAlchemy's per-row result processing would double the build time.
    driver = conn.connection.dbapi_connection
    assert driver is not None
    return driver


def _rows(conn: Connection, sql: str, stop: threading.Event | None) -> Iterator[Sequence[Row]]:
    """The query's rows a chunk at a time, as the driver returns them (a server-side cursor on PostgreSQL)."""
    driver = _driver(conn)
    cursor = (
        driver.cursor(name="salary_api_export", binary=True)
        if conn.dialect.name == "postgresql"
        else driver.cursor()
    )
    try:
        cursor.execute(sql)
        while rows := cursor.fetchmany(CHUNK_ROWS):
            if stop is not None and stop.is_set():
                raise ExportStopped
            yield rows
    finally:
        cursor.close()


def _write_csv(conn: Connection, table: Table, raw: IO[bytes], stop: threading.Event | None) -> None:
    """One table as CSV; PostgreSQL writes it itself (COPY), in its own process, a block at a time."""
    if table.name == "wage_cell":
        _write_wage_stat(conn, table, raw, stop)
        return
    sql = _select(table, conn.dialect, as_csv=True)
    if conn.dialect.name == "postgresql":
        raw.write((",".join(table.columns.keys()) + "\n").encode())
        with _driver(conn).cursor() as cursor, cursor.copy(f"COPY ({sql}) TO STDOUT (FORMAT csv)") as copy:
            for block in copy:
                if stop is not None and stop.is_set():
                    raise ExportStopped
                raw.write(block)
        return
    with io.TextIOWrapper(raw, encoding="utf-8", newline="") as text:
        writer = csv.writer(text, lineterminator="\n")
        writer.writerow(table.columns.keys())
        for rows in _rows(conn, sql, stop):
            writer.writerows(rows)


def _write_wage_stat(conn: Connection, cells: Table, raw: IO[bytes], stop: threading.Event | None) -> None:
    """wage_stat.csv: the wage cells read in key order and written one published statistic a row, with the
    columns and ids of the SQLite export's wage_stat view (a cell's n-th statistic, counted from 0, of the
    cell at position p, counted from 1, is id 6 (p - 1) + n + 1). Plain Python, as the other CSVs on SQLite:
    the same unpivot in SQL needs a sort of every statistic, which costs more."""
    names = list(cells.columns.keys())
    release, occupation, area, flags, citation = (
        names.index(c) for c in ("release_id", "occupation_id", "area_id", "flags", "citation")
    )
    values = [(names.index(f"{s}_hourly"), names.index(f"{s}_annual")) for s in STATISTICS]
    own = [names.index(c) for c in CITATION_COLUMNS]
    shifts = [STATISTIC_BITS * n for n in range(len(STATISTICS))]
    width = len(STATISTICS)
    with io.TextIOWrapper(raw, encoding="utf-8", newline="") as text:
        writer = csv.writer(text, lineterminator="\n")
        writer.writerow(wage_statistics().selected_columns.keys())
        first_id = 1
        for rows in _rows(conn, _select(cells, conn.dialect), stop):
            out = []
            for row in rows:
                for n, statistic in enumerate(STATISTICS):
                    bits = row[flags] >> shifts[n]
                    if bits & 1:
                        cited = row[own[n]]
                        out.append(
                            (
                                first_id + n,
                                row[release],
                                row[occupation],
                                row[area],
                                statistic,
                                row[values[n][0]],
                                row[values[n][1]],
                                *(neutralise(bool(bits & (2 << k))) for k in range(len(WAGE_FLAGS))),
                                neutralise(row[citation] if cited is None else cited),
                            )
                        )
                first_id += width
            writer.writerows(out)


def _write_zip(
    conn: Connection, target: Path, version: int, updated_at: datetime | None, stop: threading.Event | None
) -> None:
    with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=COMPRESS_LEVEL) as zf:
        readme = README.format(
            version=version, updated_at=updated_at.isoformat() if updated_at else "", layout=LAYOUT_VERSION
        )
        zf.writestr(zipfile.ZipInfo("README.txt", EPOCH), readme, compress_type=zipfile.ZIP_DEFLATED)
        # The wage cells as wage_stat.csv, in the documented layout (and in name order).
        tables = {WAGE_STAT if n == "wage_cell" else n: t for n, t in metadata.tables.items()}
        for name, table in sorted(tables.items()):
            info = zipfile.ZipInfo(f"{name}.csv", EPOCH)
            info.compress_type = zipfile.ZIP_DEFLATED
            with zf.open(info, "w", force_zip64=True) as raw:
                _write_csv(conn, table, raw, stop)


def _sqlite_values(table: Table, source: str) -> Callable[[Sequence[Row]], list[Row]] | None:
    """Dates and times as SQLAlchemy stores them in SQLite (SQLite's own rows already are)."""
    if source == "sqlite":
        return None
    processors = [
        c.type.dialect_impl(SQLITE).bind_processor(SQLITE)
        if isinstance(_base_type(c), Date | DateTime)
        else None
        for c in table.columns
    ]
    if not any(processors):
        return None

    def convert(rows: Sequence[Row]) -> list[Row]:
        return [
            tuple(v if p is None or v is None else p(v) for p, v in zip(processors, row, strict=True))
            for row in rows
        ]

    return convert


def _sqlite_time(value: str | None) -> datetime | None:
    # As SQLAlchemy stores UTC times in SQLite: naive, in UTC.
    return None if value is None else datetime.fromisoformat(value).replace(tzinfo=UTC)


def _sqlite_source(engine: Engine) -> Path | None:
    """The database file, when the database is a SQLite file (then SQLite copies it table by table)."""
    name = engine.url.database
    if engine.dialect.name != "sqlite" or not name or name == ":memory:" or name.startswith("file:"):
        return None
    return Path(name).resolve()


def _write_sqlite(
    target: Path, stop: threading.Event | None, *, conn: Connection | None = None, source: Path | None = None
) -> tuple[int, datetime | None]:
    """A SQLite file with every table: rows read through ``conn``, or copied by SQLite itself from the
    attached ``source`` file in one read transaction (no row passes through Python)."""
    with contextlib.closing(sqlite3.connect(target.as_uri(), uri=True, isolation_level=None)) as out:
        # A scratch file renamed only when complete: no journal to keep, nothing to fsync midway.
        out.execute("PRAGMA journal_mode=OFF")
        out.execute("PRAGMA synchronous=OFF")
        out.execute("PRAGMA busy_timeout=30000")
        if stop is not None:
            out.set_progress_handler(stop.is_set, 100_000)
        if source is not None:
            out.execute("ATTACH DATABASE ? AS source", (source.as_uri() + "?mode=ro",))
        out.execute("BEGIN")
        if conn is not None:
            version, updated_at = _version(conn)
        else:
            row = out.execute("SELECT version, updated_at FROM source.data_version").fetchone()
            version, updated_at = (0, None) if row is None else (int(row[0]), _sqlite_time(row[1]))
        for table in metadata.sorted_tables:
            out.execute(str(CreateTable(table).compile(dialect=SQLITE)))
            names = ", ".join(f'"{c.name}"' for c in table.columns)
            if source is not None:
                order = ", ".join(f'"{c.name}"' for c in table.primary_key.columns)
                out.execute(
                    f'INSERT INTO main."{table.name}" ({names}) '
                    f'SELECT {names} FROM source."{table.name}" ORDER BY {order}'
                )
                continue
            assert conn is not None
            convert = _sqlite_values(table, conn.dialect.name)
            insert = f'INSERT INTO "{table.name}" ({names}) VALUES ({", ".join("?" for _ in table.columns)})'
            for rows in _rows(conn, _select(table, conn.dialect), stop):
                out.executemany(insert, convert(rows) if convert else rows)
        # The schema metadata.create_all makes, with the indexes in name order (create_all's order varies
        # between processes, and so would the file's bytes), built once, after the rows.
        for table in metadata.sorted_tables:
            for index in sorted(table.indexes, key=lambda i: str(i.name)):
                out.execute(str(CreateIndex(index).compile(dialect=SQLITE)))
        out.execute(_wage_stat_view())
        out.execute(f"PRAGMA user_version = {LAYOUT_VERSION}")
        out.execute("COMMIT")
        if source is not None:
            out.execute("DETACH DATABASE source")
        (verdict,) = out.execute("PRAGMA quick_check").fetchone()
    if verdict != "ok":
        raise RuntimeError(f"the exported SQLite file failed its check: {verdict}")
    return version, updated_at


def write_export(engine: Engine, *, fmt: str, path: Path, stop: threading.Event | None = None) -> ExportFile:
    """Write the whole dataset in one format to ``path`` (atomically: a temporary name, then a rename)."""
    if fmt not in EXPORT_FORMATS:
        raise ValueError(f"unknown export format {fmt!r}")
    fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=path.parent)
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        source = _sqlite_source(engine)
        if fmt == "sqlite":
            tmp.unlink()  # SQLite wants to create the file itself
        if fmt == "sqlite" and source is not None:
            version, updated_at = _write_sqlite(tmp, stop, source=source)
        else:
            with _snapshot(engine) as conn:
                if fmt == "zip":
                    version, updated_at = _version(conn)
                    _write_zip(conn, tmp, version, updated_at, stop)
                else:
                    version, updated_at = _write_sqlite(tmp, stop, conn=conn)
        tmp.chmod(0o644)
        tmp.replace(path)
    except BaseException as exc:
        tmp.unlink(missing_ok=True)
        if isinstance(exc, sqlite3.OperationalError) and stop is not None and stop.is_set():
            raise ExportStopped from exc
        if isinstance(exc, SQLAlchemyError | sqlite3.Error | engine.dialect.loaded_dbapi.Error | OSError):
            raise ExportFailed(f"{type(exc).__name__} while writing the {fmt} export") from exc
        raise
    return ExportFile(path=path, fmt=fmt, version=version, updated_at=updated_at, size=path.stat().st_size)
