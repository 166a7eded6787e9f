"""What each layer costs under load: ``python -m bench.layers`` from the repository root.

Starts, side by side on one seeded SQLite database, the API as `make run` serves it (``salary-api
serve``, output to a file) and the same API with one thing switched on or off, plus the floor (bench/floor.py,
the same bytes), and drives each with wrk (2 threads, 64 connections) in turn, ``--repeat`` times,
alternating: a cached ``GET /states?sort=-median`` and a never-seen ``GET /estimate``. For each it reports the
median requests per second and its ratio to the floor's, and the server's CPU time per request (all its
threads, which other processes on a shared machine barely move) with its difference from `make run`'s.

Variants that no setting can make (a layer taken out) run ``bench.layers:create_app`` through bench/serve.py,
with `salary-api serve`'s logging configuration and HTTP protocol. Every API variant has
``SALARY_API_RATE_LIMIT_PER_MINUTE=0`` (wrk's connections all come from one address) but the one that
measures the rate limit, which sets a limit no run reaches.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bench.run import (
    EXAMPLE_ESTIMATE,
    HOST,
    Server,
    WrkRun,
    build_database,
    busy_warning,
    ensure_wrk,
    fetch,
    floor_spec,
    load_average,
    log,
    machine,
    markdown_table,
    measured_run,
    median_value,
    plain_table,
    run_cli,
    server_env,
    servers_stopped_on_exit,
    start_api,
    start_floor,
    start_server,
    wait_ready,
    write_results,
)

STATES = "/states?sort=-median"
LAYERS_OFF = "BENCH_LAYERS_OFF"  # comma-separated: observe, errors


@dataclass
class Variant:
    key: str
    label: str
    env: dict[str, str] = field(default_factory=dict)
    layers_off: str = ""  # run bench.layers:create_app with these layers taken out
    floor: bool = False
    runs: dict[str, list[WrkRun]] = field(default_factory=dict)


def variants() -> list[Variant]:
    return [
        Variant("floor", "floor (bare ASGI, same bytes)", floor=True),
        Variant("make_run", "`make run` (salary-api serve, defaults)"),
        Variant("log_all", "access log on every request (SAMPLE=1)", {"SALARY_API_ACCESS_LOG_SAMPLE": "1"}),
        Variant("log_off", "access log off (LOG_LEVEL=warning)", {"SALARY_API_LOG_LEVEL": "warning"}),
        Variant(
            "rate_limit",
            "rate limit on (a limit never reached)",
            {"SALARY_API_RATE_LIMIT_PER_MINUTE": "1000000000"},
        ),
        Variant("no_observe", "observe layer out (no request id, metrics, log)", layers_off="observe"),
        Variant("bare_cache", "observe and error-shape layers out", layers_off="observe,errors"),
    ]


def create_app() -> Any:
    """The API with the layers named in ``BENCH_LAYERS_OFF`` taken out of the edge (bench only)."""
    from app.main import create_app as real_create_app

    off = set(filter(None, os.environ.get(LAYERS_OFF, "").split(",")))
    app = real_create_app()
    if "observe" in off:
        object.__setattr__(app.edge_options, "observe", None)  # type: ignore[attr-defined]
    if "errors" in off:
        build = app.build_middleware_stack
        app.build_middleware_stack = lambda: build().app  # type: ignore[method-assign,attr-defined]
    return app


def start(variant: Variant, url: str, workdir: Path) -> Server:
    env = {**server_env(url), **variant.env}
    if variant.layers_off:
        env[LAYERS_OFF] = variant.layers_off
        return start_server(
            variant.key, "bench.layers:create_app", env, workdir, factory=True, loop="asyncio"
        )
    return start_api(variant.key, workdir, env)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m bench.layers", description=__doc__.split("\n\n")[0])
    p.add_argument("--duration", type=float, default=5.0)
    p.add_argument("--warmup", type=float, default=1.0)
    p.add_argument("--repeat", type=int, default=3)
    p.add_argument("--connections", type=int, default=64)
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--only", nargs="*", help="variant keys (the floor and make_run always run)")
    args = p.parse_args(argv)
    ensure_wrk()
    info, load_start = machine(), load_average()
    chosen = [v for v in variants() if not args.only or v.key in {"floor", "make_run", *args.only}]
    cases = [("states", "GET /states?sort=-median (cached)"), ("estimate", "GET /estimate, never seen")]
    with tempfile.TemporaryDirectory(prefix="salary-layers-") as tmp, servers_stopped_on_exit() as started:
        workdir = Path(tmp)
        url = build_database(workdir)
        servers: dict[str, Server] = {}
        for variant in chosen:
            if variant.floor:
                continue
            servers[variant.key] = start(variant, url, workdir)
            started.append(servers[variant.key])
        for server in servers.values():
            wait_ready(server, "/readyz")
        reference = servers["make_run"]
        responses = {"/states": floor_spec(fetch(reference.port, STATES))}
        responses["/estimate"] = floor_spec(fetch(reference.port, EXAMPLE_ESTIMATE))
        servers["floor"] = start_floor(workdir, responses)
        started.append(servers["floor"])
        for server in servers.values():
            for _ in range(3):  # admitted to the response cache on its second sighting
                fetch(server.port, STATES)
        wrk_kw = {"connections": args.connections, "threads": args.threads}
        for case, label in cases:
            for repeat in range(args.repeat):
                for variant in chosen:
                    server = servers[variant.key]
                    if case == "states":
                        path, script, run_args, warm_args = STATES, "static.lua", [], []
                    else:
                        path, script = "/estimate", "distinct.lua"
                        run_args = [path, str(repeat * 1_000_000), str(args.threads)]
                        warm_args = [path, str(10_000_000 + repeat * 1_000_000), str(args.threads)]
                    target = f"http://{HOST}:{server.port}{path}"
                    if args.warmup > 0:
                        measured_run(server, target, script, args=warm_args, duration=args.warmup, **wrk_kw)
                    run = measured_run(
                        server, target, script, args=run_args, duration=args.duration, **wrk_kw
                    )
                    variant.runs.setdefault(case, []).append(run)
                    log(
                        f"{label} [{variant.key} {repeat + 1}/{args.repeat}]: {run.rps:,.0f} req/s, "
                        f"p99 {run.p99_ms:.2f} ms, server CPU {run.server_cpu_us:.1f} us/request "
                        f"({run.other_threads_cpu_us:.1f} outside the event loop), "
                        f"{run.server_switches_per_1k:.1f} context switches per 1k requests, "
                        f"non-2xx/3xx {run.non_2xx_3xx}"
                    )

    head = [
        "variant",
        "case",
        "req/s",
        "ratio to floor",
        "p99 ms",
        "CPU us/req",
        "of it outside the event loop",
        "switches per 1k req",
        "CPU vs make run",
        "CPU ratio",
    ]
    body = []
    for case, label in cases:
        floor_runs = next(v for v in chosen if v.floor).runs[case]
        floor_rps = median_value([r.rps for r in floor_runs]) or 0.0
        floor_cpu = median_value([r.server_cpu_us for r in floor_runs]) or 0.0
        base_cpu = median_value([r.server_cpu_us for r in chosen[1].runs[case]]) or 0.0
        for variant in chosen:
            runs = variant.runs[case]
            rps = median_value([r.rps for r in runs]) or 0.0
            cpu = median_value([r.server_cpu_us for r in runs]) or 0.0
            others = median_value([r.other_threads_cpu_us for r in runs]) or 0.0
            switches = median_value([r.server_switches_per_1k for r in runs]) or 0.0
            p99 = median_value([r.p99_ms for r in runs]) or 0.0
            body.append(
                [
                    variant.label,
                    label,
                    f"{rps:,.0f}",
                    f"{rps / floor_rps:.2f}x" if floor_rps else "-",
                    f"{p99:.2f}",
                    f"{cpu:.1f}",
                    f"{others:.1f}",
                    f"{switches:.1f}",
                    "-" if variant.floor else f"{cpu - base_cpu:+.1f}",
                    f"{floor_cpu / cpu:.2f}x" if cpu else "-",
                ]
            )
    load_end = load_average()
    print()
    print(plain_table(head, body, numeric=set(range(2, len(head)))))
    print()
    md = markdown_table(head, body)
    print(md)
    print(
        f"\nMedian of {args.repeat} alternating runs of {args.duration:g} s at {args.connections} "
        f"connections, wrk {args.threads} threads on the same {info['nproc']} cores; load average "
        f"{load_start[0]:.2f} before, {load_end[0]:.2f} after. "
        "CPU ratio: the floor's server CPU per request over the variant's."
    )
    busy_warning(load_start, info, "the servers and wrk")
    write_results(
        Path(__file__).resolve().parent / "results",
        "layers",
        {
            "machine": info,
            "load_average": {"start": load_start, "end": load_end},
            "variants": [
                {
                    "key": v.key,
                    "label": v.label,
                    "env": v.env,
                    "layers_off": v.layers_off,
                    "runs": {case: [run.__dict__ for run in runs] for case, runs in v.runs.items()},
                }
                for v in chosen
            ],
            "markdown": md,
        },
    )
    return 0


if __name__ == "__main__":
    run_cli(lambda: main(sys.argv[1:]))
