"""Whether BLS has published a newer OEWS period than the newest one held: the stored result of the last
`salary-api fetch-oews --check`, read by every process at each refresh, and judged against the releases
it serves (so an import of that period clears it without another check)."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any, TypeVar, cast

from sqlalchemy import select
from sqlalchemy.engine import Connection, Engine
from typing_extensions import TypedDict

from app.domain.models import ReleaseCheck
from app.domain.records import ReleaseCheckRow, ReleaseRow

# The source key of BLS's own OEWS files (a release quoting them through an article has a via source).
BLS_SOURCE_KEY = "bls"
# A release row: the store's, or one read by the fetcher.
RowT = TypeVar("RowT", bound=Mapping[str, Any])


class ReleaseCheckStatus(TypedDict):
    """The public state of the last check (``/readyz``'s ``release_check``)."""

    newer_release_available: bool
    next_period: str
    next_period_published: bool
    newest_held: str | None
    checked_at: datetime
    source: str
    files: Any


def newest_bls_release(releases: Iterable[RowT], sources: Mapping[int, Mapping[str, Any]]) -> RowT | None:
    """The release of BLS's own files with the newest period, or None when none is held."""
    held = [
        r
        for r in releases
        if r["period_start"] is not None
        and r["via_source_id"] is None
        and sources[r["source_id"]]["key"] == BLS_SOURCE_KEY
    ]
    return max(held, key=lambda r: (r["period_start"], r["id"]), default=None)


def read_release_check(engine: Engine | Connection) -> ReleaseCheckRow | None:
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
    return None if row is None else cast(ReleaseCheckRow, dict(row._mapping))


def release_check_status(check: ReleaseCheckRow | None, held: ReleaseRow | None) -> ReleaseCheckStatus | None:
    """The public state of the last check, given the newest BLS release held now (``newest_bls_release``): a
    newer period is available when its files were all published and it is newer than the one held."""
    if check is None:
        return None
    held_start = None if held is None else held["period_start"]
    newer = bool(check["published"]) and (held_start is None or check["next_period_start"] > held_start)
    return {
        "newer_release_available": newer,
        "next_period": check["next_period"],
        "next_period_published": bool(check["published"]),
        "newest_held": None if held is None else held["period"],
        "checked_at": check["checked_at"],
        "source": check["source_url"],
        "files": json.loads(check["files"]),
    }
