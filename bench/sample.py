"""Where a request's CPU goes in the API and in the floor, sampled: ``python -m bench.sample``.

Starts the API as `make run` serves it (``salary-api serve``, output to a file; rate limit off) and the floor
serving the same bytes (bench/floor.py), then, in turn and ``--repeat`` times, drives each with wrk (2
threads, 64 connections) while py-spy samples the server's threads from outside the process: no
instrumentation, so none of cProfile's bias towards code with many Python calls. Each sample is charged to
the innermost of these parts its stack is in:

- the socket write (``transport.write``: the ``send`` system call, and what the kernel does in it);
- the rest of uvicorn's ``send`` (the status line, the header checks), or of the server's encoded heads;
- the application (``app/`` but the server's protocol in app/server.py, or the floor's one function);
- uvicorn's protocol (reading, parsing, starting the request's task);
- the event loop itself (``epoll``, timers, task steps); other threads apart.

A part's CPU per request is its share of the event loop thread's samples times that thread's CPU per
request (from ``/proc``); the other threads' CPU per request is one line of its own. The last column is the
API minus the floor, part by part: what the API's answer costs beyond the same bytes sent by a bare
application.

The server's own parts cost more a request as the rate falls (fewer answers for each wake-up of the loop, of
wrk, of the kernel's socket work), so against a floor several times faster than the API, part of the
difference in them is the rate's, not the API's. ``--floor-busy-us US`` has the floor spend US of CPU on each
request (a loop touching almost no memory): given the API's application part, the two serve at about the
same rate, and what is left in the server's parts is the API's.

py-spy reads the server's memory with ``process_vm_readv``: it needs to run as root or with ptrace allowed.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path

from bench import run as harness

PY_SPY = Path(sys.executable).with_name("py-spy")
RATE = 997  # samples per second, not a multiple of any timer's
OTHER_THREADS = "other threads (access log writer, refresh)"
EVENT_LOOP = "event loop (epoll, timers, task steps)"
APPLICATION = "application"
# (mark in a frame "function (file:line)", part), tried in order on each frame from the leaf outwards: a
# sample is charged to the part of the first frame that has one.
FRAME_PARTS: list[tuple[str, str]] = [
    ("(app/cli.py", ""),  # the server's entry point, around the event loop: not a part, look further out
    ("_SelectorSocketTransport.write (", "socket write (the send system call)"),
    ("RequestResponseCycle.send (", "uvicorn send (status line, header checks)"),
    # app.server's cycle (py-spy names uvicorn's send by the object's class) and its encoded heads, wherever
    # they are made (the response cache encodes an entry's when it makes it)
    ("EncodedHeadCycle.send (", "uvicorn send (status line, header checks)"),
    ("encode_head (app/server.py", "uvicorn send (status line, header checks)"),
    ("_encoded_server_headers (app/server.py", "uvicorn send (status line, header checks)"),
    ("(app/server.py", "uvicorn protocol (read, parse, task start)"),
    ("(app/", APPLICATION),
    ("(bench/floor.py", APPLICATION),
    ("httptools_impl.py", "uvicorn protocol (read, parse, task start)"),
    ("_read_ready", "uvicorn protocol (read, parse, task start)"),
]
PART_NAMES = [*dict.fromkeys(part for _, part in FRAME_PARTS if part), EVENT_LOOP, OTHER_THREADS]


def part_of(frames: list[str], *, by_line: bool = False) -> tuple[str, str]:
    """The part a sampled stack (outermost frame first) is charged to, and for the application where in it:
    its innermost application frame's function (``function (file)``), or with ``by_line`` its line."""
    for frame in reversed(frames):
        for mark, part in FRAME_PARTS:
            if mark in frame:
                if not part:
                    break  # not a part: try the frame outside it
                if part != APPLICATION:
                    return part, ""
                return part, frame if by_line else frame.rpartition(":")[0] + ")"
    return EVENT_LOOP, ""


