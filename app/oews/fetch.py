"""Fetching BLS's OEWS release files (``salary-api fetch-oews``): download, verify, import; or only ask
whether the next period is published (``--check``).

BLS publishes each May's estimates the following spring as zip files in its special-requests folder,
``oesm{yy}{nat,st,ma,all}.zip``, each holding the workbook(s) the importer reads (the metro zip holds two:
``MSA_M{yyyy}_dl.xlsx``, metropolitan areas, and ``BOS_M{yyyy}_dl.xlsx``, nonmetropolitan ones).

Downloads are kept in a cache directory, one folder per source: a partial file is resumed with ``Range``
and ``If-Range`` where the server allows, a complete one is asked for again with ``If-None-Match`` /
``If-Modified-Since``, and each workbook's sha256 is remembered, so a run that finds nothing new downloads
and imports nothing. A download replaces the cached copy only once it is verified (a readable zip, the
expected workbooks, each read to its end against its CRC). Every workbook is then imported by
``import_oews`` in one transaction, and each release must hold rows of every area type its file should
hold; anything refused leaves the database as it was. A server error or time-out is retried a bounded
number of times with a growing pause.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import tempfile
import time
import zipfile
import zlib
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from email.utils import parsedate_to_datetime
from pathlib import Path, PurePosixPath
from typing import Any
from urllib.parse import urljoin, urlsplit

import httpx
from sqlalchemy import select
from sqlalchemy.engine import Connection, Engine
from sqlmodel import Session

from app.domain.models import Area, AreaEmployment, Release, ReleaseCheck, Source
from app.domain.release_check import newest_bls_release
from app.oews.files import MAX_XLSX_UNCOMPRESSED, file_facts
from app.oews.load import ImportReport, import_oews, official_release_key, official_release_label
from app.oews.parse import Period, Progress

BLS_FOLDER = "https://www.bls.gov/oes/special-requests/"
SCOPES = ("national", "state", "metro", "all")
DEFAULT_SCOPES = ("national", "state", "metro")
# Attempts per request, and the first pause between two (doubled each time; a Retry-After is honoured up
# to MAX_PAUSE). BLS's front end blocks clients that send many requests in quick succession.
ATTEMPTS = 4
BACKOFF_SECONDS = 1.0
MAX_PAUSE = 60.0
# BLS's largest file (all-data) is about 80 MB; a download beyond this is not an OEWS release.
MAX_DOWNLOAD_BYTES = 1 << 30
MAX_ZIP_MEMBERS = 100
# Without --period: the newest of the last few May periods whose first file is published.
DISCOVERY_YEARS = 3
_ALL_AREA_TYPES = frozenset({"national", "state", "territory", "metro", "nonmetro"})

DownloadProgress = Callable[[str, int, int | None], None]


class FetchFailed(Exception):
    """A refusal or failure told to the operator in one sentence; nothing was imported."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class ContactMissing(FetchFailed):
    """No usable SALARY_API_BLS_CONTACT: the command does not start."""


@dataclass(frozen=True)
class Workbook:
    """One workbook of a release file: its name, the scope of its release and the area types it holds."""

    name: str
    scope: str
    area_types: frozenset[str]


@dataclass(frozen=True)
class ReleaseFile:
    """One zip of a release (``oesm25ma.zip``) and the workbooks it must hold."""

    name: str
    workbooks: tuple[Workbook, ...]


def release_files(period: Period, scopes: Sequence[str]) -> list[ReleaseFile]:
    """The zips of a period for the chosen scopes, in BLS's naming."""
    year, yy = period.year, f"{period.year % 100:02d}"
    layout: dict[str, tuple[str, list[tuple[str, str, Iterable[str]]]]] = {
        "national": ("nat", [(f"national_M{year}_dl.xlsx", "national", {"national"})]),
        "state": ("st", [(f"state_M{year}_dl.xlsx", "state", {"state", "territory"})]),
        "metro": (
            "ma",
            [
                (f"MSA_M{year}_dl.xlsx", "metro", {"metro"}),
                (f"BOS_M{year}_dl.xlsx", "nonmetro", {"nonmetro"}),
            ],
        ),
        "all": ("all", [(f"all_data_M_{year}.xlsx", "all", _ALL_AREA_TYPES)]),
    }
    files = []
    for scope in dict.fromkeys(scopes):
        suffix, books = layout[scope]
        files.append(
            ReleaseFile(
                f"oesm{yy}{suffix}.zip",
                tuple(Workbook(name, kind, frozenset(types)) for name, kind, types in books),
            )
        )
    return files


