"""/healthz and /readyz, including the not-seeded and unreachable-database cases."""

import pytest
from fastapi.testclient import TestClient

from app.cli import run_migrations
from tests.conftest import make_client


def test_healthz(client: TestClient):
    r = client.get("/healthz")
    assert r.status_code == 200 and r.json() == {"status": "ok"}


def test_readyz_when_seeded(client: TestClient):
    r = client.get("/readyz")
    assert r.status_code == 200
    assert r.json()["status"] == "ready" and r.json()["data_version"] >= 1


@pytest.mark.parametrize("empty_database", ["sqlite", "postgres"], indirect=True)
def test_readyz_503_when_migrated_but_not_seeded(empty_database: str):
    run_migrations(empty_database)
    with make_client(empty_database) as c:
        r = c.get("/readyz")
        assert r.status_code == 503
        assert "not seeded" in r.json()["error"]["message"]
        data = c.get("/percentiles")
        assert data.status_code == 503 and data.json()["error"]["type"] == "service_unavailable"
        assert c.get("/healthz").status_code == 200


def test_readyz_503_when_database_unreachable():
    # A closed port: nothing listens on 127.0.0.1:1.
    with make_client("postgresql+psycopg://postgres@127.0.0.1:1/none") as c:
        r = c.get("/readyz")
        assert r.status_code == 503
        body = r.json()
        assert body["error"]["type"] == "service_unavailable" and "unreachable" in body["error"]["message"]
        assert "127.0.0.1" not in body["error"]["message"]
        assert c.get("/states").status_code == 503


def test_a_request_over_its_time_limit_is_a_503_with_retry_after(seeded_sqlite: str):
    # /readyz checks the database in a worker thread: far longer than a microsecond.
    with make_client(seeded_sqlite, request_timeout=0.000001) as c:
        r = c.get("/readyz")
    assert r.status_code == 503 and r.headers["retry-after"] == "5"
    assert r.json()["error"]["type"] == "timeout"


def test_not_seeded_is_a_503_with_retry_after(tmp_path):
    url = f"sqlite:///{tmp_path / 'empty.db'}"
    run_migrations(url)
    with make_client(url) as c:
        for path in ("/readyz", "/percentiles", "/states/NJ"):
            r = c.get(path)
            assert r.status_code == 503 and r.headers["retry-after"] == "5", path
