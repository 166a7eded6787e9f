"""Shared fixtures: databases built by the real migrations and seed, on SQLite and on PostgreSQL."""

import os
import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from app.cli import run_migrations
from app.config import Settings
from app.db import make_engine, normalise_url
from app.main import create_app
from seed.load import seed_database

BACKENDS = ["sqlite", "postgres"]


_throwaway: dict[str, object] = {}


def _throwaway_postgres_url() -> str:
    """The URL of a server this session starts itself (once), from the PostgreSQL binaries on the machine."""
    if "url" in _throwaway:
        return str(_throwaway["url"])
    if "error" in _throwaway:
        _no_postgres(str(_throwaway["error"]))
    from tests.throwaway_postgres import ThrowawayPostgres, find_pg_ctl

    pg_ctl = find_pg_ctl()
    if pg_ctl is None:
        _throwaway["error"] = "TEST_DATABASE_URL is unset and no PostgreSQL binaries (pg_ctl) were found"
        _no_postgres(str(_throwaway["error"]))
    server = ThrowawayPostgres(pg_ctl)
    _throwaway["server"] = server
    try:
        _throwaway["url"] = server.start()
    except Exception as exc:  # noqa: BLE001
        server.stop()
        _throwaway["error"] = f"TEST_DATABASE_URL is unset and {pg_ctl} could not start a server: {exc}"
        _no_postgres(str(_throwaway["error"]))
    return str(_throwaway["url"])


def _no_postgres(reason: str) -> None:
    if os.environ.get("REQUIRE_POSTGRES"):
        pytest.fail(f"{reason}; REQUIRE_POSTGRES is set")
    pytest.skip(f"PostgreSQL tests skipped: {reason}")


def pytest_sessionfinish(session: pytest.Session) -> None:
    server = _throwaway.pop("server", None)
    if server is not None:
        server.stop()  # type: ignore[attr-defined]


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """Whatever skipped, and why, in one line."""
    reasons: dict[str, int] = {}
    for report in terminalreporter.stats.get("skipped", []):
        longrepr = report.longrepr
        reason = longrepr[2] if isinstance(longrepr, tuple) else str(longrepr)
        reason = reason.removeprefix("Skipped: ")
        reasons[reason] = reasons.get(reason, 0) + 1
    if reasons:
        parts = "; ".join(f"{n}: {reason}" for reason, n in sorted(reasons.items(), key=lambda i: -i[1]))
        terminalreporter.write_line(f"skipped {sum(reasons.values())}: {parts}")


def _postgres_admin_url() -> str:
    url = os.environ.get("TEST_DATABASE_URL") or _throwaway_postgres_url()
    url = normalise_url(url)
    try:
        engine = create_engine(url, connect_args={"connect_timeout": 3})
        with engine.connect() as conn:
            conn.execute(text("select 1"))
        engine.dispose()
    except Exception as exc:  # noqa: BLE001
        message = f"PostgreSQL at TEST_DATABASE_URL is unreachable: {type(exc).__name__}"
        if os.environ.get("REQUIRE_POSTGRES") or os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    return url


def create_postgres_database(template: str | None = None) -> tuple[str, str]:
    """A new database on the server, empty or a copy of ``template``; returns (its URL, the admin URL)."""
    admin_url = _postgres_admin_url()
    name = f"salary_test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"' + (f' TEMPLATE "{template}"' if template else "")))
    admin.dispose()
    return make_url(admin_url).set(database=name).render_as_string(hide_password=False), admin_url


def drop_postgres_database(url: str, admin_url: str) -> None:
    name = make_url(url).database
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture
def empty_database(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """An empty database of the backend named by the test's ``backend`` parameter."""
    backend = getattr(request, "param", "sqlite")
    if backend == "sqlite":
        yield f"sqlite:///{tmp_path / 'empty.db'}"
        return
    url, admin_url = create_postgres_database()
    try:
        yield url
    finally:
        drop_postgres_database(url, admin_url)


def build_database(url: str) -> str:
    """Migrate to head and seed, as `make run` does."""
    run_migrations(url)
    engine = make_engine(url)
    seed_database(engine)
    engine.dispose()
    return url


@pytest.fixture(scope="session", params=BACKENDS)
def seeded_database(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    """A database built by the real migrations and seed; shared read-only by the HTTP tests."""
    if request.param == "sqlite":
        yield build_database(f"sqlite:///{tmp_path_factory.mktemp('db') / 'seeded.db'}")
        return
    url, admin_url = create_postgres_database()
    try:
        yield build_database(url)
    finally:
        drop_postgres_database(url, admin_url)


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One SQLite file built by the real migrations and seed, copied for each fresh database."""
    path = tmp_path_factory.mktemp("template") / "template.db"
    build_database(f"sqlite:///{path}")
    return path


@pytest.fixture(scope="session")
def postgres_template() -> Iterator[str]:
    """One PostgreSQL database built by the real migrations and seed, the template of each fresh one."""
    url, admin_url = create_postgres_database()
    build_database(url)
    try:
        yield url
    finally:
        drop_postgres_database(url, admin_url)


@pytest.fixture
def fresh_database(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A migrated, seeded database a test may change (a copy of one built once); parametrize ``backend``."""
    backend = getattr(request, "param", "sqlite")
    if backend == "sqlite":
        path = tmp_path / "fresh.db"
        shutil.copyfile(request.getfixturevalue("sqlite_template"), path)
        yield f"sqlite:///{path}"
        return
    template = make_url(request.getfixturevalue("postgres_template")).database
    url, admin_url = create_postgres_database(template=template)
    try:
        yield url
    finally:
        drop_postgres_database(url, admin_url)


@pytest.fixture(scope="module")
def seeded_sqlite(sqlite_template: Path, tmp_path_factory: pytest.TempPathFactory) -> str:
    """A copy of the migrated, seeded SQLite database for the server processes of one test module."""
    target = tmp_path_factory.mktemp("served") / "served.db"
    shutil.copyfile(sqlite_template, target)
    return f"sqlite:///{target}"


def make_client(url: str, **settings: object) -> TestClient:
    return TestClient(create_app(Settings(database_url=url, **settings)))  # type: ignore[arg-type]


@pytest.fixture(scope="session")
def client(seeded_database: str) -> Iterator[TestClient]:
    """The app, started with its lifespan, over the seeded database."""
    with make_client(seeded_database) as c:
        yield c