def check_contact(value: str | None) -> str:
    """The operator's contact for the User-Agent, or ContactMissing saying what to set and why."""
    why = (
        "BLS asks automated clients to name a contact in their User-Agent and may block those that "
        "give none; nothing was downloaded."
    )
    text = (value or "").strip()
    if not text:
        raise ContactMissing(
            "fetch-oews needs a contact: set SALARY_API_BLS_CONTACT to an e-mail address (or a web "
            "address) where BLS can reach whoever runs it, e.g. SALARY_API_BLS_CONTACT=ops@example.org. "
            f"{why}"
        )
    if len(text) > 200 or any(not 32 <= ord(c) < 127 for c in text):
        raise ContactMissing(
            "SALARY_API_BLS_CONTACT must be plain ASCII text of at most 200 characters, "
            f"e.g. ops@example.org. {why}"
        )
    if not re.search(r"[^\s@<>()]+@[^\s@<>()]+\.[A-Za-z]{2,}|https?://[^\s()]+", text):
        raise ContactMissing(
            f"SALARY_API_BLS_CONTACT is {text!r}, which holds no e-mail address or web address; "
            f"give one where BLS can reach you, e.g. ops@example.org. {why}"
        )
    return text


def user_agent(contact: str) -> str:
    """``salary-api/<version> (<contact>)``."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        ours = version("salary-api")
    except PackageNotFoundError:
        ours = "0"
    return f"salary-api/{ours} ({contact})"


def default_cache_dir() -> Path:
    """The user's cache directory (XDG): ``$XDG_CACHE_HOME/salary-api/oews`` or ``~/.cache/...``."""
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "salary-api" / "oews"


def _pause(attempt: int, retry_after: float | None, backoff: float) -> float:
    return min(MAX_PAUSE, max(retry_after or 0.0, backoff * 2 ** (attempt - 1)))


def _retry_after(value: str | None) -> float | None:
    """Seconds from a Retry-After header (delta-seconds or an HTTP date), None when absent or unreadable."""
    if not value:
        return None
    if value.strip().isdigit():
        return float(value.strip())
    try:
        return max(0.0, (parsedate_to_datetime(value) - datetime.now(UTC)).total_seconds())
    except (TypeError, ValueError):
        return None


def _describe(exc: httpx.RequestError) -> str:
    if isinstance(exc, httpx.TimeoutException):
        return "timed out"
    if isinstance(exc, httpx.RemoteProtocolError):
        return "the connection closed before the end of the answer"
    if isinstance(exc, httpx.ConnectError):
        return "could not connect"
    if isinstance(exc, httpx.TooManyRedirects):
        return "too many redirects"
    return f"network error ({type(exc).__name__})"


@dataclass
class Downloaded:
    """A verified zip in the cache, and what this run did to get it."""

    file: ReleaseFile
    path: Path
    how: str  # downloaded | resumed | not modified
    received: int
    meta: dict[str, Any]


def _write_json(path: Path, data: dict[str, Any]) -> None:
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(json.dumps(data, indent=1, sort_keys=True), encoding="utf-8")
    os.replace(tmp, path)


def _read_json(path: Path) -> dict[str, Any] | None:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def _sha256(path: Path) -> str:
    return file_facts(path, text=False).checksum


def verify_zip(path: Path, file: ReleaseFile) -> dict[str, str]:
    """{workbook name: sha256} of the expected workbooks, each read to its end (CRC checked); FetchFailed
    naming what is wrong otherwise."""
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError):
        raise FetchFailed(
            f"{file.name}: not a readable zip archive (truncated or corrupt download)"
        ) from None
    with archive:
        members = [m for m in archive.infolist() if not m.is_dir()]
        if len(members) > MAX_ZIP_MEMBERS:
            raise FetchFailed(f"{file.name}: holds {len(members):,} files; an OEWS release holds a few")
        by_name: dict[str, list[zipfile.ZipInfo]] = {}
        for member in members:
            by_name.setdefault(PurePosixPath(member.filename).name.lower(), []).append(member)
        sums: dict[str, str] = {}
        for book in file.workbooks:
            found = by_name.get(book.name.lower(), [])
            if not found:
                held = ", ".join(sorted(PurePosixPath(m.filename).name for m in members)[:10]) or "nothing"
                raise FetchFailed(
                    f"{file.name}: the workbook {book.name} is missing (the archive holds {held})"
                )
            if len(found) > 1:
                raise FetchFailed(f"{file.name}: holds {book.name} {len(found)} times")
            member = found[0]
            if member.file_size > MAX_XLSX_UNCOMPRESSED:
                raise FetchFailed(
                    f"{file.name}: {book.name} would expand to {member.file_size / 2**20:,.0f} MiB; "
                    f"refused above {MAX_XLSX_UNCOMPRESSED / 2**20:,.0f} MiB"
                )
            digest = hashlib.sha256()
            size = 0
            try:
                with archive.open(member) as fh:
                    while chunk := fh.read(1 << 20):
                        size += len(chunk)
                        if size > member.file_size:
                            raise FetchFailed(f"{file.name}: {book.name} is longer than the archive declares")
                        digest.update(chunk)
            except (zipfile.BadZipFile, zlib.error, EOFError, OSError, NotImplementedError) as exc:
                reason = str(exc) or type(exc).__name__
                raise FetchFailed(f"{file.name}: {book.name} is corrupt ({reason})") from None
            sums[book.name] = digest.hexdigest()
    return sums


