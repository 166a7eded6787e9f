"""What reading places as people write them costs: ``python -m bench.locations`` (part of ``make bench``).

In one process, on a migrated and seeded SQLite database: the time to read and pack the HUD-USPS ZIP-CBSA
crosswalk, the memory it holds (tracemalloc), and the time of a lookup by kind of input, the first time
(a new input) and once remembered (the resolver keeps the last 4,096 distinct inputs per snapshot). Goals
from the location issue: a ZIP or city lookup under 50 us; the crosswalk under 20 MB per process."""

from __future__ import annotations

import functools
import gc
import statistics
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bench.run import build_database, log, markdown_table, plain_table, write_results

LOOKUP_TARGET_US = 50.0
CROSSWALK_TARGET_MB = 20.0
# One input of each kind; each timed on a fresh resolver (first) and again (remembered).
INPUTS = {
    "ZIP": "77001",
    "ZIP+4": "07102-1234",
    "City, ST": "Houston, TX",
    "City, ST, in two states' metro": "Kansas City, MO",
    "state name": "new jersey",
    "metro name": "Houston",
    "national": "remote",
}


def timed(fn: Callable[[], object], repeat: int) -> float:
    """Median microseconds of ``fn()`` over ``repeat`` runs."""
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        times.append((time.perf_counter() - started) * 1e6)
    return statistics.median(times)


def main() -> int:
    from app.db import make_engine
    from app.domain.places import Gazetteer
    from app.domain.store import Snapshot

    with tempfile.TemporaryDirectory(prefix="bench-locations-") as tmp:
        url = build_database(Path(tmp))
        engine = make_engine(url)
        gc.collect()
        tracemalloc.start()
        started = time.perf_counter()
        snapshot = Snapshot.load(engine, ())
        load_s = time.perf_counter() - started
        before = tracemalloc.get_traced_memory()[0]
        crosswalk = snapshot.gazetteer.crosswalk
        del snapshot
        gc.collect()
        # What stays when the snapshot is gone but the (shared) crosswalk is held: the crosswalk itself.
        held = tracemalloc.get_traced_memory()[0]
        tracemalloc.stop()
        snapshot = Snapshot.load(engine, ())
        areas = list(snapshot.areas.values())
        rows: list[dict[str, Any]] = []
        for kind, text in INPUTS.items():
            fresh = Gazetteer(areas, crosswalk)
            resolve = functools.partial(fresh._locate, text, None, None)
            remembered = functools.partial(fresh.locate, location=text)
            cold = timed(resolve, 1)  # the first time, a city's shares are worked out
            uncached = timed(resolve, 200)
            remembered()
            again = timed(remembered, 2000)
            rows.append(
                {
                    "input": kind,
                    "example": text,
                    "cold_us": cold,
                    "uncached_us": uncached,
                    "remembered_us": again,
                }
            )
        engine.dispose()
    crosswalk_mb = held / 1e6
    head = ["input", "example", "first ever (us)", "new input (us)", "remembered (us)"]
    body = [
        [
            r["input"],
            r["example"],
            f"{r['cold_us']:.0f}",
            f"{r['uncached_us']:.1f}",
            f"{r['remembered_us']:.2f}",
        ]
        for r in rows
    ]
    print(plain_table(head, body, numeric={2, 3, 4}))
    print(
        f"\ncrosswalk: read and packed in {load_s:.2f} s with the rest of the snapshot; holds "
        f"{crosswalk_mb:.1f} MB (goal under {CROSSWALK_TARGET_MB:.0f} MB); snapshot with it "
        f"{before / 1e6:.1f} MB"
    )
    print("\n" + markdown_table(head, body))
    worst = max(r["uncached_us"] for r in rows if r["input"].startswith(("ZIP", "City")))
    print(f"slowest ZIP or city lookup of a new input: {worst:.1f} us (goal under {LOOKUP_TARGET_US:.0f} us)")
    verdict = worst < LOOKUP_TARGET_US and crosswalk_mb < CROSSWALK_TARGET_MB
    path = write_results(
        Path(__file__).parent / "results",
        "locations",
        {"rows": rows, "crosswalk_mb": crosswalk_mb, "snapshot_mb": before / 1e6, "load_s": load_s},
    )
    log(f"results written to {path}")
    return 0 if verdict else 1


if __name__ == "__main__":
    sys.exit(main())
