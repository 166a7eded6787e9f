"""Two API processes on one PostgreSQL: both serve a release imported by a third process within the refresh
interval, keep serving (marked stale) while PostgreSQL is unreachable, and recover when it is back."""

import time
from pathlib import Path

import httpx
import pytest
from sqlalchemy.engine import make_url

from tests.oews.conftest import FIXTURES
from tests.servers import Served, run_cli, wait_until
from tests.tcp_proxy import TcpProxy

pytestmark = pytest.mark.postgres

REFRESH = 0.5
RELEASE = "bls-oews-2023-05-state"
# Alabama, Medical Records Specialists, in the imported file (tests/oews/fixtures/state_M2023_dl.csv):
# H_MEDIAN 19.55, A_MEDIAN 40,660.
AL_MEDIAN = {"hourly": 19.55, "annual": 40660}


def status(server: Served, path: str) -> int:
    try:
        return httpx.get(f"{server.base}{path}", timeout=2).status_code
    except httpx.HTTPError:
        return 0


@pytest.mark.parametrize("fresh_database", ["postgres"], indirect=True)
def test_two_processes_one_postgres_import_outage_recovery(fresh_database: str, tmp_path: Path):
    url = make_url(fresh_database)
    proxy = TcpProxy(url.host or "127.0.0.1", url.port or 5432)
    servers: list[Served] = []
    try:
        proxy.start()
        via_proxy = url.set(host="127.0.0.1", port=proxy.port).render_as_string(hide_password=False)
        servers = [
            Served(via_proxy, tmp_path / f"api{i}.log", log_format="json", refresh_interval=str(REFRESH))
            for i in (1, 2)
        ]
        for s in servers:
            s.wait_ready()
        before = {httpx.get(f"{s.base}/readyz").json()["data_version"] for s in servers}
        assert len(before) == 1
        for s in servers:
            assert status(s, f"/states/AL?release={RELEASE}") == 404  # not imported yet

        # A third process imports a release, straight into PostgreSQL.
        done = run_cli(fresh_database, "import-oews", str(FIXTURES / "state_M2023_dl.csv"))
        assert done.returncode == 0, done.stderr
        imported_at = time.monotonic()
        new_version = before.pop() + 1

        def serves_new_version(s: Served) -> bool:
            r = httpx.get(f"{s.base}/states/AL", params={"release": RELEASE}, timeout=2)
            return r.status_code == 200 and r.headers["x-data-version"] == str(new_version)

        for s in servers:
            assert wait_until(lambda s=s: serves_new_version(s), timeout=10) is not None
        # Within the refresh interval, plus the time one reload of the seeded data takes.
        assert time.monotonic() - imported_at < REFRESH + 2.0
        for s in servers:
            body = httpx.get(f"{s.base}/states/AL", params={"release": RELEASE}).json()
            median = body["item"]["wages"]["median"]
            assert {"hourly": median["hourly"], "annual": median["annual"]} == AL_MEDIAN

        # PostgreSQL goes away: both keep answering from memory and say so.
        proxy.stop()
        for s in servers:
            assert wait_until(lambda s=s: status(s, "/readyz") == 503, timeout=10) is not None
            r = httpx.get(f"{s.base}/states/AL", params={"release": RELEASE}, timeout=5)
            assert r.status_code == 200 and "database unreachable" in r.headers["x-data-stale"]
            assert r.json()["item"]["wages"]["median"]["annual"] == AL_MEDIAN["annual"]

        # It comes back: ready again, no longer stale, no restart.
        proxy.start()
        for s in servers:
            assert wait_until(lambda s=s: status(s, "/readyz") == 200, timeout=15) is not None
            r = httpx.get(f"{s.base}/states/AL", params={"release": RELEASE}, timeout=5)
            assert r.status_code == 200 and "x-data-stale" not in r.headers
            assert r.headers["x-data-version"] == str(new_version)
    finally:
        for s in servers:
            s.stop()
        proxy.close()

    for s in servers:
        log = s.log_path.read_text()
        assert '"event":"database_unreachable"' in log and '"event":"database_reachable"' in log
        assert f'"event":"data_reloaded","data_version":{new_version}' in log
