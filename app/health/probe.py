"""The container's health check: ``python -m app.health.probe`` exits 0 when this host's API answers
``/readyz`` with 200, else 1. Standard library only (the slim image has no curl), and no app import, so a
check costs a few milliseconds and no database connection of its own."""

import os
import sys
import urllib.error
import urllib.request


def probe(url: str, timeout: float) -> tuple[bool, str]:
    """Whether ``url`` answers 200, and what to print."""
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:  # noqa: S310 - a local http URL
            return response.status == 200, f"{response.status} {url}"
    except urllib.error.HTTPError as exc:
        return False, f"{exc.code} {url}"
    except (urllib.error.URLError, OSError) as exc:
        return False, f"no answer from {url}: {getattr(exc, 'reason', exc)}"


def main(argv: list[str]) -> int:
    port = os.environ.get("PORT", "8000")
    url = argv[1] if len(argv) > 1 else f"http://127.0.0.1:{port}/readyz"
    ok, said = probe(url, timeout=float(os.environ.get("PROBE_TIMEOUT", "3")))
    print(said)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv))