def read_samples(path: Path, *, by_line: bool = False) -> dict[str, Counter[tuple[str, str]]]:
    """py-spy's raw output (``--threads``: each stack's root is its thread) as sample counts per thread, by
    part and (in the application) function or line."""
    by_thread: dict[str, Counter[tuple[str, str]]] = {}
    for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
        stack, _, count = line.rpartition(" ")
        if not stack or not count.isdigit():
            continue
        frames = stack.split(";")
        by_thread.setdefault(frames[0], Counter())[part_of(frames[1:], by_line=by_line)] += int(count)
    return by_thread


@dataclass
class Sampled:
    """One run: requests per second, and CPU us per request by part and by application function (or line)."""

    rps: float
    parts: dict[str, float]
    functions: dict[str, float]


def median(runs: list[dict[str, float]], key: str) -> float:
    """The median over runs (``make bench``'s median) of one part's or function's CPU us per request, 0 where
    a run has none."""
    return harness.median_value([run.get(key, 0.0) for run in runs]) or 0.0


def sampled_run(
    server: harness.Server,
    path: str,
    script: str,
    args: list[str],
    seconds: float,
    out: Path,
    *,
    by_line: bool = False,
) -> Sampled:
    """One wrk run of ``path`` with py-spy attached."""
    spy = subprocess.Popen(
        [str(PY_SPY), "record", "--nonblocking", "--threads", "-r", str(RATE), "-d", f"{seconds:g}"]
        + ["-f", "raw", "-o", str(out), "-p", str(server.pid)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    time.sleep(0.5)  # py-spy attached before the load starts
    run = harness.measured_run(
        server,
        f"http://{harness.HOST}:{server.port}{path}",
        script,
        args=args,
        connections=64,
        threads=2,
        duration=seconds,
    )
    _, err = spy.communicate(timeout=seconds + 60)
    if run.non_2xx_3xx:
        raise RuntimeError(f"{server.name} answered {run.non_2xx_3xx} requests of {path} with an error")
    if spy.returncode != 0 or not out.exists():
        raise RuntimeError(f"py-spy failed ({spy.returncode}): {err.decode(errors='replace')[-500:]}")
    by_thread = read_samples(out, by_line=by_line)
    loop_thread = max(by_thread, key=lambda t: sum(by_thread[t].values()))
    loop_samples = by_thread[loop_thread]
    total_loop = sum(loop_samples.values()) or 1
    loop_cpu = (run.server_cpu_us or 0.0) - (run.other_threads_cpu_us or 0.0)
    parts: dict[str, float] = defaultdict(float)
    functions: dict[str, float] = defaultdict(float)
    for (part, function), count in loop_samples.items():
        parts[part] += count / total_loop * loop_cpu
        if function:
            functions[function] += count / total_loop * loop_cpu
    parts[OTHER_THREADS] = run.other_threads_cpu_us or 0.0
    return Sampled(run.rps, parts, functions)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m bench.sample", description=__doc__.split("\n\n")[0])
    p.add_argument("--path", default="/percentiles", help="a cached GET (default /percentiles)")
    p.add_argument("--distinct", action="store_true", help="a never-seen /estimate per request, not --path")
    p.add_argument("--seconds", type=float, default=5.0)
    p.add_argument("--repeat", type=int, default=3)
    p.add_argument("--top", type=int, default=20, help="functions listed for the application part")
    p.add_argument("--lines", action="store_true", help="list the application's lines, not functions")
    p.add_argument(
        "--floor-busy-us",
        type=float,
        default=0.0,
        metavar="US",
        help="CPU the floor spends on each request before answering (bench/floor.py), to compare the two "
        "at about the same rate: the API's application part (default 0: a floor as fast as it goes)",
    )
    p.add_argument(
        "--estimate-variant",
        choices=harness.ESTIMATE_VARIANTS,
        help="with --distinct: the API with part of the never-seen /estimate's work taken out "
        "(bench/estimate_variant.py; its answers are wrong: not the API)",
    )
    args = p.parse_args(argv)
    if args.estimate_variant and not args.distinct:
        p.error("--estimate-variant takes the never-seen /estimate apart: give --distinct")
    harness.ensure_wrk()
    if not PY_SPY.exists():
        harness.log(f"py-spy is not installed beside {sys.executable}: run `make install`")
        return 2
    load_start = harness.load_average()
    path = "/estimate" if args.distinct else args.path
    with (
        tempfile.TemporaryDirectory(prefix="salary-sample-") as tmp,
        harness.servers_stopped_on_exit() as started,
    ):
        workdir = Path(tmp)
        url = harness.build_database(workdir)
        api = harness.start_api(
            "api", workdir, harness.server_env(url), estimate_variant=args.estimate_variant
        )
        started.append(api)
        harness.wait_ready(api, "/readyz")
        probe = harness.EXAMPLE_ESTIMATE if args.distinct else path
        for _ in range(3):  # admitted to the cache on its second sighting
            got = harness.fetch(api.port, probe)
        floor = harness.start_floor(
            workdir, {path.partition("?")[0]: harness.floor_spec(got)}, busy_us=args.floor_busy_us
        )
        started.append(floor)
        results: dict[str, list[Sampled]] = {"api": [], "floor": []}
        for attempt in range(args.repeat):
            for server in (api, floor):
                script, wrk_args = "static.lua", []  # wrk sends the URL's own request
                if args.distinct:  # every run its own range of never-seen profiles
                    script, wrk_args = "distinct.lua", [path, str(10_000_000 * (attempt + 1)), "2"]
                out = workdir / f"{server.name}-{attempt}.txt"
                sampled = sampled_run(server, path, script, wrk_args, args.seconds, out, by_line=args.lines)
                results[server.name].append(sampled)
                spent = sum(sampled.parts.values())
                harness.log(
                    f"{server.name} run {attempt + 1}: {sampled.rps:,.0f} req/s, {spent:.1f} us CPU a request"
                )
    parts = {name: [r.parts for r in runs] for name, runs in results.items()}
    head = ["part", "API us/req", "floor us/req", "API - floor"]
    body = []
    for part in PART_NAMES:
        a, f = median(parts["api"], part), median(parts["floor"], part)
        body.append([part, f"{a:.1f}", f"{f:.1f}", f"{a - f:+.1f}"])
    totals = [sum(median(parts[k], part) for part in PART_NAMES) for k in ("api", "floor")]
    body.append(["total", f"{totals[0]:.1f}", f"{totals[1]:.1f}", f"{totals[0] - totals[1]:+.1f}"])
    print()
    rates = {name: harness.median_value([r.rps for r in runs]) or 0.0 for name, runs in results.items()}
    busy = f", the floor busy {args.floor_busy_us:g} us a request" if args.floor_busy_us else ""
    print(
        f"{'a never-seen GET /estimate' if args.distinct else 'GET ' + path}: py-spy at {RATE} Hz, "
        f"{args.repeat} x {args.seconds:g} s each, medians{busy}; API {rates['api']:,.0f} req/s, floor "
        f"{rates['floor']:,.0f} req/s; load average {load_start[0]:.2f} at the start"
    )
    print(harness.plain_table(head, body, numeric={1, 2, 3}))
    print()
    print(harness.markdown_table(head, body))
    functions = [r.functions for r in results["api"]]
    names = {name for run in functions for name in run}
    slowest = sorted(((median(functions, f), f) for f in names), reverse=True)[: args.top]
    print("\nthe API's application part by function (where a sample's innermost application frame was):")
    print(harness.plain_table(["function", "us/req"], [[f, f"{us:.1f}"] for us, f in slowest], numeric={1}))
    return 0


if __name__ == "__main__":
    harness.run_cli(lambda: main())
