"""Measure GET /export on a real server (not a test: run by hand on a database holding the full release).

    python -m bench.export_concurrency DATABASE_URL [PORT]

Starts ``salary-api serve`` on DATABASE_URL; one client gives up after 1 s, then four clients (two zip, two
sqlite) ask at once and follow Retry-After until 200; then each format again (served from the built file).
Prints the time to 200, the bytes, whether the bodies are identical, the server's VmRSS and VmHWM (peak RSS)
from /proc, and the export files left before and after shutdown.
"""

import glob
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx

EXPORT_DIRS = "/tmp/salary-api-export-*"


def main() -> None:
    url = sys.argv[1]
    port = sys.argv[2] if len(sys.argv) > 2 else "8765"
    env = {**os.environ, "DATABASE_URL": url, "PORT": port, "SALARY_API_RATE_LIMIT_PER_MINUTE": "0"}
    env["SALARY_API_SHUTDOWN_DRAIN"] = "0"
    server = subprocess.Popen([str(Path(sys.executable).with_name("salary-api")), "serve"], env=env)
    base = f"http://127.0.0.1:{port}"

    def memory() -> str:
        fields = dict(
            line.split(":", 1) for line in Path(f"/proc/{server.pid}/status").read_text().splitlines()
        )
        return f"VmRSS {fields['VmRSS'].strip()}, VmHWM {fields['VmHWM'].strip()}"

    def until_200(fmt: str) -> tuple[httpx.Response, float, int]:
        start, requests = time.monotonic(), 0
        while True:
            requests += 1
            r = httpx.get(f"{base}/export?format={fmt}", timeout=300)
            if r.status_code != 503:
                return r, time.monotonic() - start, requests
            time.sleep(float(r.headers.get("retry-after", "1")))

    try:
        for _ in range(600):
            try:
                if httpx.get(f"{base}/readyz", timeout=5).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            time.sleep(0.5)
        print("ready:", memory(), flush=True)
        try:
            httpx.get(f"{base}/export?format=zip", timeout=1)
            print("the impatient client got its answer within 1 s")
        except httpx.TimeoutException:
            print("the impatient client gave up after 1 s")
        answers: dict[int, tuple[str, httpx.Response, float, int]] = {}

        def fetch(i: int, fmt: str) -> None:
            answers[i] = (fmt, *until_200(fmt))

        clients = [threading.Thread(target=fetch, args=(i, f)) for i, f in enumerate(["zip", "sqlite"] * 2)]
        for t in clients:
            t.start()
        for t in clients:
            t.join()
        for i, (fmt, r, took, requests) in sorted(answers.items()):
            print(
                f"client {i} {fmt}: {r.status_code} after {took:.1f} s ({requests} requests), "
                f"{len(r.content):,} B"
            )
        for fmt in ("zip", "sqlite"):
            bodies = {r.content for f, r, _, _ in answers.values() if f == fmt}
            again, took, _ = until_200(fmt)
            print(
                f"{fmt}: {len(bodies)} distinct body; again {again.status_code} in {took:.2f} s, same bytes: "
                f"{bodies == {again.content}}"
            )
        print("after:", memory())
        print("export files:", sorted(os.path.basename(p) for p in glob.glob(f"{EXPORT_DIRS}/*")))
    finally:
        server.terminate()
        server.wait(60)
        print("export directories left after shutdown:", len(glob.glob(EXPORT_DIRS)))


if __name__ == "__main__":
    main()
