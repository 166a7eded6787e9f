"""Engine construction (with the process's connection budget), naming-convention metadata, the writers' lock
(reads never open a session), and database faults named in words an operator can act on."""

import os
import sys
from typing import NamedTuple

from sqlalchemy import MetaData, event, text
from sqlalchemy.engine import Connection, Engine
from sqlmodel import SQLModel, create_engine

from app.config import DEFAULT_CONNECTIONS

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

SQLModel.metadata = MetaData(naming_convention=NAMING_CONVENTION)
metadata = SQLModel.metadata


def normalise_url(url: str) -> str:
    """Accept the common ``postgresql://`` and ``postgres://`` spellings and route them to psycopg 3."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def make_engine(url: str, *, connections: int = DEFAULT_CONNECTIONS) -> Engine:
    """An engine: SQLite with foreign keys and a busy timeout; PostgreSQL with a short connect timeout and at
    most ``connections`` connections, of which one is kept open while idle and the others are closed as soon
    as they are returned (so a process's idle share of ``max_connections`` is one slot)."""
    url = normalise_url(url)
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30})

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_conn, _record):  # type: ignore[no-untyped-def]
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA foreign_keys=ON")
            cur.close()

        return engine
    return create_engine(
        url,
        pool_pre_ping=True,
        pool_size=1,
        max_overflow=max(0, connections - 1),
        # The most recently used connection first: the one kept is the one that last answered.
        pool_use_lifo=True,
        pool_timeout=10,
        pool_recycle=600,
        connect_args={"connect_timeout": 3, "application_name": application_name()},
    )


def application_name() -> str:
    """How this process's connections show in ``pg_stat_activity``: the command and the process id."""
    command = os.path.basename(sys.argv[0]) or "python"
    role = sys.argv[1] if len(sys.argv) > 1 and not sys.argv[1].startswith("-") else ""
    return f"salary-api {role or command} {os.getpid()}"[:63]


class DatabaseFault(NamedTuple):
    """Why the database could not be used: a stable ``kind`` (a metric label) and words for people."""

    kind: str
    text: str

    def __str__(self) -> str:
        return self.text


# (kind, words, markers): the first whose SQLSTATE or message marker matches names the fault. Markers are
# PostgreSQL's and libpq's own messages (English; servers with another lc_messages still give the SQLSTATE).
_FAULTS: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    (
        "too_many_clients",
        "too many clients: PostgreSQL has no free connection slot (max_connections)",
        ("53300", "too many clients", "remaining connection slots are reserved"),
    ),
    ("connection_refused", "connection refused: nothing listens at the database's address", ("refused",)),
    (
        "authentication",
        "authentication failed: the database refused the user or password",
        ("28000", "28P01", "password authentication failed", "no pg_hba.conf entry", "role "),
    ),
    (
        "timeout",
        "time-out: the database did not answer in time",
        ("timeout expired", "timed out", "connection timeout", "57014"),
    ),
    ("database_missing", "the database does not exist", ("3D000", "does not exist")),
    (
        "starting_or_stopping",
        "the database server is starting up or shutting down",
        ("57P03", "57P01", "the database system is", "terminating connection due to administrator command"),
    ),
    (
        "host_unknown",
        "host unknown: the database's host name does not resolve",
        ("could not translate host name", "name or service not known", "nodename nor servname"),
    ),
    (
        "connection_lost",
        "connection lost: the database closed the connection",
        ("server closed the connection", "connection is lost", "consuming input failed", "eof detected"),
    ),
)


def _is_sqlstate(marker: str) -> bool:
    return len(marker) == 5 and marker[0].isdigit() and marker.isalnum() and marker.upper() == marker


def describe_fault(exc: BaseException) -> DatabaseFault:
    """Name a database failure (never with addresses or user names from the driver's message)."""
    if "QueuePool limit" in str(exc):
        return DatabaseFault("pool_exhausted", "every connection of this process's budget is busy")
    original = getattr(exc, "orig", None) or exc
    sqlstate = getattr(original, "sqlstate", None) or ""
    message = str(original).lower()
    for kind, words, markers in _FAULTS:
        if any(m == sqlstate if _is_sqlstate(m) else m.lower() in message for m in markers):
            return DatabaseFault(kind, words)
    if "no such table" in message or "undefinedtable" in type(original).__name__.lower():
        return DatabaseFault("not_migrated", "the schema is missing: run `salary-api migrate`")
    return DatabaseFault("other", f"database error ({type(original).__name__})")


# Serialises migrate / seed / import across processes and replicas sharing one PostgreSQL.
WRITER_LOCK_ID = 29_2072


def lock_writers(connection: Connection) -> None:
    """Take the writers' advisory lock for this transaction on PostgreSQL (SQLite locks the file itself)."""
    if connection.dialect.name == "postgresql":
        connection.execute(text("SELECT pg_advisory_xact_lock(:id)"), {"id": WRITER_LOCK_ID})
