"""The connection budget on a PostgreSQL of its own with a small ``max_connections`` (a throwaway server this
module starts, never the shared one): each process holds at most SALARY_API_DB_CONNECTIONS connections and one
while idle; one dead pooled connection does not flip readiness; a full server is named as such; three
processes and an import within the documented formula all become ready and none flaps."""

import contextlib
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import psycopg
import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from app.config import DEFAULT_CONNECTIONS
from app.db import application_name, make_engine
from app.domain.store import Store
from tests.conftest import _no_postgres, build_database, make_client
from tests.oews.conftest import FIXTURES
from tests.servers import Served, run_cli, wait_until
from tests.throwaway_postgres import ThrowawayPostgres, find_pg_ctl

pytestmark = pytest.mark.postgres

REPLICAS, IMPORTS, HEADROOM = 3, 1, 2
# docs/operations.md's formula: replicas x connections per process + imports + headroom (here the test's
# own monitoring connection).
MAX_CONNECTIONS = REPLICAS * DEFAULT_CONNECTIONS + IMPORTS + HEADROOM


@pytest.fixture(scope="module")
def small_postgres() -> Iterator[str]:
    """A migrated, seeded database on a throwaway server with max_connections = the formula's total."""
    pg_ctl = find_pg_ctl()
    if pg_ctl is None:
        _no_postgres("no PostgreSQL binaries (pg_ctl) for a throwaway server with a small max_connections")
    server = ThrowawayPostgres(
        pg_ctl, options=f"-c max_connections={MAX_CONNECTIONS} -c superuser_reserved_connections=0"
    )
    try:
        admin_url = server.start()
        admin = create_engine(admin_url, isolation_level="AUTOCOMMIT", poolclass=None)
        with admin.connect() as conn:
            conn.execute(text('CREATE DATABASE "salary"'))
        admin.dispose()
        yield build_database(make_url(admin_url).set(database="salary").render_as_string(False))
    finally:
        server.stop()


def libpq(url: str) -> str:
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


@contextlib.contextmanager
def server_filled(url: str, leave_free: int = 0) -> Iterator[list[psycopg.Connection]]:
    """Take every free connection slot but ``leave_free`` (opened until the server refuses one)."""
    held: list[psycopg.Connection] = []
    try:
        for _ in range(MAX_CONNECTIONS + 1):
            try:
                held.append(psycopg.connect(libpq(url), connect_timeout=3, autocommit=True))
            except psycopg.OperationalError as exc:
                assert "too many clients" in str(exc)
                break
        if leave_free:
            # A closed connection's server process ends a moment later: its slot is free only then.
            watcher = held[0]
            before = client_backends(watcher)
            for _ in range(leave_free):
                held.pop().close()
            freed = wait_until(lambda: client_backends(watcher) <= before - leave_free, timeout=10)
            assert freed is not None, "the closed connections' slots were not freed in 10 s"
        yield held
    finally:
        for conn in held:
            conn.close()


def client_backends(conn: psycopg.Connection) -> int:
    """Client connections the server holds now (``conn`` in autocommit: each query sees a fresh count)."""
    row = conn.execute("SELECT count(*) FROM pg_stat_activity WHERE backend_type = 'client backend'")
    return int(row.fetchone()[0])  # type: ignore[index]


def our_backends(admin: psycopg.Connection, name: str) -> int:
    row = admin.execute("SELECT count(*) FROM pg_stat_activity WHERE application_name = %s", (name,))
    return int(row.fetchone()[0])  # type: ignore[index]


def terminate(admin: psycopg.Connection, name: str) -> None:
    """End this process's pooled connections server-side, and wait until their slots are free."""
    sql = "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = %s"
    admin.execute(sql, (name,))
    assert wait_until(lambda: our_backends(admin, name) == 0, timeout=10) is not None


