"""``salary-api serve`` in a subprocess on a free port, its stderr (the log) kept in a file."""

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]


def free_port() -> int:
    with contextlib.closing(socket.socket(socket.AF_INET, socket.SOCK_STREAM)) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_until(predicate: Callable[[], bool], timeout: float) -> float | None:
    """Seconds until ``predicate()`` held (asked every 50 ms), or None when it did not within ``timeout``."""
    start = time.monotonic()
    while time.monotonic() - start < timeout:
        if predicate():
            return time.monotonic() - start
        time.sleep(0.05)
    return None


def run_cli(database_url: str, *args: str, timeout: float = 120) -> "subprocess.CompletedProcess[str]":
    """``salary-api ARGS`` in a subprocess on ``database_url`` (e.g. an import from a third process)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("SALARY_API_")}
    env["SALARY_API_DATABASE_URL"] = database_url
    env.pop("DATABASE_URL", None)
    return subprocess.run(
        [sys.executable, "-m", "app.cli", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


class Served:
    """One API process started as operators start it (or by ``command(port)``); ``stop()`` always leaves
    nothing running."""

    def __init__(
        self,
        database_url: str,
        log_path: Path,
        *,
        workers: int = 1,
        command: Callable[[int], list[str]] | None = None,
        **settings: str,
    ) -> None:
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.log_path = log_path
        self.log = open(log_path, "wb")  # noqa: SIM115 - closed in stop()
        env = {k: v for k, v in os.environ.items() if not k.startswith("SALARY_API_")}
        env.update(
            {
                "SALARY_API_DATABASE_URL": database_url,
                "SALARY_API_RATE_LIMIT_PER_MINUTE": "0",
                "SALARY_API_SHUTDOWN_DRAIN": "0",
                **{f"SALARY_API_{k.upper()}": v for k, v in settings.items()},
            }
        )
        env.pop("DATABASE_URL", None)
        serve = [
            sys.executable,
            "-m",
            "app.cli",
            "serve",
            "--port",
            str(self.port),
            "--workers",
            str(workers),
        ]
        self.proc = subprocess.Popen(
            command(self.port) if command else serve,
            cwd=ROOT,
            env=env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )

    def wait_ready(self, timeout: float = 30.0, expect: int = 200) -> "Served":
        """Wait until /readyz answers ``expect`` (503: serving, but not ready)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"server exited early:\n{self.log_path.read_text()[-3000:]}")
            with contextlib.suppress(httpx.HTTPError):
                if httpx.get(f"{self.base}/readyz", timeout=1.0).status_code == expect:
                    return self
            time.sleep(0.1)
        raise RuntimeError(f"server not ready after {timeout} s:\n{self.log_path.read_text()[-3000:]}")

    def sigterm(self) -> None:
        self.proc.send_signal(signal.SIGTERM)

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGINT)
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=10)
        if not self.log.closed:
            self.log.close()

    def log_lines(self) -> list[str]:
        self.log.flush()
        return self.log_path.read_text(errors="replace").splitlines()


@contextlib.contextmanager
def serve(database_url: str, tmp_path: Path, **settings: str) -> Iterator[str]:
    """`salary-api serve` on a free port with the given SALARY_API_* settings; yields its base URL."""
    server = Served(database_url, tmp_path / "serve.log", **settings)
    try:
        yield server.wait_ready().base
    finally:
        server.stop()
