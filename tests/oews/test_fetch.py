"""``salary-api fetch-oews`` against a local stand-in for BLS's folder (tests/oews/release_server.py): the
contact in the User-Agent, the newest period by default, every workbook imported, the no-op second run,
resume, retries, refusals that change nothing, and ``--check`` as /readyz and /metrics show it."""

import os
import subprocess
from datetime import UTC, datetime
from importlib.metadata import version
from pathlib import Path

import httpx
import pytest

from tests.conftest import make_client
from tests.oews.conftest import BOTH, dump, fixture_row, fixture_rows, money, salary_api
from tests.oews.release_server import ReleaseServer, etag, release_workbooks, release_zip
from tests.ops.test_metrics import value
from tests.servers import serve

CONTACT = "data-team@example.org"
# Without --period the command takes the newest published May period: last year's, here.
YEAR = datetime.now(UTC).year - 1
YY = f"{YEAR % 100:02d}"
DEFAULT_FILES = (f"oesm{YY}nat.zip", f"oesm{YY}st.zip", f"oesm{YY}ma.zip")


def fetch_cli(url: str, cache: Path, *args: str, contact: str | None = CONTACT, timeout: float = 10):
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("SALARY_API_") and k not in ("DATABASE_URL", "XDG_CACHE_HOME")
    }
    env.update(DATABASE_URL=url, SALARY_API_FETCH_CACHE_DIR=str(cache), COLUMNS="200")
    env["SALARY_API_FETCH_TIMEOUT"] = str(timeout)
    if contact is not None:
        env["SALARY_API_BLS_CONTACT"] = contact
    return salary_api("fetch-oews", *args, env=env)


@pytest.fixture(scope="module")
def zips(tmp_path_factory: pytest.TempPathFactory) -> dict[str, bytes]:
    """The default files of last year's period, and the all-data file, built once."""
    directory = tmp_path_factory.mktemp("zips")
    return {
        f"oesm{YY}{scope}.zip": release_zip(YEAR, scope, directory) for scope in ("nat", "st", "ma", "all")
    }


@pytest.fixture
def server(zips: dict[str, bytes]):
    with ReleaseServer(files=dict(zips)) as running:
        yield running


def output(result: subprocess.CompletedProcess[str]) -> str:
    return result.stdout + result.stderr


def _key(scope: str) -> str:
    return f"bls-oews-{YEAR}-05-{scope}"


@BOTH
def test_fetch_imports_every_workbook_then_a_second_run_does_nothing(
    fresh_database: str, server: ReleaseServer, tmp_path: Path
) -> None:
    first = fetch_cli(fresh_database, tmp_path / "cache", "--from", server.url)
    assert first.returncode == 0, output(first)
    # The newest period was found with one HEAD (last May's national file), then each file was downloaded.
    assert [(s.method, s.name) for s in server.seen] == [
        ("HEAD", DEFAULT_FILES[0]),
        *(("GET", name) for name in DEFAULT_FILES),
    ]
    assert {s.headers["user-agent"] for s in server.seen} == {
        f"salary-api/{version('salary-api')} ({CONTACT})"
    }
    for scope in ("national", "state", "metro", "nonmetro"):
        assert f"{_key(scope)} created" in output(first)

    with make_client(fresh_database) as client:
        states = client.get("/states", params={"release": _key("state"), "limit": 100}).json()["items"]
        metro = client.get("/metros/41940", params={"release": _key("metro")}).json()["item"]
        nonmetro = client.get("/metros/0100001", params={"release": _key("nonmetro")}).json()["item"]
        national = client.get("/percentiles", params={"release": _key("national")}).json()
    row_number, alabama = fixture_row("state_M2023_dl.csv", area="01", occ="29-2072")
    by_code = {s["code"]: s for s in states}
    assert by_code["AL"]["wages"]["median"]["annual"] == money(alabama["A_MEDIAN"])
    assert by_code["AL"]["wages"]["median"]["citation"] == (
        f"BLS OEWS file state_M{YEAR}_dl.xlsx, row {row_number}: Alabama, Medical Records Specialists"
    )
    assert by_code["PR"]["area_type"] == "territory"
    msa = {(r["AREA"], r["OCC_CODE"]): r for r in fixture_rows("MSA_M2023_dl.csv")}
    assert metro["wages"]["median"]["annual"] == money(msa[("41940", "29-2072")]["A_MEDIAN"])
    assert nonmetro["area_type"] == "nonmetro"
    assert nonmetro["wages"]["mean"]["annual"] == money(msa[("0100001", "29-2072")]["A_MEAN"])
    assert nonmetro["wages"]["mean"]["citation"].startswith(f"BLS OEWS file BOS_M{YEAR}_dl.xlsx, row 2:")
    _, us = fixture_row("national_M2023_dl.csv", area="99", occ="29-2072")
    assert national["percentiles"]["median"]["annual"] == money(us["A_MEDIAN"])

    before = dump(fresh_database)
    served = len(server.seen)
    second = fetch_cli(fresh_database, tmp_path / "cache", "--from", server.url)
    assert second.returncode == 0, output(second)
    again = server.seen[served:]
    # Each download was asked for again with its validators and answered 304: no byte of a body came back.
    assert [(s.method, s.status) for s in again] == [("HEAD", 200)] + [("GET", 304)] * 3
    assert all(s.headers["if-none-match"] for s in again if s.method == "GET")
    assert sum(s.body_bytes for s in again) == 0
    assert "nothing new; nothing downloaded or imported" in output(second)
    assert dump(fresh_database) == before


