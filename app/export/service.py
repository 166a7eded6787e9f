"""The whole dataset as one file: a zip of CSVs (one per table, with a README) or a SQLite database."""

import csv
import io
import sqlite3
import tempfile
import zipfile
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, insert, select
from sqlalchemy.engine import Engine

from app.db import metadata
from app.models import DataVersion  # noqa: F401  (registers every table on the metadata)

EXPORT_FORMATS = ("zip", "sqlite")
README = """salary-api dataset export
data_version: {version}
exported_at: {exported_at}

One CSV per table. Every figure (wage_stat, benchmark, experience_level, pay_factor) points at a release
(release.csv), and every release at its source (source.csv) and, when quoted, the article (via_source_id).
wage_stat.citation holds the sentence or file row each figure came from; *_derived marks values computed
by us (hourly = annual / 2080), *_capped marks BLS top-coded wages (at or above the value).
"""


def _table_rows(engine: Engine) -> tuple[int, dict[str, tuple[list[str], list[tuple[Any, ...]]]]]:
    with engine.connect() as conn, conn.begin():
        version_row = conn.execute(select(metadata.tables["data_version"].c.version)).first()
        out = {}
        for name, table in metadata.tables.items():
            result = conn.execute(select(table).order_by(*table.primary_key.columns))
            out[name] = (list(result.keys()), [tuple(r) for r in result])
    return (int(version_row[0]) if version_row else 0), out


def export_zip(engine: Engine) -> tuple[int, bytes]:
    """A zip holding one CSV per table and a README; returns (data version, bytes)."""
    version, tables = _table_rows(engine)
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        zf.writestr(
            "README.txt",
            README.format(version=version, exported_at=datetime.now(UTC).isoformat(timespec="seconds")),
        )
        for name, (columns, rows) in sorted(tables.items()):
            text = io.StringIO()
            writer = csv.writer(text, lineterminator="\n")
            writer.writerow(columns)
            writer.writerows(rows)
            zf.writestr(f"{name}.csv", text.getvalue())
    return version, buf.getvalue()


def export_sqlite(engine: Engine) -> tuple[int, bytes]:
    """A standalone SQLite database with the same tables and rows; returns (data version, bytes)."""
    version, tables = _table_rows(engine)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "export.db"
        target = create_engine(f"sqlite:///{path}")
        metadata.create_all(target)
        with target.begin() as conn:
            for name in [t.name for t in metadata.sorted_tables]:
                columns, rows = tables[name]
                if rows:
                    conn.execute(
                        insert(metadata.tables[name]), [dict(zip(columns, r, strict=True)) for r in rows]
                    )
        target.dispose()
        with sqlite3.connect(path) as check:
            check.execute("PRAGMA integrity_check")
        return version, path.read_bytes()


def export_dataset(engine: Engine, *, fmt: str) -> tuple[int, bytes]:
    """Dispatch on the export format."""
    return export_zip(engine) if fmt == "zip" else export_sqlite(engine)
