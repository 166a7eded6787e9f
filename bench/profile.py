"""Where a cached answer's time goes, as `make run` serves it: ``python -m bench.profile [--seconds S]``.

Builds a seeded SQLite database, starts ``salary-api serve`` under cProfile (its output to a file, so its
log is JSON, as a deployment has it; ``SALARY_API_RATE_LIMIT_PER_MINUTE=0`` unless ``--rate-limit``),
drives one cached GET with wrk at 64 connections, stops the server with SIGINT (the profile is then
written) and prints two views: the functions with the most own time, and the time per layer (the
cumulative time of each layer's ``__call__`` minus the layer's below it).

The profiler's clock is the event loop thread's CPU time, not wall time: on a shared machine, time spent
waiting for a core would otherwise be charged to whatever function was running. cProfile makes every
Python call dearer, so the split between layers is what counts, not the absolute times; ``python -m
bench.sample`` samples with py-spy, without that bias.
"""

from __future__ import annotations

import argparse
import pstats
import signal
import subprocess
import sys
import tempfile
from pathlib import Path

from bench.run import (
    HOST,
    ROOT,
    Server,
    build_database,
    fetch,
    free_port,
    log,
    run_wrk,
    server_env,
    wait_ready,
)

# (file suffix, function) of each layer's entry point, outermost first; the server's own protocol last.
LAYERS = [
    ("app/edge/errors.py", "__call__", "error shape"),
    ("app/observability/access.py", "__call__", "observe (request id, metrics, access log)"),
    ("app/edge/clients.py", "__call__", "rate limit"),
    ("app/edge/cache.py", "__call__", "response cache (lookup and send)"),
]


def layer_times(stats: pstats.Stats) -> list[tuple[str, float, float]]:
    """(layer, cumulative seconds, calls) per layer entry point found in the profile."""
    found = []
    raw = stats.stats  # type: ignore[attr-defined]
    for suffix, func, label in LAYERS:
        for (filename, _line, name), (_cc, calls, _tt, cumulative, _callers) in raw.items():
            if filename.endswith(suffix) and name == func:
                found.append((label, cumulative, calls))
                break
    return found


def child(out: str, serve_args: list[str]) -> None:
    """Run ``salary-api SERVE_ARGS`` under cProfile timed by this thread's CPU clock; write ``out``."""
    import cProfile
    import time

    from app.cli import main as cli_main

    profiler = cProfile.Profile(time.thread_time)
    sys.argv = ["salary-api", *serve_args]
    try:
        profiler.runcall(cli_main)
    except SystemExit:
        pass
    finally:
        profiler.dump_stats(out)


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["--child"]:
        child(argv[1], argv[2:])
        return 0
    p = argparse.ArgumentParser(prog="python -m bench.profile", description=__doc__.split("\n\n")[0])
    p.add_argument("--seconds", type=float, default=10.0)
    p.add_argument("--path", default="/states?sort=-median")
    p.add_argument("--distinct", action="store_true", help="a never-seen /estimate per request, not --path")
    p.add_argument("--sample", help="SALARY_API_ACCESS_LOG_SAMPLE for the server (default: the default)")
    p.add_argument("--rate-limit", action="store_true", help="keep the per-client limit on (a high one)")
    p.add_argument("--top", type=int, default=25)
    p.add_argument("--save", type=Path, help="keep the profile here (pstats format)")
    args = p.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="salary-profile-") as tmp:
        workdir = Path(tmp)
        url = build_database(workdir)
        env = server_env(url)
        if args.sample is not None:
            env["SALARY_API_ACCESS_LOG_SAMPLE"] = args.sample
        if args.rate_limit:
            env["SALARY_API_RATE_LIMIT_PER_MINUTE"] = "1000000000"
        port = free_port()
        out = workdir / "profile.out"
        cmd = [sys.executable, "-m", "bench.profile", "--child", str(out), "serve"]
        with open(workdir / "api.log", "wb") as server_log:
            cmd += ["--host", HOST, "--port", str(port)]
            proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=server_log, stderr=server_log)
            try:
                wait_ready(Server("api", port, proc, workdir / "api.log"), "/readyz")
                for _ in range(3):  # admitted to the cache on its second sighting
                    fetch(port, args.path)
                run = run_wrk(
                    f"http://{HOST}:{port}{'/estimate' if args.distinct else args.path}",
                    "distinct.lua" if args.distinct else "static.lua",
                    args=["/estimate", "0", "2"] if args.distinct else [],
                    connections=64,
                    threads=2,
                    duration=args.seconds,
                )
                log(f"{run.rps:,.0f} req/s under cProfile, p99 {run.p99_ms:.2f} ms")
            finally:
                proc.send_signal(signal.SIGINT)
                proc.wait(timeout=60)
        stats = pstats.Stats(str(out))
        if args.save:
            stats.dump_stats(str(args.save))
        stats.sort_stats("tottime").print_stats(args.top)
        total = stats.total_tt  # type: ignore[attr-defined]
        print(f"event loop thread CPU {total:.2f} s for {run.requests:,} requests answered to wrk")
        print("per layer: CPU per request in the layer and those below it, and in the layer alone:")
        layers = layer_times(stats)
        for i, (label, cumulative, calls) in enumerate(layers):
            below = layers[i + 1][1] if i + 1 < len(layers) else 0.0
            per, own = cumulative / max(calls, 1) * 1e6, (cumulative - below) / max(calls, 1) * 1e6
            print(f"  {label:45s} {per:7.1f} us  {own:7.1f} us alone  ({calls:,} calls)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