def test_an_interrupted_download_resumes_where_it_stopped(
    fresh_database: str, server: ReleaseServer, tmp_path: Path
) -> None:
    name = DEFAULT_FILES[1]
    size = len(server.files[name])
    server.faults[name] = [f"cut:{size // 2}"]
    result = fetch_cli(fresh_database, tmp_path / "cache", "--from", server.url, "--period", f"May {YEAR}")
    assert result.returncode == 0, output(result)
    first, second = server.requests(name, "GET")
    assert first.status == 200 and first.body_bytes == size // 2
    assert second.headers["range"] == f"bytes={size // 2}-"
    assert second.headers["if-range"] == etag(server.files[name])
    assert second.status == 206 and second.body_bytes == size - size // 2
    # No byte was fetched twice.
    assert f"{name}: resumed after an interruption ({size:,} bytes received)" in output(result)
    assert f"{_key('state')} created" in output(result)


def test_a_503_then_success_is_retried(fresh_database: str, server: ReleaseServer, tmp_path: Path) -> None:
    name = DEFAULT_FILES[2]
    server.faults[name] = ["503", "503"]
    result = fetch_cli(fresh_database, tmp_path / "cache", "--from", server.url, "--period", f"May {YEAR}")
    assert result.returncode == 0, output(result)
    assert [s.status for s in server.requests(name, "GET")] == [503, 503, 200]
    assert f"{_key('nonmetro')} created" in output(result)


def test_a_time_out_is_retried(fresh_database: str, server: ReleaseServer, tmp_path: Path) -> None:
    name = DEFAULT_FILES[0]
    server.faults[name] = ["stall:3"]
    result = fetch_cli(
        fresh_database, tmp_path / "cache", "--from", server.url, "--period", f"May {YEAR}", timeout=1
    )
    assert result.returncode == 0, output(result)
    assert len(server.requests(name, "GET")) == 2
    assert f"{_key('national')} created" in output(result)


def test_a_server_that_keeps_failing_is_given_up_on_and_nothing_changes(
    fresh_database: str, server: ReleaseServer, tmp_path: Path
) -> None:
    name = DEFAULT_FILES[0]
    server.faults[name] = ["503"] * 10
    before = dump(fresh_database)
    result = fetch_cli(fresh_database, tmp_path / "cache", "--from", server.url, "--period", f"May {YEAR}")
    assert result.returncode == 1
    assert len(server.requests(name, "GET")) == 4
    assert f"{name}: download failed after 4 attempts (HTTP 503)" in output(result)
    assert "Traceback" not in output(result)
    assert dump(fresh_database) == before


def _corrupt(data: bytes) -> bytes:
    """A byte of the deflated workbook flipped: the zip's directory reads, the CRC check fails."""
    middle = len(data) // 3
    return data[:middle] + bytes([data[middle] ^ 0xFF]) + data[middle + 1 :]


