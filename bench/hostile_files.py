"""Hostile files against ``salary-api import-oews`` (issue 11, part 5): each must be a clean refusal.

Run with ``python -m bench.hostile_files [--database URL]``: writes each file to a temporary directory,
imports it with the CLI in a child process and prints the exit code, seconds, the peak RSS of the import
and its processes (``RUSAGE_CHILDREN``), and the message. Without ``--database`` a scratch SQLite database
is migrated and seeded first. tests/oews/test_hostile.py asserts the same with these generators.
"""

from __future__ import annotations

import argparse
import codecs
import os
import struct
import subprocess
import sys
import tempfile
import textwrap
import zipfile
from collections.abc import Callable
from pathlib import Path

from seed.extract import LAYOUT

_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>'
)
_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" '
    'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
    'Target="xl/workbook.xml"/></Relationships>'
)
_WORKBOOK = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
    '<sheets><sheet name="All May 2023 data" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
_WORKBOOK_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" '
    'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" '
    'Target="worksheets/sheet1.xml"/></Relationships>'
)
_SHEET_OPEN = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
)


def _column(number: int) -> str:
    letters = ""
    while number:
        number, rest = divmod(number - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _header_row() -> str:
    cells = "".join(
        f'<c r="{_column(n)}1" t="inlineStr"><is><t>{name}</t></is></c>' for n, name in enumerate(LAYOUT, 1)
    )
    return f'<row r="1">{cells}</row>'


def _workbook(path: Path, write_sheet: Callable[[zipfile.ZipFile], None]) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("[Content_Types].xml", _CONTENT_TYPES)
        archive.writestr("_rels/.rels", _RELS)
        archive.writestr("xl/workbook.xml", _WORKBOOK)
        archive.writestr("xl/_rels/workbook.xml.rels", _WORKBOOK_RELS)
        write_sheet(archive)
    return path


def sparse_xlsx(path: Path, *, dimension: bool) -> Path:
    """A ~1.5 kB workbook with two cells, A1 and XFD1048576 (Excel's last); ``dimension`` declares them."""
    declared = '<dimension ref="A1:XFD1048576"/>' if dimension else ""
    sheet = (
        f"{_SHEET_OPEN}{declared}<sheetData>{_header_row()}"
        '<row r="1048576"><c r="XFD1048576"><v>1</v></c></row></sheetData></worksheet>'
    )
    return _workbook(path, lambda archive: archive.writestr("xl/worksheets/sheet1.xml", sheet))


def bomb_xlsx(path: Path, *, expanded: int = 280 << 20) -> Path:
    """A deflate bomb of real cells: ``expanded`` bytes of identical rows, which deflate compresses about
    280:1 (about 1 MB on disk by default) and calamine would hold as ~18 million cells, over 1 GB."""
    row = "<row>" + "<c><v>1</v></c>" * len(LAYOUT) + "</row>"
    block = (row * ((1 << 20) // len(row))).encode()

    def write(archive: zipfile.ZipFile) -> None:
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as fh:
            fh.write(f"{_SHEET_OPEN}<sheetData>{_header_row()}".encode())
            for _ in range(expanded // len(block)):
                fh.write(block)
            fh.write(b"</sheetData></worksheet>")

    return _workbook(path, write)


def understated_xlsx(path: Path, *, expanded: int = 64 << 20, declared: int = 1 << 20) -> Path:
    """A bomb whose zip directory understates the sheet's size (``declared`` for ``expanded`` bytes), so
    checks of the declared sizes pass; the reader must stop at the declared size."""
    row = "<row>" + "<c><v>1</v></c>" * len(LAYOUT) + "</row>"
    sheet = f"{_SHEET_OPEN}<sheetData>{_header_row()}{row * (expanded // len(row))}</sheetData></worksheet>"
    _workbook(path, lambda archive: archive.writestr("xl/worksheets/sheet1.xml", sheet))
    data = bytearray(path.read_bytes())
    name = b"xl/worksheets/sheet1.xml"
    local, central = data.index(name) - 30, data.rindex(name) - 46
    assert data[local : local + 4] == b"PK\x03\x04" and data[central : central + 4] == b"PK\x01\x02"
    struct.pack_into("<I", data, local + 22, declared)
    struct.pack_into("<I", data, central + 24, declared)
    path.write_bytes(bytes(data))
    return path


def _csv_header() -> str:
    return ",".join(LAYOUT) + "\n"


def long_field_csv(path: Path, *, size: int = 50 << 20) -> Path:
    """A CSV whose second row holds one quoted field of ``size`` characters, spread over short lines."""
    with path.open("w", encoding="utf-8", newline="") as fh:
        fh.write(_csv_header())
        fh.write('99,"')
        line = "x" * 99 + "\n"
        for _ in range(size // len(line)):
            fh.write(line)
        fh.write('"\n')
    return path


def long_line_csv(path: Path, *, size: int = 50 << 20) -> Path:
    """A CSV whose second row is one unquoted line of ``size`` characters."""
    with path.open("w", encoding="utf-8", newline="") as fh:
        fh.write(_csv_header())
        chunk = "x" * (1 << 20)
        for _ in range(size // len(chunk)):
            fh.write(chunk)
        fh.write("\n")
    return path


def recode(source: Path, target: Path, *, encoding: str, bom: bytes = b"") -> Path:
    """``source`` (UTF-8 text) written in another encoding, with an optional byte-order mark."""
    target.write_bytes(bom + source.read_text(encoding="utf-8").encode(encoding))
    return target


def undecodable_csv(source: Path, target: Path, *, row: int) -> Path:
    """``source`` with byte 0x81 (valid in neither UTF-8 nor Windows-1252) in its ``row``th row's title."""
    lines = source.read_bytes().splitlines(keepends=True)
    lines[row - 1] = lines[row - 1].replace(b"Specialists", b"Speciali\x81sts", 1)
    target.write_bytes(b"".join(lines))
    return target


def cli_import(url: str, path: Path) -> tuple[int, float, int, str]:
    """(exit code, seconds, peak RSS in MB of the CLI and its children, last line of output)."""
    probe = textwrap.dedent(
        """
        import resource, subprocess, sys, time
        started = time.perf_counter()
        done = subprocess.run(sys.argv[1:], capture_output=True, text=True)
        seconds = time.perf_counter() - started
        peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss // 1024
        lines = (done.stdout + done.stderr).strip().splitlines() or [""]
        print(done.returncode, f"{seconds:.2f}", peak, lines[-1], sep="\\t")
        """
    )
    env = {**os.environ, "DATABASE_URL": url, "SALARY_API_DATABASE_URL": url, "COLUMNS": "400"}
    out = subprocess.run(
        [sys.executable, "-c", probe, sys.executable, "-m", "app.cli", "import-oews", str(path)],
        capture_output=True,
        text=True,
        env=env,
        check=True,
    ).stdout
    code, seconds, peak, message = out.rstrip("\n").split("\t", 3)
    return int(code), float(seconds), int(peak), message


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--database", help="database URL (default: a scratch SQLite, migrated and seeded)")
    args = parser.parse_args()
    fixtures = Path(__file__).resolve().parent.parent / "tests" / "oews" / "fixtures"
    with tempfile.TemporaryDirectory() as tmp:
        directory = Path(tmp)
        url = args.database
        if url is None:
            from bench.run import migrate_and_seed

            url = f"sqlite:///{directory / 'hostile.db'}"
            migrate_and_seed(url)
        state = fixtures / "state_M2023_dl.csv"
        attacks = {
            "sparse XLSX": lambda: sparse_xlsx(directory / "sparse_M2023.xlsx", dimension=False),
            "sparse XLSX, declared": lambda: sparse_xlsx(directory / "declared_M2023.xlsx", dimension=True),
            "deflate bomb XLSX": lambda: bomb_xlsx(directory / "bomb_M2023.xlsx"),
            "bomb, size understated": lambda: understated_xlsx(directory / "understated_M2023.xlsx"),
            "CSV, 50 MB field": lambda: long_field_csv(directory / "field_M2023.csv"),
            "CSV, 50 MB line": lambda: long_line_csv(directory / "line_M2023.csv"),
            "CSV, undecodable byte": lambda: undecodable_csv(state, directory / "bytes_M2023.csv", row=4),
            "CSV, UTF-16 with BOM": lambda: recode(
                state, directory / "utf16_M2023.csv", encoding="utf-16-le", bom=codecs.BOM_UTF16_LE
            ),
            "CSV, UTF-16 without BOM": lambda: recode(
                state, directory / "utf16le_M2023.csv", encoding="utf-16-le"
            ),
        }
        print(f"{'attack':<28} {'bytes':>10} {'exit':>4} {'s':>6} {'peak MB':>7}  message")
        for label, make in attacks.items():
            path = make()
            code, seconds, peak, message = cli_import(url, path)
            print(f"{label:<28} {path.stat().st_size:>10,} {code:>4} {seconds:>6.2f} {peak:>7}  {message}")
            path.unlink()


if __name__ == "__main__":
    main()
