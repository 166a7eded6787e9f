"""The scale-out shape of docs/operations.md, run for real: Debian's HAProxy with deploy/haproxy.cfg (the
file compose.yaml mounts) in front of two `salary-api serve` replicas on one PostgreSQL. Reads go through
it; one replica is stopped (SIGTERM, the drain) under those reads; reading goes on without a failure."""

import contextlib
import os
import shutil
import signal
import subprocess
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.servers import ROOT, Served, free_port, wait_until

pytestmark = pytest.mark.postgres

CONFIG = ROOT / "deploy" / "haproxy.cfg"
DRAIN = 3.0  # more than HAProxy's two failed checks one second apart


@contextlib.contextmanager
def haproxy(replicas: list[Served], log_path: Path) -> Iterator[str]:
    """HAProxy on a free port with deploy/haproxy.cfg, the replicas' addresses in its environment."""
    binary = shutil.which("haproxy") or "/usr/sbin/haproxy"
    if not Path(binary).exists():
        if os.environ.get("CI") or os.environ.get("REQUIRE_POSTGRES"):
            pytest.fail("haproxy is not installed (.ci/run installs Debian's package)")
        pytest.skip("haproxy is not installed (apt-get install haproxy)")
    port = free_port()
    env = {
        **os.environ,
        "HAPROXY_BIND": f"127.0.0.1:{port}",
        "API1": f"127.0.0.1:{replicas[0].port}",
        "API2": f"127.0.0.1:{replicas[1].port}",
    }
    with open(log_path, "wb") as log:
        proc = subprocess.Popen([binary, "-db", "-f", str(CONFIG)], env=env, stdout=log, stderr=log)
        try:
            yield f"http://127.0.0.1:{port}"
        finally:
            proc.send_signal(signal.SIGUSR1)  # a soft stop
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(timeout=10)


def ready(url: str) -> bool:
    """``GET url`` answered 200 (a refused connection is not an answer yet)."""
    with contextlib.suppress(httpx.HTTPError):
        return httpx.get(url).status_code == 200
    return False


@pytest.mark.parametrize("fresh_database", ["postgres"], indirect=True)
def test_reads_through_haproxy_go_on_while_one_replica_stops(fresh_database: str, tmp_path: Path):
    replicas = [
        Served(
            fresh_database,
            tmp_path / f"api{i}.log",
            log_format="json",
            shutdown_drain=str(DRAIN),
            trusted_proxies="127.0.0.1",
        )
        for i in (1, 2)
    ]
    outcomes: list[tuple[float, int | str]] = []
    stop = threading.Event()
    try:
        for r in replicas:
            r.wait_ready(timeout=60)
        with haproxy(replicas, tmp_path / "haproxy.log") as proxy:
            # Both replicas pass the proxy's readiness checks (rise 2, inter 1 s).
            assert wait_until(lambda: ready(f"{proxy}/readyz"), timeout=15) is not None
            hidden = httpx.get(f"{proxy}/metrics")
            assert hidden.status_code == 404

            def read() -> None:
                with httpx.Client(base_url=proxy, timeout=10) as c:
                    while not stop.is_set():
                        try:
                            r = c.get("/states/NJ")
                            ok = r.status_code == 200 and r.json()["item"]["wages"]["mean"]["annual"] == 54490
                            outcomes.append((time.monotonic(), 200 if ok else r.status_code))
                        except httpx.HTTPError as exc:
                            outcomes.append((time.monotonic(), type(exc).__name__))
                        time.sleep(0.01)

            readers = [threading.Thread(target=read) for _ in range(3)]
            for t in readers:
                t.start()
            time.sleep(2.0)
            stopped_at = time.monotonic()
            replicas[0].sigterm()
            replicas[0].proc.wait(timeout=DRAIN + 20)
            gone_at = time.monotonic()
            time.sleep(3.0)  # reading goes on with one replica
            stop.set()
            for t in readers:
                t.join(15)
    finally:
        stop.set()
        for r in replicas:
            r.stop()

    assert {o for _, o in outcomes} == {200}, [o for _, o in outcomes if o != 200][:10]
    before = [o for at, o in outcomes if at < stopped_at]
    after = [o for at, o in outcomes if at > gone_at + 0.5]
    assert len(before) >= 20 and len(after) >= 20, (len(before), len(after))
    # Both replicas answered reads before the stop (HAProxy's leastconn spread them).
    for r in replicas:
        assert '"route":"/states/{code}"' in r.log_path.read_text()