def test_one_dead_pooled_connection_does_not_flip_readiness(small_postgres: str):
    engine = make_engine(small_postgres, connections=2)
    name = application_name()
    store = Store(engine)
    admin = psycopg.connect(libpq(small_postgres), autocommit=True)
    try:
        assert store.refresh() and store.database_ok
        with engine.connect() as a, engine.connect() as b:  # the whole budget at once
            a.execute(text("SELECT 1"))
            b.execute(text("SELECT 1"))
            assert our_backends(admin, name) == 2
        assert our_backends(admin, name) == 1  # the idle one beyond the first is released

        # The pooled connection dies (a restart, a proxy, an administrator) while the server fills up but
        # for one slot: one check after another reconnects once and stays up.
        terminate(admin, name)
        with server_filled(small_postgres, leave_free=1):
            checks = []
            for _ in range(10):
                store.refresh()
                checks.append(store.database_ok)
            assert checks == [True] * 10

            # No slot at all and no live connection: the truth, named.
            terminate(admin, name)
            with server_filled(small_postgres):
                store.refresh()
                assert not store.database_ok
                assert store.last_fault is not None and store.last_fault.kind == "too_many_clients"
    finally:
        admin.close()
        engine.dispose()


def test_a_full_server_is_named_in_readyz_the_log_and_the_metrics(small_postgres: str, caplog):
    with server_filled(small_postgres), make_client(small_postgres, metrics_access="public") as c:
        ready = c.get("/readyz")
        metrics = c.get("/metrics").text
    assert ready.status_code == 503 and ready.headers["retry-after"] == "5"
    assert ready.json()["error"]["message"].startswith("Database unreachable (too many clients: ")
    assert 'salary_api_database_faults_total{fault="too_many_clients"}' in metrics
    assert any("too many clients" in r.getMessage() for r in caplog.records)


def test_three_processes_and_an_import_within_the_budget_all_ready_none_flaps(
    small_postgres: str, tmp_path: Path
):
    servers = [
        Served(small_postgres, tmp_path / f"api{i}.log", log_format="json", refresh_interval="0.2")
        for i in range(REPLICAS)
    ]
    probes: list[tuple[int, int]] = []  # (server, status)
    peak: dict[str, int] = {}
    stop = threading.Event()

    def watch() -> None:
        with psycopg.connect(libpq(small_postgres), autocommit=True) as conn:  # the headroom's one
            while not stop.is_set():
                for i, s in enumerate(servers):
                    try:
                        probes.append((i, httpx.get(f"{s.base}/readyz", timeout=5).status_code))
                    except httpx.HTTPError:
                        probes.append((i, 0))
                rows = conn.execute(
                    "SELECT application_name, count(*) FROM pg_stat_activity "
                    "WHERE application_name LIKE 'salary-api %' GROUP BY 1"
                ).fetchall()
                for app, n in rows:
                    peak[app] = max(peak.get(app, 0), n)
                peak["total"] = max(peak.get("total", 0), sum(n for _, n in rows))
                time.sleep(0.05)

    def load(s: Served) -> None:
        paths = ("/states", "/percentiles?occupation=43-3021", "/states/AL?occupation=11-9111", "/metros")
        with httpx.Client(base_url=s.base, timeout=10) as c:
            while not stop.is_set():
                for p in paths:
                    c.get(p)

    watcher = threading.Thread(target=watch)
    loaders = [threading.Thread(target=load, args=(s,)) for s in servers]
    try:
        for s in servers:
            s.wait_ready(timeout=60)
        watcher.start()
        for t in loaders:
            t.start()
        done = run_cli(small_postgres, "import-oews", str(FIXTURES / "state_M2023_dl.csv"))
        assert done.returncode == 0, done.stderr
        time.sleep(4.0)  # every process reloads the new data version under load, and is watched
    finally:
        stop.set()
        for t in [watcher, *loaders]:
            if t.is_alive():
                t.join(15)
        for s in servers:
            s.stop()

    print(f"probes: {len(probes)}; peak connections: {peak}")
    assert len(probes) >= 10 * REPLICAS
    assert {status for _, status in probes} == {200}, [p for p in probes if p[1] != 200][:10]
    servers_peak = {app: n for app, n in peak.items() if "serve" in app}
    assert len(servers_peak) == REPLICAS and max(servers_peak.values()) <= DEFAULT_CONNECTIONS, peak
    assert peak["total"] <= MAX_CONNECTIONS - 1, peak  # the watcher's own connection is the last one
    for s in servers:
        log = s.log_path.read_text()
        assert '"event":"database_unreachable"' not in log
        assert '"event":"data_reloaded"' in log
