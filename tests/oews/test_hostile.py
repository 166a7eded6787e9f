"""Hostile files (issue 11, part 5) are clean refusals: a message naming the file, nothing written,
``/percentiles`` byte for byte as before, and the importing process alive and small. The files are made
by bench/hostile_files.py, which also measures them against the CLI."""

import codecs
import re
from pathlib import Path

import pytest

from app.errors import ImportFailed
from bench.hostile_files import (
    bomb_xlsx,
    cli_import,
    long_field_csv,
    long_line_csv,
    recode,
    sparse_xlsx,
    undecodable_csv,
    understated_xlsx,
)
from tests.conftest import make_client
from tests.oews.conftest import FIXTURES, dump, figures, fixture_row, money, run_import

STATE = FIXTURES / "state_M2023_dl.csv"
# The goal the issue sets for a deflate bomb: refused with a peak RSS of at most 400 MB.
PEAK_RSS_MB = 400


def refused(url: str, path: Path, message: str) -> None:
    """The import of ``path`` fails with ``message`` and changes nothing, in the tables or over HTTP."""
    with make_client(url) as client:
        before_body = client.get("/percentiles").content
    before = dump(url)
    with pytest.raises(ImportFailed, match=message):
        run_import(url, path)
    assert dump(url) == before
    with make_client(url) as client:
        assert client.get("/percentiles").content == before_body


@pytest.fixture(scope="module")
def bomb(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return bomb_xlsx(tmp_path_factory.mktemp("bomb") / "all_data_M_2023.xlsx")


def test_sparse_workbook_is_refused_not_fatal(fresh_database: str, tmp_path: Path) -> None:
    # calamine asks for 550 GB for A1 and XFD1048576 and aborts: in its own child process, not this one.
    path = sparse_xlsx(tmp_path / "all_data_M_2023.xlsx", dimension=False)
    assert path.stat().st_size < 2000
    refused(fresh_database, path, r"all_data_M_2023\.xlsx: the workbook could not be read within 3 GiB")


def test_sparse_workbook_declaring_its_size_is_refused_before_reading(fresh_database: str, tmp_path: Path):
    path = sparse_xlsx(tmp_path / "all_data_M_2023.xlsx", dimension=True)
    refused(
        fresh_database,
        path,
        r"all_data_M_2023\.xlsx: xl/worksheets/sheet1\.xml declares 1,048,576 rows x 16,384 columns",
    )


def test_sparse_workbook_on_the_command_line(fresh_database: str, tmp_path: Path) -> None:
    path = sparse_xlsx(tmp_path / "all_data_M_2023.xlsx", dimension=False)
    code, _seconds, _peak, message = cli_import(fresh_database, path)
    assert code == 1
    assert message.startswith("import failed: all_data_M_2023.xlsx: the workbook could not be read")


def test_deflate_bomb_is_refused_before_reading(fresh_database: str, bomb: Path) -> None:
    assert bomb.stat().st_size < 2 << 20
    refused(fresh_database, bomb, r"part xl/worksheets/sheet1\.xml expands 2\d\d times .* as a deflate bomb")


def test_deflate_bomb_peak_memory(fresh_database: str, bomb: Path) -> None:
    code, _seconds, peak_mb, message = cli_import(fresh_database, bomb)
    assert code == 1
    assert "as a deflate bomb" in message
    assert peak_mb <= PEAK_RSS_MB


def test_bomb_understating_its_size_is_stopped_at_the_declared_size(fresh_database: str, tmp_path: Path):
    # The declared sizes pass the checks; the reader (Rust's zip) stops where the declaration ends.
    path = understated_xlsx(tmp_path / "all_data_M_2023.xlsx", expanded=16 << 20)
    refused(
        fresh_database,
        path,
        r"all_data_M_2023\.xlsx: not a readable XLSX workbook \(.*larger than its declared uncompressed size",
    )


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (long_field_csv, r", row 2: not readable as CSV \(a field is longer than 131,072 characters\)\."),
        (long_line_csv, r", line 2: longer than 1,048,576 characters"),
    ],
)
def test_oversized_csv_field_or_line(fresh_database: str, tmp_path: Path, make, message: str) -> None:
    # 2 MB, not the attack's 50 MB: both limits are far below either.
    path = make(tmp_path / "state_M2023_dl.csv", size=2 << 20)
    refused(fresh_database, path, r"state_M2023_dl\.csv" + message)


def test_bytes_invalid_in_every_encoding_name_their_row(fresh_database: str, tmp_path: Path) -> None:
    row, _ = fixture_row(STATE.name, area="01", occ="29-2072")
    path = undecodable_csv(STATE, tmp_path / STATE.name, row=row)
    offset = path.read_bytes().index(b"\x81")
    refused(
        fresh_database,
        path,
        rf"state_M2023_dl\.csv, row {row}: byte 0x81 at offset {offset:,} is not valid UTF-8 or Windows-1252",
    )


@pytest.mark.parametrize(
    ("encoding", "bom"), [("utf-16-le", codecs.BOM_UTF16_LE), ("utf-16-be", codecs.BOM_UTF16_BE)]
)
def test_utf16_with_a_byte_order_mark_is_read(fresh_database: str, tmp_path: Path, encoding: str, bom: bytes):
    path = recode(STATE, tmp_path / STATE.name, encoding=encoding, bom=bom)
    report = run_import(fresh_database, path)
    assert (report.status, report.rows_read, report.rows_loaded) == ("created", 12, 10)
    _, al = fixture_row(STATE.name, area="01", occ="29-2072")
    median = figures(fresh_database)[("bls-oews-2023-05-state", "29-2072", "state", "AL", "median")]
    assert (median["hourly"], median["annual"]) == (money(al["H_MEDIAN"]), money(al["A_MEDIAN"]))


def test_utf16_without_a_byte_order_mark_is_refused(fresh_database: str, tmp_path: Path) -> None:
    path = recode(STATE, tmp_path / STATE.name, encoding="utf-16-le")
    refused(fresh_database, path, re.escape("state_M2023_dl.csv: the file holds NUL bytes (UTF-16 text"))


def test_a_directory_is_refused_as_not_a_file(fresh_database: str, tmp_path: Path) -> None:
    """A path that cannot be read as a file. (An unreadable file cannot be staged here: CI runs as root,
    who reads any file whatever its mode.)"""
    path = tmp_path / STATE.name
    path.mkdir()
    refused(fresh_database, path, r"state_M2023_dl\.csv: a directory, not a file; give the path")
