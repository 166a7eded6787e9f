"""Reading an OEWS download file as rows of cells, refusing hostile files before they cost memory or time.

CSV: the encoding is read from a byte-order mark (UTF-8 or UTF-16), else UTF-8 when every byte is valid
UTF-8, else Windows-1252 (older BLS files); bytes valid in neither are refused with their row. A physical
line is at most ``MAX_LINE_CHARS`` characters and a row at most ``MAX_FIELDS`` fields; the csv module's
own field limit (131,072 characters) stays.

XLSX: the zip's central directory is checked first (number of parts, declared uncompressed size,
compression ratio), then each worksheet's declared ``<dimension>``. The workbook is then read by calamine in
a child process under an address-space limit, which streams the chosen sheet to this process as CSV: a
sheet whose cells span more than calamine can hold (two cells, A1 and XFD1048576, ask it for 550 GB) ends
that child, not the import, and is refused; so is a sheet cut short by the child's end. This process parses
the stream like any CSV, so its memory does not grow with the workbook.
"""

from __future__ import annotations

import codecs
import csv
import hashlib
import io
import re
import subprocess
import sys
import threading
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from app.errors import ImportFailed

# The longest physical CSV line and the most fields in a row; an OEWS row is ~300 characters, 32 fields.
MAX_LINE_CHARS = 1 << 20
MAX_FIELDS = 1000
# XLSX limits. BLS's largest workbook (all_data, ~413,000 rows x 32 columns) is ~80 MB zipped, ~500 MB
# of XML, compressed about 8:1; a deflate bomb reaches 1,000:1.
MAX_XLSX_PARTS = 1000
MAX_XLSX_UNCOMPRESSED = 2 << 30
MAX_XLSX_RATIO = 100
RATIO_CHECK_FROM = 10 << 20
MAX_SHEET_ROWS = 1_048_576
MAX_SHEET_COLUMNS = 256
MAX_SHEET_CELLS = 30_000_000
# Address space of the child that runs calamine: about 32 bytes a cell, plus strings and the XML reader.
XLSX_MEMORY_LIMIT = 3 << 30
XLSX_TIMEOUT_SECONDS = 600

_UTF16_BOMS = (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)
_DIMENSION = re.compile(rb"<(?:\w+:)?dimension\s[^>]*?\bref=\"([A-Z]{1,3})?(\d*):?([A-Z]{1,3})?(\d*)\"")


@dataclass(frozen=True)
class FileFacts:
    """What one pass over the bytes tells: checksum, line count (an estimate of rows) and text encoding."""

    checksum: str
    lines: int
    encoding: str


def is_xlsx(path: Path) -> bool:
    """XLSX by name (.xlsx, .xlsm) or, for other names, by the zip signature; .xls is refused."""
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


def file_facts(path: Path, *, text: bool) -> FileFacts:
    """sha256, line breaks and, for text, the encoding: a BOM's, else UTF-8 if valid, else Windows-1252."""
    digest = hashlib.sha256()
    lines = 0
    nul = False
    with path.open("rb") as fh:
        head = fh.read(4)
        fh.seek(0)
        if head.startswith(codecs.BOM_UTF8):
            candidates = ["utf-8-sig"]
        elif head.startswith(_UTF16_BOMS):
            candidates = ["utf-16"]
        else:
            candidates = ["utf-8", "cp1252"]
        decoders = {e: codecs.getincrementaldecoder(e)() for e in candidates} if text else {}
        failed: dict[str, tuple[int, int]] = {}
        offset = 0
        while chunk := fh.read(1 << 20):
            digest.update(chunk)
            lines += chunk.count(b"\n")
            nul = nul or b"\x00" in chunk
            for name, decoder in list(decoders.items()):
                try:
                    decoder.decode(chunk)
                except UnicodeDecodeError as exc:
                    failed[name] = (offset + exc.start, chunk[exc.start])
                    del decoders[name]
            offset += len(chunk)
        for name, decoder in list(decoders.items()):
            try:
                decoder.decode(b"", final=True)
            except UnicodeDecodeError:
                failed[name] = (offset, 0)
                del decoders[name]
    if not text:
        return FileFacts(digest.hexdigest(), lines, "binary")
    usable = [e for e in candidates if e in decoders]
    if not usable:
        position, byte = failed[candidates[-1]]
        what = {"utf-8-sig": "UTF-8", "utf-16": "UTF-16", "cp1252": "UTF-8 or Windows-1252"}[candidates[-1]]
        raise ImportFailed(
            f"{path.name}, row {_line_of(path, position)}: byte 0x{byte:02X} at offset {position:,} is not "
            f"valid {what} text; save the file as UTF-8 CSV."
        )
    if nul and usable[0] != "utf-16":
        raise ImportFailed(
            f"{path.name}: the file holds NUL bytes (UTF-16 text without a byte-order mark, or not text at "
            "all); save it as UTF-8 CSV."
        )
    return FileFacts(digest.hexdigest(), lines, usable[0])


