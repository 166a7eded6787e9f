"""SIGTERM under load: /readyz turns 503 at once, requests keep being answered for the drain period, then
new connections are refused; no request fails in any other way."""

import threading
import time
from pathlib import Path

import httpx

from tests.servers import Served

DRAIN = 2.0


def test_sigterm_drains_then_refuses(seeded_sqlite: str, tmp_path: Path):
    server = Served(seeded_sqlite, tmp_path / "api.log", log_format="json", shutdown_drain=str(DRAIN))
    server.wait_ready()
    outcomes: list[tuple[float, str]] = []  # (time, "200" | "refused" | anything else is a failure)
    stop = threading.Event()

    def load(path: str) -> None:
        # A new connection per request, as from many clients: after the drain each one is refused cleanly.
        with httpx.Client(
            base_url=server.base, timeout=10, limits=httpx.Limits(max_keepalive_connections=0)
        ) as c:
            while not stop.is_set():
                try:
                    with c.stream("GET", path) as r:
                        try:
                            r.read()
                            outcome = str(r.status_code)
                        except httpx.HTTPError as exc:  # an answer cut short: a real failure
                            outcome = f"cut: {type(exc).__name__}"
                except (httpx.ConnectError, httpx.RemoteProtocolError, httpx.ReadError):
                    # Refused, or closed before any byte of an answer (a connection the kernel had
                    # queued when the listener closed): nothing was processed; safe to retry.
                    outcome = "refused"
                except httpx.HTTPError as exc:  # a timeout
                    outcome = type(exc).__name__
                outcomes.append((time.monotonic(), outcome))
                if outcome == "refused":
                    time.sleep(0.02)

    threads = [
        threading.Thread(target=load, args=(p,)) for p in ("/states", "/states/NJ", "/percentiles?state=CA")
    ]
    try:
        for t in threads:
            t.start()
        time.sleep(0.5)
        sigterm_at = time.monotonic()
        server.sigterm()

        ready = []
        while time.monotonic() - sigterm_at < DRAIN - 0.5:
            with httpx.Client(timeout=5) as probe:
                ready.append((time.monotonic() - sigterm_at, probe.get(f"{server.base}/readyz").status_code))
            time.sleep(0.1)
        server.proc.wait(timeout=DRAIN + 15)
        exited_at = time.monotonic()
        time.sleep(0.3)
    finally:
        stop.set()
        for t in threads:
            t.join(15)
        server.stop()

    # /readyz says 503 from the first probe after SIGTERM and for the whole drain.
    assert len(ready) >= 2 and all(status == 503 for _, status in ready), ready
    during = [o for at, o in outcomes if sigterm_at < at < sigterm_at + DRAIN - 0.2]
    assert during and set(during) == {"200"}, f"requests keep being served while draining: {during}"
    assert {o for _, o in outcomes} <= {"200", "refused"}, {o for _, o in outcomes}
    after = [o for at, o in outcomes if at > exited_at + 0.1]
    assert after and set(after) == {"refused"}, after
    events = (tmp_path / "api.log").read_text()
    assert '"event":"drain"' in events and '"event":"shutdown"' in events