@pytest.mark.parametrize(
    ("damage", "message"),
    [
        (_corrupt, "is corrupt"),
        (lambda data: data[: len(data) - 200], "not a readable zip archive (truncated or corrupt download)"),
        (lambda data: b"<html>Access Denied</html>", "not a readable zip archive"),
    ],
    ids=["flipped-byte", "truncated", "not-a-zip"],
)
@BOTH
def test_a_corrupt_download_is_refused_and_nothing_changes(
    fresh_database: str, server: ReleaseServer, tmp_path: Path, damage, message: str
) -> None:
    cache = tmp_path / "cache"
    name = DEFAULT_FILES[2]
    server.files[name] = damage(server.files[name])
    before = dump(fresh_database)
    result = fetch_cli(fresh_database, cache, "--from", server.url, "--period", f"May {YEAR}")
    assert result.returncode == 1
    text = output(result)
    assert f"{name}: " in text and message in text
    assert "The download was refused: nothing was imported" in text
    assert "Traceback" not in text
    # Not even the two good files were imported, and the bad one is not kept.
    assert dump(fresh_database) == before
    kept = sorted(p.name for p in cache.rglob("*.zip*"))
    assert name not in kept and f"{name}.part" not in kept


@pytest.mark.parametrize(
    ("books", "message"),
    [
        (
            {"MSA": "MSA"},
            f"the workbook BOS_M{YEAR}_dl.xlsx is missing (the archive holds MSA_M{YEAR}_dl.xlsx)",
        ),
        (
            {"MSA": "MSA", "BOS": "MSA"},
            f"BOS_M{YEAR}_dl.xlsx holds no rows for nonmetro areas, which a nonmetro file must hold",
        ),
    ],
    ids=["workbook-missing", "area-type-missing"],
)
def test_a_release_without_what_it_must_hold_is_refused(
    fresh_database: str, server: ReleaseServer, tmp_path: Path, books: dict[str, str], message: str
) -> None:
    made = release_workbooks(YEAR, "ma", tmp_path)
    named = {f"{kind}_M{YEAR}_dl.xlsx": made[f"{source}_M{YEAR}_dl.xlsx"] for kind, source in books.items()}
    server.files[DEFAULT_FILES[2]] = release_zip(YEAR, "ma", tmp_path, books=named)
    before = dump(fresh_database)
    result = fetch_cli(fresh_database, tmp_path / "cache", "--from", server.url, "--period", f"May {YEAR}")
    assert result.returncode == 1, output(result)
    assert message in output(result)
    assert dump(fresh_database) == before


def test_scope_all_takes_the_all_data_file(
    fresh_database: str, server: ReleaseServer, tmp_path: Path
) -> None:
    result = fetch_cli(fresh_database, tmp_path / "cache", "--from", server.url, "--scope", "all")
    assert result.returncode == 0, output(result)
    assert [s.name for s in server.requests(method="GET")] == [f"oesm{YY}all.zip"]
    assert f"{_key('all')} created" in output(result)


def test_without_a_contact_the_command_refuses_to_start(
    fresh_database: str, server: ReleaseServer, tmp_path: Path
) -> None:
    before = dump(fresh_database)
    for contact in (None, "", "   ", "nobody"):
        result = fetch_cli(fresh_database, tmp_path / "cache", "--from", server.url, contact=contact)
        assert result.returncode == 2, output(result)
        text = output(result)
        assert "SALARY_API_BLS_CONTACT" in text and "BLS asks automated clients" in text
        assert "nothing was downloaded" in text and "Traceback" not in text
        result = fetch_cli(
            fresh_database, tmp_path / "cache", "--check", "--from", server.url, contact=contact
        )
        assert result.returncode == 2
    assert server.seen == []
    assert not (tmp_path / "cache").exists()
    assert dump(fresh_database) == before


def _next_files() -> list[str]:
    # The seed holds BLS's May 2025 files: the period after it is May 2026.
    return ["oesm26nat.zip", "oesm26st.zip", "oesm26ma.zip"]


