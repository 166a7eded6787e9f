"""Faults against a real PostgreSQL reached through a local TCP proxy the test opens and closes:
the database unreachable at start, and lost while serving."""

import contextlib
import socket
import time
from collections.abc import Iterator

import pytest
from sqlalchemy.engine import make_url

from tests.conftest import _postgres_admin_url, make_client
from tests.tcp_proxy import TcpProxy

pytestmark = pytest.mark.postgres


def _wait_for(predicate, timeout: float = 15.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.1)
    return False


@pytest.mark.parametrize("fresh_database", ["postgres"], indirect=True)
def test_unreachable_at_start_then_recovers_without_restart(fresh_database: str):
    url = make_url(fresh_database)
    proxy = TcpProxy(url.host or "127.0.0.1", url.port or 5432)
    try:
        via_proxy = url.set(host="127.0.0.1", port=proxy.port).render_as_string(hide_password=False)
        with make_client(via_proxy, refresh_interval=0.2) as c:
            ready = c.get("/readyz")
            assert ready.status_code == 503 and ready.json()["error"]["type"] == "service_unavailable"
            data = c.get("/percentiles")
            assert data.status_code == 503 and set(data.json()["error"]) == {
                "status",
                "type",
                "message",
                "details",
                "request_id",
            }
            assert c.get("/healthz").status_code == 200

            proxy.start()
            assert _wait_for(lambda: c.get("/readyz").status_code == 200)
            body = c.get("/percentiles").json()
            assert body["percentiles"]["median"]["annual"] == 51140  # BLS May 2025, United States
    finally:
        proxy.close()


@pytest.mark.parametrize("fresh_database", ["postgres"], indirect=True)
def test_database_lost_while_serving_keeps_serving_memory_and_says_so(fresh_database: str):
    url = make_url(fresh_database)
    proxy = TcpProxy(url.host or "127.0.0.1", url.port or 5432)
    try:
        proxy.start()
        via_proxy = url.set(host="127.0.0.1", port=proxy.port).render_as_string(hide_password=False)
        with make_client(via_proxy, refresh_interval=0.2) as c:
            warm = c.get("/states?sort=-mean")
            assert warm.status_code == 200 and "x-data-stale" not in warm.headers

            proxy.stop()
            assert _wait_for(lambda: c.get("/readyz").status_code == 503)
            cached = c.get("/states?sort=-mean")
            assert cached.status_code == 200 and cached.json() == warm.json()
            assert "database unreachable" in cached.headers["x-data-stale"]
            # Not cached before, still answered from the in-memory snapshot.
            fresh = c.get("/states/NJ")  # New Jersey's official mean, BLS May 2025: $54,490
            assert fresh.status_code == 200 and fresh.json()["item"]["wages"]["mean"]["annual"] == 54490
            assert "x-data-stale" in fresh.headers

            proxy.start()
            assert _wait_for(lambda: c.get("/readyz").status_code == 200)
            assert "x-data-stale" not in c.get("/states?sort=-mean").headers
    finally:
        proxy.close()


@pytest.mark.parametrize("fresh_database", ["postgres"], indirect=True)
def test_occupation_not_yet_in_memory_is_503_while_the_database_is_lost(fresh_database: str):
    url = make_url(fresh_database)
    proxy = TcpProxy(url.host or "127.0.0.1", url.port or 5432)
    try:
        proxy.start()
        via_proxy = url.set(host="127.0.0.1", port=proxy.port).render_as_string(hide_password=False)
        # Preload another occupation, so 29-2072's figures are read from the database on first use.
        with make_client(via_proxy, default_occupation="00-0000", refresh_interval=0.2) as c:
            assert c.get("/readyz").status_code == 200
            proxy.stop()
            assert _wait_for(lambda: c.get("/readyz").status_code == 503)
            down = c.get("/states/NJ")
            assert down.status_code == 503 and down.headers["retry-after"] == "5"
            assert down.json()["error"]["type"] == "service_unavailable"
            assert "not in memory yet" in down.json()["error"]["message"]

            proxy.start()
            assert _wait_for(lambda: c.get("/readyz").status_code == 200)
            back = c.get("/states/NJ")
            assert back.status_code == 200 and back.json()["item"]["wages"]["mean"]["annual"] == 54490
    finally:
        proxy.close()


@contextlib.contextmanager
def silent_listener() -> Iterator[int]:
    """A port that accepts connections and never says a word (a firewall's black hole, a hung server)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        s.listen(16)
        yield s.getsockname()[1]


def _unknown_role_url() -> str:
    """The suite's PostgreSQL with a role that does not exist: refused at authentication."""
    admin = make_url(_postgres_admin_url())
    return admin.set(username="salary_api_no_such_role", password=None).render_as_string(hide_password=False)


@pytest.mark.parametrize(
    ("fault", "words"),
    [
        ("connection_refused", "connection refused"),
        ("timeout", "time-out"),
        ("authentication", "authentication failed"),
    ],
)
def test_readyz_the_log_and_the_metrics_name_the_database_fault(fault: str, words: str, caplog):
    with contextlib.ExitStack() as stack:
        if fault == "connection_refused":
            url = "postgresql+psycopg://postgres@127.0.0.1:1/none"  # nothing listens on port 1
        elif fault == "timeout":
            url = f"postgresql+psycopg://postgres@127.0.0.1:{stack.enter_context(silent_listener())}/none"
        else:
            url = _unknown_role_url()
        c = stack.enter_context(make_client(url, metrics_access="public"))
        ready = c.get("/readyz")
        data = c.get("/states")
        metrics = c.get("/metrics").text
    message = ready.json()["error"]["message"]
    assert ready.status_code == 503 and message.startswith(f"Database unreachable ({words}")
    assert "127.0.0.1" not in message and "salary_api_no_such_role" not in message
    for answer in (ready, data):  # "retry shortly": every such 503 says when
        assert answer.status_code == 503 and answer.headers["retry-after"] == "5"
    assert f'salary_api_database_faults_total{{fault="{fault}"}}' in metrics  # counted by name
    logged = [r for r in caplog.records if getattr(r, "fields", {}).get("event") == "database_unreachable"]
    assert logged and logged[0].fields["fault"] == fault and words in logged[0].getMessage()
