"""Whether BLS has published a newer OEWS period than the newest one held: the stored result of the last
`salary-api fetch-oews --check`, read by every process at each refresh, and judged against the releases
it serves (so an import of that period clears it without another check)."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from typing import Any

from sqlalchemy import select
from sqlalchemy.engine import Connection, Engine

from app.domain.models import ReleaseCheck

# The source key of BLS's own OEWS files (a release quoting them through an article has a via source).
BLS_SOURCE_KEY = "bls"


def newest_bls_release(
    releases: Iterable[Mapping[str, Any]], sources: Mapping[int, Mapping[str, Any]]
) -> Mapping[str, Any] | None:
    """The release of BLS's own files with the newest period, or None when none is held."""
    held = [
        r
        for r in releases
        if r["period_start"] is not None
        and r["via_source_id"] is None
        and sources[r["source_id"]]["key"] == BLS_SOURCE_KEY
    ]
    return max(held, key=lambda r: (r["period_start"], r["id"]), default=None)


def read_release_check(engine: Engine | Connection) -> dict[str, Any] | None:
    """The stored check, or None when none has run (or the database predates the table)."""
    table = ReleaseCheck.__table__  # type: ignore[attr-defined]
    try:
        if isinstance(engine, Connection):
            row = engine.execute(select(table)).first()
        else:
            with engine.connect() as conn:
                row = conn.execute(select(table)).first()
    except Exception:  # noqa: BLE001  a database not migrated to 0004 simply has no check yet
        return None
    return None if row is None else dict(row._mapping)


def release_check_status(
    check: Mapping[str, Any] | None, held: Mapping[str, Any] | None
) -> dict[str, Any] | None:
    """The public state of the last check, given the newest BLS release held now (``newest_bls_release``): a
    newer period is available when its files were all published and it is newer than the one held."""
    if check is None:
        return None
    newer = bool(check["published"]) and (held is None or check["next_period_start"] > held["period_start"])
    return {
        "newer_release_available": newer,
        "next_period": check["next_period"],
        "next_period_published": bool(check["published"]),
        "newest_held": None if held is None else held["period"],
        "checked_at": check["checked_at"],
        "source": check["source_url"],
        "files": json.loads(check["files"]),
    }
