"""The container health check (`python -m app.health.probe`, the Dockerfile's HEALTHCHECK and compose's)
against a real served process: 0 when /readyz is 200, 1 when it is 503 or nothing answers."""

import subprocess
import sys
from pathlib import Path

from app.cli import run_migrations
from tests.servers import ROOT, Served, free_port


def probe(port: int) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "app.health.probe"],
        cwd=ROOT,
        env={"PORT": str(port), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        timeout=30,
    )


def test_the_probe_follows_readyz(seeded_sqlite: str, tmp_path: Path):
    ready = Served(seeded_sqlite, tmp_path / "ready.log")
    unseeded_db = f"sqlite:///{tmp_path / 'unseeded.db'}"
    run_migrations(unseeded_db)
    unseeded = Served(unseeded_db, tmp_path / "unseeded.log")
    try:
        ready.wait_ready()
        up = probe(ready.port)
        unseeded.wait_ready(expect=503)
        not_ready = probe(unseeded.port)
    finally:
        ready.stop()
        unseeded.stop()
    nothing = probe(free_port())
    assert (up.returncode, up.stdout) == (0, f"200 http://127.0.0.1:{ready.port}/readyz\n")
    assert (not_ready.returncode, not_ready.stdout) == (1, f"503 http://127.0.0.1:{unseeded.port}/readyz\n")
    assert nothing.returncode == 1 and nothing.stdout.startswith("no answer from http://127.0.0.1:")
