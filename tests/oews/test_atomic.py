"""An import is all or nothing: killed with SIGKILL while writing (its wage cells or, later, its employment
rows), or cut off from PostgreSQL midway, it leaves the database and every served figure exactly as before;
run again, it loads the whole release."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from bench.import_bench import write_csv
from tests.oews.served import served_digests
from tests.tcp_proxy import TcpProxy

ROWS = 120_000


def counts(url: str) -> dict[str, int]:
    engine = create_engine(url)
    with engine.connect() as conn:
        out = {
            table: conn.execute(text(f"SELECT count(*) FROM {table}")).scalar_one()
            for table in ("wage_cell", "area_employment", "release", "occupation", "area")
        }
        out["data_version"] = conn.execute(text("SELECT version FROM data_version")).scalar_one()
    engine.dispose()
    return out


def start_import(url: str, path: Path) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "app.cli", "import-oews", str(path), "--period", "May 2023"],
        env={**os.environ, "DATABASE_URL": url},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def writing(url: str, table: str = "") -> bool:
    """True once the import has begun writing rows (and so holds an open write transaction); on PostgreSQL,
    with ``table``, once it writes that table's rows."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        return Path(f"{parsed.database}-journal").exists() or Path(f"{parsed.database}-wal").exists()
    engine = create_engine(url)
    with engine.connect() as conn:
        busy = conn.execute(
            text(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                "AND pid <> pg_backend_pid() AND state = 'active' "
                "AND (query ILIKE :copy OR query ILIKE :insert)"
            ),
            {"copy": f"COPY {table}%", "insert": f"INSERT INTO {table}%"},
        ).scalar_one()
    engine.dispose()
    return busy > 0


@pytest.fixture(scope="module")
def big_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("oews") / "all_data_M_2023.csv"
    write_csv(path, ROWS)
    return path


# SQLite's journal shows that writing began, not what is written; PostgreSQL shows the statement.
@pytest.mark.parametrize(
    ("fresh_database", "table"),
    [("sqlite", ""), ("postgres", "wage_cell"), ("postgres", "area_employment")],
    indirect=["fresh_database"],
)
def test_sigkill_midway_leaves_nothing_then_a_rerun_loads_everything(
    fresh_database: str, table: str, big_file: Path
):
    before = counts(fresh_database)
    served = served_digests(fresh_database)
    proc = start_import(fresh_database, big_file)
    try:
        deadline = time.monotonic() + 120
        while not writing(fresh_database, table):
            assert proc.poll() is None, f"import ended before it began writing: {proc.stdout.read()}"
            assert time.monotonic() < deadline, "import never started writing"
            time.sleep(0.02)
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(30)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait(30)
        proc.stdout.close()
    assert proc.returncode == -signal.SIGKILL
    assert counts(fresh_database) == before
    assert served_digests(fresh_database) == served

    rerun = start_import(fresh_database, big_file)
    out, _ = rerun.communicate(timeout=300)
    assert rerun.returncode == 0, out
    after = counts(fresh_database)
    assert after["release"] == before["release"] + 1
    assert after["wage_cell"] > before["wage_cell"] + 100_000
    assert after["data_version"] == before["data_version"] + 1


@pytest.mark.parametrize("fresh_database", ["postgres"], indirect=True)
def test_database_lost_midway_fails_cleanly_and_writes_nothing(fresh_database: str, big_file: Path):
    before = counts(fresh_database)
    url = make_url(fresh_database)
    proxy = TcpProxy(url.host or "127.0.0.1", url.port or 5432)
    try:
        proxy.start()
        via_proxy = url.set(host="127.0.0.1", port=proxy.port).render_as_string(hide_password=False)
        proc = start_import(via_proxy, big_file)
        deadline = time.monotonic() + 120
        while not writing(fresh_database):
            assert proc.poll() is None and time.monotonic() < deadline
            time.sleep(0.02)
        proxy.stop()
        out, _ = proc.communicate(timeout=120)
    finally:
        proxy.close()
    assert proc.returncode != 0
    assert "Traceback" not in out and "import failed" in out.lower()
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and counts(fresh_database) != before:
        time.sleep(0.2)  # the server rolls back the orphaned transaction when it sees the socket close
    assert counts(fresh_database) == before


@pytest.mark.parametrize("fresh_database", ["postgres"], indirect=True)
def test_two_concurrent_imports_of_one_file_load_it_once(fresh_database: str):
    fixture = Path(__file__).parent / "fixtures" / "state_M2023_dl.csv"
    before = counts(fresh_database)
    procs = [start_import(fresh_database, fixture) for _ in range(2)]
    outputs = [p.communicate(timeout=120)[0] for p in procs]
    assert [p.returncode for p in procs] == [0, 0], outputs
    assert sum(" created" in out for out in outputs) == 1 and sum("unchanged" in out for out in outputs) == 1
    after = counts(fresh_database)
    assert after["release"] == before["release"] + 1
    assert after["data_version"] == before["data_version"] + 1