def _line_of(path: Path, offset: int) -> int:
    """The line holding byte ``offset``, counted from 1, reading in chunks."""
    lines = 1
    with path.open("rb") as fh:
        while offset > 0 and (chunk := fh.read(min(offset, 1 << 20))):
            lines += chunk.count(b"\n")
            offset -= len(chunk)
    return lines


def _bounded_lines(fh: Any, name: str) -> Iterator[str]:
    """The file's lines, refusing one longer than MAX_LINE_CHARS before it is read whole."""
    number = 0
    while line := fh.readline(MAX_LINE_CHARS + 1):
        number += 1
        if len(line) > MAX_LINE_CHARS:
            raise ImportFailed(
                f"{name}, line {number}: longer than {MAX_LINE_CHARS:,} characters; "
                "an OEWS row is a few hundred, so this is not an OEWS file."
            )
        yield line


def _csv_rows(reader: Any, name: str, start: int) -> Iterator[tuple[int, list[str]]]:
    """(row number, cells) from a csv reader; the csv module's errors become a refusal naming the row."""
    row = start - 1
    try:
        for cells in reader:
            row += 1
            if len(cells) > MAX_FIELDS:
                raise ImportFailed(f"{name}, row {row}: more than {MAX_FIELDS:,} fields.")
            yield row, cells
    except csv.Error as exc:
        raise ImportFailed(f"{name}, row {row + 1}: not readable as CSV ({_csv_reason(exc)}).") from None


def _csv_reason(exc: csv.Error) -> str:
    text = str(exc)
    if "field larger than field limit" in text:
        return f"a field is longer than {csv.field_size_limit():,} characters"
    return text


@contextmanager
def open_table(path: Path, *, facts: FileFacts, xlsx: bool) -> Iterator[tuple[list[Any], Any, int]]:
    """Yield (header cells, iterator of (row number, cells) after it, estimated data rows)."""
    if not xlsx:
        with path.open(newline="", encoding=facts.encoding) as fh:
            rows = _csv_rows(csv.reader(_bounded_lines(fh, path.name)), path.name, 1)
            first = next(rows, None)
            if first is None:
                raise ImportFailed(f"{path.name}: the file is empty.")
            yield first[1], rows, max(facts.lines - 1, 0)
        return
    check_workbook(path)
    with _workbook_table(path) as table:
        yield table


def check_workbook(path: Path) -> None:
    """Refuse a workbook whose zip directory or declared sheet dimensions promise more than an OEWS file."""
    name = path.name
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError):
        raise ImportFailed(f"{name}: not a readable XLSX workbook (not a zip archive).") from None
    with archive:
        parts = archive.infolist()
        if len(parts) > MAX_XLSX_PARTS:
            raise ImportFailed(
                f"{name}: the workbook has {len(parts):,} parts; refused above {MAX_XLSX_PARTS:,}."
            )
        total = sum(p.file_size for p in parts)
        if total > MAX_XLSX_UNCOMPRESSED:
            raise ImportFailed(
                f"{name}: the workbook would expand to {total / 2**20:,.0f} MiB; "
                f"refused above {MAX_XLSX_UNCOMPRESSED / 2**20:,.0f} MiB."
            )
        for part in parts:
            ratio = part.file_size / max(part.compress_size, 1)
            if part.file_size >= RATIO_CHECK_FROM and ratio > MAX_XLSX_RATIO:
                raise ImportFailed(
                    f"{name}: part {part.filename} expands {ratio:,.0f} times "
                    f"(to {part.file_size / 2**20:,.0f} MiB); refused above {MAX_XLSX_RATIO}:1, "
                    "as a deflate bomb."
                )
        for part in parts:
            if not re.fullmatch(r"xl/worksheets/[^/]+\.xml", part.filename):
                continue
            try:
                with archive.open(part) as fh:
                    head = fh.read(1 << 16)
            except (zipfile.BadZipFile, OSError, EOFError, RuntimeError, NotImplementedError) as exc:
                raise ImportFailed(
                    f"{name}: not a readable XLSX workbook ({part.filename}: {type(exc).__name__})."
                ) from None
            found = _DIMENSION.search(head)
            if found is None:
                continue
            rows, columns = _extent(found)
            if rows > MAX_SHEET_ROWS or columns > MAX_SHEET_COLUMNS or rows * columns > MAX_SHEET_CELLS:
                raise ImportFailed(
                    f"{name}: {part.filename} declares {rows:,} rows x {columns:,} columns "
                    f"({found.group(0).decode('ascii', 'replace')}); refused above {MAX_SHEET_ROWS:,} rows, "
                    f"{MAX_SHEET_COLUMNS} columns or {MAX_SHEET_CELLS:,} cells."
                )