class Fetcher:
    """HTTP to one folder (BLS's, or a mirror) with the contact as User-Agent, bounded retries, and the
    folder's cache of verified zips."""

    def __init__(
        self,
        *,
        source: str,
        contact: str,
        cache_dir: Path,
        timeout: float = 60.0,
        attempts: int = ATTEMPTS,
        backoff: float = BACKOFF_SECONDS,
        progress: DownloadProgress | None = None,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        parts = urlsplit(source)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise FetchFailed(f"{source!r} is not an http(s) folder URL, e.g. {BLS_FOLDER}")
        self.source = source if source.endswith("/") else source + "/"
        self.attempts = max(1, attempts)
        self.backoff = backoff
        self.progress = progress
        host = re.sub(r"[^A-Za-z0-9.-]", "_", parts.netloc)
        self.cache = cache_dir / f"{host}-{hashlib.sha256(self.source.encode()).hexdigest()[:10]}"
        self.client = httpx.Client(
            headers={"User-Agent": user_agent(contact), "Accept-Encoding": "identity"},
            timeout=httpx.Timeout(timeout),
            follow_redirects=True,
            transport=transport,
        )

    def close(self) -> None:
        self.client.close()

    def __enter__(self) -> Fetcher:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def url(self, name: str) -> str:
        return urljoin(self.source, name)

    @contextlib.contextmanager
    def locked(self) -> Iterator[None]:
        """Hold the cache folder's lock: two runs on one cache take turns."""
        self.cache.mkdir(parents=True, exist_ok=True)
        with (self.cache / ".lock").open("a") as fh:
            try:
                import fcntl
            except ImportError:  # not POSIX: no lock
                yield
                return
            fcntl.flock(fh, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(fh, fcntl.LOCK_UN)

    # ------------------------------------------------------------------------------------------- HEAD
    def published(self, name: str) -> int:
        """The HTTP status of the file (HEAD; a one-byte GET where HEAD is not allowed): 200 when it is
        there, 404 or 410 when not; FetchFailed for a refusal or no answer after the retries."""
        url = self.url(name)
        last = ""
        retry_after: float | None = None
        for attempt in range(self.attempts):
            if attempt:
                time.sleep(_pause(attempt, retry_after, self.backoff))
            retry_after = None
            try:
                status = self.client.head(url).status_code
                if status in (405, 501):
                    with self.client.stream("GET", url, headers={"Range": "bytes=0-0"}) as response:
                        status = 200 if response.status_code == 206 else response.status_code
                        retry_after = _retry_after(response.headers.get("retry-after"))
            except httpx.RequestError as exc:
                last = _describe(exc)
                continue
            if status == 429 or status >= 500:
                last = f"HTTP {status}"
                continue
            if 200 <= status < 300:
                return 200
            if status in (404, 410):
                return status
            raise self._refused(url, status)
        raise FetchFailed(f"{url}: no answer after {self.attempts} attempts ({last})")

    @staticmethod
    def _refused(url: str, status: int) -> FetchFailed:
        if status in (401, 403):
            return FetchFailed(
                f"{url}: refused (HTTP {status}). BLS blocks automated clients that give no contact, or "
                "that send many requests in quick succession (for about an hour); check "
                "SALARY_API_BLS_CONTACT and try again later"
            )
        return FetchFailed(f"{url}: unexpected answer HTTP {status}")

    # --------------------------------------------------------------------------------------- download
    def _paths(self, name: str) -> tuple[Path, Path, Path, Path]:
        final = self.cache / name
        return (
            final,
            final.with_name(name + ".json"),
            final.with_name(name + ".part"),
            final.with_name(name + ".part.json"),
        )

    def cached(self, file: ReleaseFile) -> dict[str, Any] | None:
        """The metadata of the cached copy when the copy is intact (same URL, size and sha256)."""
        final, meta_path, _, _ = self._paths(file.name)
        meta = _read_json(meta_path)
        ok = (
            meta is not None
            and meta.get("url") == self.url(file.name)
            and final.is_file()
            and final.stat().st_size == meta.get("size")
            and _sha256(final) == meta.get("sha256")
            and set(meta.get("workbooks", {})) == {b.name for b in file.workbooks}
        )
        if not ok:
            final.unlink(missing_ok=True)
            meta_path.unlink(missing_ok=True)
            return None
        return meta

    def download(self, file: ReleaseFile) -> Downloaded:
        """The verified zip: the cached copy when the server says it has not changed, else the download
        (resumed from a partial one where the server allows)."""
        url = self.url(file.name)
        self.cache.mkdir(parents=True, exist_ok=True)
        final, meta_path, part, part_meta_path = self._paths(file.name)
        meta = self.cached(file)
        last = ""
        retry_after: float | None = None
        received = 0
        resumed = False
        for attempt in range(self.attempts):
            if attempt:
                time.sleep(_pause(attempt, retry_after, self.backoff))
            retry_after = None
            part_meta = _read_json(part_meta_path) or {}
            offset = part.stat().st_size if part.is_file() else 0
            validator = part_meta.get("etag") or part_meta.get("last_modified")
            headers: dict[str, str] = {}
            if offset and validator and part_meta.get("url") == url:
                headers = {"Range": f"bytes={offset}-", "If-Range": validator}
            else:
                offset = 0
                if meta is not None and meta.get("etag"):
                    headers["If-None-Match"] = meta["etag"]
                if meta is not None and meta.get("last_modified"):
                    headers["If-Modified-Since"] = meta["last_modified"]
            try:
                with self.client.stream("GET", url, headers=headers) as response:
                    status = response.status_code
                    if status == 304 and meta is not None:
                        return Downloaded(file, final, "not modified", received, meta)
                    if status == 416:
                        part.unlink(missing_ok=True)
                        last = "the server refused to resume the partial download (HTTP 416)"
                        continue
                    if status == 429 or status >= 500:
                        retry_after = _retry_after(response.headers.get("retry-after"))
                        last = f"HTTP {status}"
                        continue
                    if status in (404, 410):
                        raise FetchFailed(f"{url}: not found (HTTP {status}); is this period published?")
                    if status == 206:
                        start, total = _content_range(response.headers.get("content-range"))
                        if start != offset:
                            part.unlink(missing_ok=True)
                            last = "the server resumed at the wrong offset"
                            continue
                        mode = "ab"
                        resumed = True
                    elif status == 200:
                        offset, mode = 0, "wb"
                        length = response.headers.get("content-length")
                        total = int(length) if length and length.isdigit() else None
                        _write_json(
                            part_meta_path,
                            {
                                "url": url,
                                "etag": response.headers.get("etag"),
                                "last_modified": response.headers.get("last-modified"),
                            },
                        )
                    else:
                        raise self._refused(url, status)
                    if total is not None and total > MAX_DOWNLOAD_BYTES:
                        raise FetchFailed(
                            f"{url}: {total:,} bytes; refused above {MAX_DOWNLOAD_BYTES:,} (not an OEWS file)"
                        )
                    done = offset
                    with part.open(mode) as fh:
                        for chunk in response.iter_raw():
                            done += len(chunk)
                            received += len(chunk)
                            if done > MAX_DOWNLOAD_BYTES:
                                raise FetchFailed(
                                    f"{url}: more than {MAX_DOWNLOAD_BYTES:,} bytes; refused "
                                    "(not an OEWS file)"
                                )
                            fh.write(chunk)
                            if self.progress is not None:
                                self.progress(file.name, done, total)
                    if total is not None and done < total:
                        last = f"the answer stopped at {done:,} of {total:,} bytes"
                        continue
            except httpx.RequestError as exc:
                last = _describe(exc)
                continue
            except FetchFailed:
                if part.is_file() and part.stat().st_size > MAX_DOWNLOAD_BYTES:
                    part.unlink()
                raise
            return self._keep(file, part, part_meta_path, "resumed" if resumed else "downloaded", received)
        kept = part.stat().st_size if part.is_file() else 0
        hint = f"; the {kept:,} bytes received are kept and the next run resumes from there" if kept else ""
        raise FetchFailed(f"{url}: download failed after {self.attempts} attempts ({last}){hint}")

    def _keep(
        self, file: ReleaseFile, part: Path, part_meta_path: Path, how: str, received: int
    ) -> Downloaded:
        """Verify a complete download and make it the cached copy; a bad one is deleted and refused."""
        final, meta_path, _, _ = self._paths(file.name)
        try:
            sums = verify_zip(part, file)
        except FetchFailed as exc:
            part.unlink(missing_ok=True)
            part_meta_path.unlink(missing_ok=True)
            raise FetchFailed(
                f"{exc.message}. The download was refused: nothing was imported and the cached copy, "
                "if any, is unchanged"
            ) from None
        part_meta = _read_json(part_meta_path) or {}
        meta = {
            "url": self.url(file.name),
            "etag": part_meta.get("etag"),
            "last_modified": part_meta.get("last_modified"),
            "size": part.stat().st_size,
            "sha256": _sha256(part),
            "fetched_at": datetime.now(UTC).isoformat(timespec="seconds"),
            "workbooks": {name: {"sha256": digest, "rows_selected": None} for name, digest in sums.items()},
        }
        os.replace(part, final)
        _write_json(meta_path, meta)
        part_meta_path.unlink(missing_ok=True)
        return Downloaded(file, final, how, received, meta)

    def remember_rows(self, file: ReleaseFile, workbook: str, rows_selected: int) -> None:
        """Note how many rows a full import of a cached workbook selects (later runs compare the release's
        row count with it)."""
        _, meta_path, _, _ = self._paths(file.name)
        meta = _read_json(meta_path)
        if meta is not None and workbook in meta.get("workbooks", {}):
            meta["workbooks"][workbook]["rows_selected"] = rows_selected
            _write_json(meta_path, meta)


def _content_range(value: str | None) -> tuple[int, int | None]:
    """(first byte, total or None) of a ``Content-Range: bytes a-b/total`` header; (-1, None) when
    unreadable."""
    found = re.fullmatch(r"\s*bytes\s+(\d+)-(\d+)/(\d+|\*)\s*", value or "")
    if found is None:
        return -1, None
    return int(found.group(1)), None if found.group(3) == "*" else int(found.group(3))


# ------------------------------------------------------------------------------------------- periods
def newest_held(conn: Engine | Connection) -> dict[str, Any] | None:
    """The release of BLS's own OEWS files with the newest period in the database, or None."""
    release, source = Release.__table__, Source.__table__  # type: ignore[attr-defined]
    with conn.connect() if isinstance(conn, Engine) else contextlib.nullcontext(conn) as c:
        releases = [dict(r._mapping) for r in c.execute(select(release))]
        sources = {r.id: dict(r._mapping) for r in c.execute(select(source))}
    found = newest_bls_release(releases, sources)
    return None if found is None else dict(found)


def newest_published(fetcher: Fetcher, scopes: Sequence[str], *, today: date | None = None) -> Period:
    """The newest May period whose first file is in the folder, looking back DISCOVERY_YEARS from last May."""
    today = today or datetime.now(UTC).date()
    tried = []
    for year in range(today.year - 1, today.year - 1 - DISCOVERY_YEARS, -1):
        period = Period(year, 5)
        name = release_files(period, scopes)[0].name
        if fetcher.published(name) == 200:
            return period
        tried.append(name)
    raise FetchFailed(
        f"none of {', '.join(tried)} is in {fetcher.source}; pass --period for an older release"
    )


# -------------------------------------------------------------------------------------------- fetch
@dataclass
class FetchReport:
    period: Period
    downloads: list[Downloaded] = field(default_factory=list)
    imports: list[tuple[str, ImportReport]] = field(default_factory=list)  # (workbook, report)
    already: list[str] = field(default_factory=list)  # workbooks whose release holds them already
    durations: dict[str, float] = field(default_factory=dict)


def _held_release(conn: Connection, key: str) -> Any:
    release = Release.__table__  # type: ignore[attr-defined]
    return conn.execute(
        select(release.c.id, release.c.checksum, release.c.rows_loaded, release.c.origin).where(
            release.c.key == key
        )
    ).first()


def _area_types(conn: Connection, release_id: int) -> set[str]:
    area, employment = Area.__table__, AreaEmployment.__table__  # type: ignore[attr-defined]
    query = (
        select(area.c.area_type)
        .distinct()
        .join(employment, employment.c.area_id == area.c.id)
        .where(employment.c.release_id == release_id)
    )
    return {row[0] for row in conn.execute(query)}


def fetch_release(
    engine: Engine,
    fetcher: Fetcher,
    *,
    period: Period,
    scopes: Sequence[str],
    replace: bool = False,
    progress: Progress | None = None,
) -> FetchReport:
    """Download (or find unchanged) every zip of the period, verify them all, then import every workbook
    the database does not hold yet, in one transaction; FetchFailed or ImportFailed leave it unchanged."""
    report = FetchReport(period)
    files = release_files(period, scopes)
    with fetcher.locked():
        report.downloads = [fetcher.download(f) for f in files]
        todo: list[tuple[Downloaded, Workbook]] = []
        with engine.connect() as conn:
            for got in report.downloads:
                for book in got.file.workbooks:
                    facts = got.meta["workbooks"][book.name]
                    held = _held_release(conn, official_release_key(period, book.scope))
                    if (
                        held is not None
                        and held.origin == "import"
                        and held.checksum == facts["sha256"]
                        and facts.get("rows_selected") is not None
                        and held.rows_loaded == facts["rows_selected"]
                    ):
                        report.already.append(book.name)
                    else:
                        todo.append((got, book))
        if not todo:
            return report
        with (
            tempfile.TemporaryDirectory(dir=fetcher.cache, prefix="import-") as scratch,
            Session(engine) as session,
        ):
            for got, book in todo:
                path = _extract(got, book, Path(scratch))
                started = time.monotonic()
                key = official_release_key(period, book.scope)
                imported = import_oews(
                    engine,
                    path=path,
                    period=period.label,
                    replace=replace,
                    progress=progress,
                    release_key=key,
                    release_label=official_release_label(period, book.scope),
                    session=session,
                )
                report.durations[book.name] = time.monotonic() - started
                conn = session.connection()
                held = _held_release(conn, key)
                missing = sorted(book.area_types - _area_types(conn, held.id))
                if missing:
                    raise FetchFailed(
                        f"{got.file.name}: {book.name} holds no rows for {' or '.join(missing)} areas, which "
                        f"a {book.scope} file must hold; nothing was imported"
                    )
                report.imports.append((book.name, imported))
                path.unlink()
            session.commit()
        for got, book in todo:
            imported = next(r for name, r in report.imports if name == book.name)
            fetcher.remember_rows(got.file, book.name, imported.rows_selected)
    return report


def _extract(got: Downloaded, book: Workbook, directory: Path) -> Path:
    """Copy a verified workbook out of its zip under its own name (the importer reads the period and cites
    rows by it), checking it is still the one verified."""
    target = directory / book.name
    digest = hashlib.sha256()
    with zipfile.ZipFile(got.path) as archive:
        member = next(
            m for m in archive.infolist() if PurePosixPath(m.filename).name.lower() == book.name.lower()
        )
        with archive.open(member) as src, target.open("wb") as out:
            while chunk := src.read(1 << 20):
                digest.update(chunk)
                out.write(chunk)
    if digest.hexdigest() != got.meta["workbooks"][book.name]["sha256"]:
        raise FetchFailed(f"{got.file.name}: the cached copy changed while in use; run again")
    return target


# -------------------------------------------------------------------------------------------- check
def check_release(
    engine: Engine, fetcher: Fetcher, *, scopes: Sequence[str], today: date | None = None
) -> dict[str, Any]:
    """Ask whether every file of the period after the newest one held is published (HEAD only), store the
    answer as the one release_check row, and return it."""
    today = today or datetime.now(UTC).date()
    held = newest_held(engine)
    start = held["period_start"] if held is not None else None
    following = Period(start.year + 1, 5) if start is not None else Period(today.year - 1, 5)
    files: dict[str, int] = {}
    if following.start <= today:
        for file in release_files(following, scopes):
            files[file.name] = fetcher.published(file.name)
    row = ReleaseCheck(
        id=1,
        checked_at=datetime.now(UTC),
        source_url=fetcher.source[:500],
        newest_held=None if held is None else held["period"],
        next_period=following.label,
        next_period_start=following.start,
        published=bool(files) and all(status == 200 for status in files.values()),
        files=json.dumps(files),
    )
    with Session(engine) as session:
        session.merge(row)
        session.commit()
    return {**row.model_dump(), "files": files}