@BOTH
def test_check_asks_for_the_next_period_and_every_process_sees_the_answer(
    fresh_database: str, server: ReleaseServer, tmp_path: Path
) -> None:
    # A server process of its own: the gauges are per process, and the other apps this test process runs
    # (the session's clients) write their own databases' state into the same gauges at each refresh.
    with serve(fresh_database, tmp_path, refresh_interval="0.05", metrics_access="public") as api:
        ready = httpx.get(f"{api}/readyz").json()
        assert ready["release_check"] is None
        assert value(httpx.get(f"{api}/metrics").text, "salary_api_newer_release_available") == 0

        absent = fetch_cli(fresh_database, tmp_path / "cache", "--check", "--from", server.url)
        assert absent.returncode == 0, output(absent)
        assert "no newer release: May 2026 is not published (holding May 2025;" in output(absent)
        assert [(s.method, s.name, s.status) for s in server.seen] == [
            ("HEAD", name, 404) for name in _next_files()
        ]
        ready = httpx.get(f"{api}/readyz")
        assert ready.status_code == 200
        state = ready.json()["release_check"]
        assert state["newer_release_available"] is False
        assert (state["next_period"], state["newest_held"]) == ("May 2026", "May 2025")
        assert state["files"] == dict.fromkeys(_next_files(), 404)

        for name in _next_files():
            server.files[name] = b"published"
        server.seen.clear()
        found = fetch_cli(fresh_database, tmp_path / "cache", "--check", "--from", server.url)
        assert found.returncode == 0, output(found)
        assert "newer release available: May 2026" in output(found)
        # HEAD only: nothing was downloaded.
        assert {s.method for s in server.seen} == {"HEAD"} and sum(s.body_bytes for s in server.seen) == 0
        ready = httpx.get(f"{api}/readyz")
        assert ready.status_code == 200
        state = ready.json()["release_check"]
        assert state["newer_release_available"] is True and state["next_period_published"] is True
        assert state["source"] == server.url
        exposed = httpx.get(f"{api}/metrics").text
        assert value(exposed, "salary_api_newer_release_available") == 1
        checked = value(exposed, "salary_api_release_check_timestamp_seconds")
        assert abs(checked - datetime.now(UTC).timestamp()) < 120


def test_check_without_head_falls_back_to_a_one_byte_get(
    fresh_database: str, server: ReleaseServer, tmp_path: Path
) -> None:
    server.head_allowed = False
    for name in _next_files():
        server.files[name] = b"published"
    result = fetch_cli(fresh_database, tmp_path / "cache", "--check", "--from", server.url)
    assert result.returncode == 0, output(result)
    assert "newer release available: May 2026" in output(result)
    gets = server.requests(method="GET")
    assert [s.headers["range"] for s in gets] == ["bytes=0-0"] * 3


def test_importing_the_checked_period_clears_the_flag(
    fresh_database: str, server: ReleaseServer, tmp_path: Path
) -> None:
    server.files.update(
        {f"oesm26{scope}.zip": release_zip(2026, scope, tmp_path) for scope in ("nat", "st", "ma")}
    )
    assert fetch_cli(fresh_database, tmp_path / "cache", "--check", "--from", server.url).returncode == 0
    with make_client(fresh_database) as client:
        assert client.get("/readyz").json()["release_check"]["newer_release_available"] is True
    result = fetch_cli(fresh_database, tmp_path / "cache", "--from", server.url, "--period", "May 2026")
    assert result.returncode == 0, output(result)
    # A server process of its own, as above: its gauges are its own.
    with serve(fresh_database, tmp_path, metrics_access="public") as api:
        state = httpx.get(f"{api}/readyz").json()["release_check"]
        metrics = httpx.get(f"{api}/metrics").text
    assert state["newer_release_available"] is False and state["newest_held"] == "May 2026"
    assert value(metrics, "salary_api_newer_release_available") == 0
    assert value(metrics, "salary_api_release_check_timestamp_seconds") > 0  # a check was recorded


def test_an_unusable_cache_directory_is_a_one_line_failure(
    fresh_database: str, server: ReleaseServer, tmp_path: Path
) -> None:
    cache = tmp_path / "cache"
    cache.write_text("a file where the cache directory should be")
    before = dump(fresh_database)
    result = fetch_cli(fresh_database, cache, "--from", server.url, "--period", f"May {YEAR}")
    assert result.returncode == 1
    assert result.stderr.strip().startswith("fetch-oews failed: cannot use")
    assert "nothing was imported" in result.stderr and "Traceback" not in output(result)
    assert dump(fresh_database) == before