def _column_number(letters: bytes) -> int:
    number = 0
    for letter in letters:
        number = number * 26 + letter - 64
    return number


def _extent(found: re.Match[bytes]) -> tuple[int, int]:
    """(rows, columns) of a dimension ref such as A1:AF413000, counted from A1."""
    col_a, row_a, col_b, row_b = found.groups()
    rows = max(int(row_a or 1), int(row_b or 1))
    columns = max(_column_number(col_a or b"A"), _column_number(col_b or b"A"))
    return rows, columns


class _Reader:
    """The calamine child: started, watched for its time limit, and its failure told as a refusal."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.timed_out = False
        self.process = subprocess.Popen(
            [sys.executable, "-m", "app.oews.sheet", str(path), str(XLSX_MEMORY_LIMIT)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        self.timer = threading.Timer(XLSX_TIMEOUT_SECONDS, self._expire)
        self.timer.start()

    def _expire(self) -> None:
        self.timed_out = True
        self.process.kill()

    def close(self) -> None:
        self.timer.cancel()
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait()
        for stream in (self.process.stdout, self.process.stderr):
            if stream is not None:
                stream.close()

    def refusal(self) -> ImportFailed:
        """Why the child ended without a complete sheet."""
        code = self.process.wait()
        name = self.path.name
        if self.timed_out:
            return ImportFailed(f"{name}: reading the workbook took longer than {XLSX_TIMEOUT_SECONDS} s.")
        stderr = self.process.stderr.read().decode("utf-8", "replace") if self.process.stderr else ""
        reason = (stderr.strip().splitlines() or [""])[-1]
        if code == 3:
            return ImportFailed(f"{name}: {reason}")
        if code == 2:
            return ImportFailed(f"{name}: not a readable XLSX workbook ({reason}).")
        return ImportFailed(
            f"{name}: the workbook could not be read within {XLSX_MEMORY_LIMIT / 2**30:.0f} GiB "
            f"(the reader ended with code {code}); its cells span more rows and columns than "
            "an OEWS file, or it is damaged."
        )

    def rows(self, rows: Iterator[tuple[int, list[str]]]) -> Iterator[tuple[int, list[str]]]:
        """The rows, then a refusal if the child did not end cleanly (the sheet may be cut short)."""
        yield from rows
        if self.process.wait() != 0:
            raise self.refusal()


@contextmanager
def _workbook_table(path: Path) -> Iterator[tuple[list[Any], Any, int]]:
    """The data sheet's rows as the calamine child streams them, while it reads (two cores, one import)."""
    reader = _Reader(path)
    try:
        assert reader.process.stdout is not None
        stream = io.TextIOWrapper(reader.process.stdout, encoding="utf-8", newline="")
        found = re.fullmatch(r"(\d+) (\d+)\r?\n", stream.readline())
        if found is None:
            raise reader.refusal()
        header_row, estimate = int(found.group(1)), int(found.group(2))
        rows = _csv_rows(csv.reader(stream), path.name, header_row)
        first = next(rows, None)
        if first is None:
            raise reader.refusal()
        yield first[1], reader.rows(rows), estimate
    finally:
        reader.close()
