"""A local stand-in for BLS's special-requests folder: OEWS release zips built in the official layout from
the fixtures, served over HTTP from a thread (ETag, Last-Modified, conditional GET, Range, HEAD), with
scripted faults. Nothing reaches the internet."""

from __future__ import annotations

import csv
import hashlib
import io
import threading
import time
import zipfile
from dataclasses import dataclass, field
from email.utils import formatdate
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from tests.oews.conftest import FIXTURES, write_xlsx

FOLDER = "/oes/special-requests/"
LAST_MODIFIED = formatdate(1_747_300_000, usegmt=True)


def _rows(name: str, keep: Any = None) -> tuple[list[str], list[list[str]]]:
    with (FIXTURES / name).open(newline="") as fh:
        reader = csv.reader(fh)
        header = next(reader)
        rows = [r for r in reader if keep is None or keep(dict(zip(header, r, strict=True)))]
    return header, rows


def _workbook(directory: Path, name: str, header: list[str], rows: list[list[str]]) -> bytes:
    """An XLSX in the official layout (tests/oews's write_xlsx) holding these rows."""
    source = directory / f"{name}.csv"
    with source.open("w", newline="") as fh:
        csv.writer(fh).writerows([header, *rows])
    return write_xlsx(source, directory / name).read_bytes()


def _area_type(value: str) -> Any:
    return lambda row: row["area_type"] == value


def release_workbooks(year: int, scope: str, directory: Path) -> dict[str, bytes]:
    """{workbook name: XLSX bytes} of one release zip; the synthetic fixture rows under the year's names.
    BLS's MSA workbook holds the metropolitan areas and BOS the nonmetropolitan ones; the all-data workbook
    every area type (the state fixture's Puerto Rico row gives it a territory)."""
    if scope == "nat":
        return {
            f"national_M{year}_dl.xlsx": _workbook(
                directory, f"national_M{year}_dl.xlsx", *_rows("national_M2023_dl.csv")
            )
        }
    if scope == "st":
        return {
            f"state_M{year}_dl.xlsx": _workbook(
                directory, f"state_M{year}_dl.xlsx", *_rows("state_M2023_dl.csv")
            )
        }
    if scope == "ma":
        msa, bos = f"MSA_M{year}_dl.xlsx", f"BOS_M{year}_dl.xlsx"
        return {
            msa: _workbook(directory, msa, *_rows("MSA_M2023_dl.csv", _area_type("4"))),
            bos: _workbook(directory, bos, *_rows("MSA_M2023_dl.csv", _area_type("6"))),
        }
    if scope == "all":
        header, rows = _rows("all_data_M_2023.csv")
        _, territory = _rows("state_M2023_dl.csv", lambda r: r["AREA_TYPE"] == "3")
        name = f"all_data_M_{year}.xlsx"
        return {name: _workbook(directory, name, header, rows + territory)}
    raise ValueError(scope)


def release_zip(year: int, scope: str, directory: Path, *, books: dict[str, bytes] | None = None) -> bytes:
    """``oesm{yy}{scope}.zip`` as BLS lays it out: a folder of the zip's name holding the workbook(s)."""
    books = release_workbooks(year, scope, directory) if books is None else books
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in books.items():
            archive.writestr(f"oesm{year % 100:02d}{scope}/{name}", data)
    return out.getvalue()


@dataclass
class Seen:
    method: str
    name: str
    headers: dict[str, str]
    status: int = 0
    body_bytes: int = 0


@dataclass
class ReleaseServer:
    """Files by name; ``faults[name]`` is a queue of what the next requests for it get instead of the file:
    ``503``, ``cut:N`` (the full length announced, N bytes sent, the connection closed) or ``stall:S``
    (S seconds of silence before the answer)."""

    files: dict[str, bytes] = field(default_factory=dict)
    faults: dict[str, list[str]] = field(default_factory=dict)
    seen: list[Seen] = field(default_factory=list)
    head_allowed: bool = True

    def __post_init__(self) -> None:
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(self))
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}{FOLDER}"

    def __enter__(self) -> ReleaseServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()

    def requests(self, name: str | None = None, method: str | None = None) -> list[Seen]:
        return [
            s
            for s in self.seen
            if (name is None or s.name == name) and (method is None or s.method == method)
        ]


def etag(data: bytes) -> str:
    return f'"{hashlib.sha256(data).hexdigest()[:16]}"'


def _handler(state: ReleaseServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:
            pass

        def do_HEAD(self) -> None:
            self._answer(head=True)

        def do_GET(self) -> None:
            self._answer(head=False)

        def _send(self, seen: Seen, status: int, headers: dict[str, str], body: bytes = b"") -> None:
            seen.status = status
            self.send_response(status)
            for key, value in headers.items():
                self.send_header(key, value)
            self.end_headers()
            if body:
                self.wfile.write(body)
                seen.body_bytes += len(body)

        def _answer(self, *, head: bool) -> None:
            name = self.path.removeprefix(FOLDER) if self.path.startswith(FOLDER) else "?" + self.path
            seen = Seen(self.command, name, {k.lower(): v for k, v in self.headers.items()})
            state.seen.append(seen)
            if head and not state.head_allowed:
                return self._send(seen, 405, {"Allow": "GET", "Content-Length": "0"})
            queue = state.faults.get(name) or []
            fault = queue.pop(0) if queue else ""
            if fault == "503":
                return self._send(seen, 503, {"Retry-After": "1", "Content-Length": "0"})
            if fault.startswith("stall:"):
                time.sleep(float(fault.split(":")[1]))
            data = state.files.get(name)
            if data is None:
                return self._send(seen, 404, {"Content-Length": "0"})
            tag = etag(data)
            validators = {"ETag": tag, "Last-Modified": LAST_MODIFIED, "Accept-Ranges": "bytes"}
            if seen.headers.get("if-none-match") == tag:
                return self._send(seen, 304, validators)
            start = 0
            ranged = seen.headers.get("range", "")
            if ranged.startswith("bytes=") and seen.headers.get("if-range", tag) == tag:
                start = int(ranged.removeprefix("bytes=").split("-")[0])
            body = data[start:]
            headers = {**validators, "Content-Type": "application/zip", "Content-Length": str(len(body))}
            status = 200
            if start:
                status = 206
                headers["Content-Range"] = f"bytes {start}-{len(data) - 1}/{len(data)}"
            if head:
                return self._send(seen, status, headers)
            if fault.startswith("cut:"):
                self._send(seen, status, headers, body[: int(fault.split(":")[1])])
                self.close_connection = True
                return None
            return self._send(seen, status, headers, body)

    return Handler
