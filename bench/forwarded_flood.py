"""Issue 11 §1 as a bench: a flood of forged X-Forwarded-For values against a real server, and what it
does to the server's memory. Goal: the flood adds no more than 64 MB.

    python -m bench.forwarded_flood DATABASE_URL [REQUESTS] [PORT]

Runs twice on ``salary-api serve``: with no trusted proxies (the default: the header is ignored) and with
127.0.0.1 trusted (the worst case: every valid address gets a bucket). Each request carries a unique 8 kB
header value; half of them are valid IPv4 addresses, half junk. Prints VmRSS before and after, VmHWM, and
how many requests were answered 200 and 429.
"""

import asyncio
import os
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import httpx

PAD = "x" * 8000


def status(pid: int) -> dict[str, str]:
    lines = Path(f"/proc/{pid}/status").read_text().splitlines()
    return {k: v.strip() for k, v in (line.split(":", 1) for line in lines)}


def forged(n: int) -> str:
    """Odd: 8 kB of junk. Even: a chain ending in a unique valid address (a bucket each when trusted)."""
    if n % 2:
        return f"{PAD}{n}"
    return f"203.0.113.7, {10 + n // 65536 % 200}.{n // 256 % 256}.{n % 256}.9"


async def flood(base: str, requests: int) -> Counter[int]:
    counts: Counter[int] = Counter()
    limits = httpx.Limits(max_connections=64)
    async with httpx.AsyncClient(base_url=base, limits=limits, timeout=30) as client:
        queue = iter(range(requests))

        async def worker() -> None:
            for n in queue:
                r = await client.get("/healthz", headers={"X-Forwarded-For": forged(n)})
                counts[r.status_code] += 1

        await asyncio.gather(*(worker() for _ in range(64)))
    return counts


def run(url: str, requests: int, port: str, trusted: str) -> None:
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "PORT": port,
        "SALARY_API_RATE_LIMIT_PER_MINUTE": "6000",
        "SALARY_API_TRUSTED_PROXIES": trusted,
        "SALARY_API_SHUTDOWN_DRAIN": "0",
    }
    server = subprocess.Popen([str(Path(sys.executable).with_name("salary-api")), "serve"], env=env)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):
            try:
                if httpx.get(f"{base}/readyz").status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.1)
        before = status(server.pid)["VmRSS"]
        started = time.monotonic()
        counts = asyncio.run(flood(base, requests))
        elapsed = time.monotonic() - started
        after = status(server.pid)
        print(
            f"trusted proxies={trusted or '(none)'}: {requests} requests in {elapsed:.1f} s, "
            f"statuses {dict(counts)}; VmRSS {before} -> {after['VmRSS']}, VmHWM {after['VmHWM']}"
        )
    finally:
        server.terminate()
        server.wait(timeout=10)


def main() -> None:
    url = sys.argv[1]
    requests = int(sys.argv[2]) if len(sys.argv) > 2 else 20_000
    port = sys.argv[3] if len(sys.argv) > 3 else "8766"
    for trusted in ("", "127.0.0.1"):
        run(url, requests, port, trusted)


if __name__ == "__main__":
    main()
