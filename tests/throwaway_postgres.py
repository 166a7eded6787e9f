"""A throwaway PostgreSQL server for the suite when TEST_DATABASE_URL is unset: pytest-postgresql's executor
runs the PostgreSQL binaries found on the machine (initdb into a temporary directory, a free port, trust
authentication), and stops it and removes its files at the end of the session."""

import glob
import os
import pwd
import shutil
import stat
import tempfile
import time
from pathlib import Path

import psycopg
from port_for import get_port
from pytest_postgresql.executors import PostgreSQLExecutor

# Where distributions put the server binaries (Debian/Ubuntu keep them off PATH, one directory per version).
SEARCH = (
    "/usr/lib/postgresql/*/bin/pg_ctl",
    "/usr/pgsql-*/bin/pg_ctl",
    "/usr/local/pgsql/bin/pg_ctl",
    "/opt/homebrew/opt/postgresql@*/bin/pg_ctl",
    "/usr/local/opt/postgresql@*/bin/pg_ctl",
)


def find_pg_ctl() -> str | None:
    """``PG_CTL``, else pg_ctl on PATH, else the newest version in the usual install directories."""
    if os.environ.get("PG_CTL"):
        return os.environ["PG_CTL"]
    on_path = shutil.which("pg_ctl")
    if on_path:
        return on_path

    def version(path: str) -> tuple[int, ...]:
        digits = "".join(c if c.isdigit() else " " for c in path).split()
        return tuple(int(d) for d in digits)

    found = [p for pattern in SEARCH for p in glob.glob(pattern)]
    return max(found, key=version) if found else None


class ThrowawayPostgres:
    """Start with ``start()`` (returns the admin URL); ``stop()`` is safe to call more than once."""

    def __init__(self, pg_ctl: str, options: str = "") -> None:
        self.options = options  # extra `-c name=value` settings, e.g. a small max_connections
        self.base = Path(tempfile.mkdtemp(prefix="salary-api-pg-"))
        self.executor: PostgreSQLExecutor | None = None
        executable = pg_ctl
        if os.geteuid() == 0:
            # PostgreSQL refuses to run as root (containers, CI images): run it as the `postgres` account.
            account = pwd.getpwnam("postgres")
            os.chown(self.base, account.pw_uid, account.pw_gid)
            wrapper = self.base / "pg_ctl"
            wrapper.write_text(f'#!/bin/sh\nexec runuser -u postgres -- "{pg_ctl}" "$@"\n')
            wrapper.chmod(wrapper.stat().st_mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)
            executable = str(wrapper)
        self.port = get_port(None)
        self.executable = executable

    def start(self) -> str:
        self.executor = PostgreSQLExecutor(
            executable=self.executable,
            host="127.0.0.1",
            port=self.port,
            datadir=str(self.base / "data"),
            unixsocketdir=str(self.base),
            logfile=str(self.base / "postgresql.log"),
            startparams="-w",
            dbname="test",
            postgres_options="-c fsync=off -c synchronous_commit=off -c full_page_writes=off " + self.options,
        )
        self.executor.start()
        self._wait_accepting()
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/postgres"

    def _wait_accepting(self, timeout: float = 60) -> None:
        """The executor returns once the port is open, which a loaded machine reaches before the server
        accepts sessions ("the database system is starting up"): wait for a real session."""
        deadline = time.monotonic() + timeout
        while True:
            try:
                psycopg.connect(f"host=127.0.0.1 port={self.port} user=postgres dbname=postgres").close()
                return
            except psycopg.OperationalError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.2)

    def stop(self) -> None:
        if self.executor is not None and self.executor.running():
            self.executor.stop()
        self.executor = None
        shutil.rmtree(self.base, ignore_errors=True)
