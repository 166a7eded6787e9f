"""The API as `make run` serves it, with part of the never-seen ``/estimate``'s work taken out, to take its
cost apart under load: ``python -m bench.run --only estimate_distinct --estimate-variant VARIANT`` (which
starts ``python -m bench.estimate_variant VARIANT serve --host H --port P``).

- ``fixed``: every ``GET /estimate`` the fast route accepts is answered with the first answer it computed.
  The edge, the response cache's miss path and the server send a real answer's bytes; no estimate is
  computed.
- ``per-core``: the query is parsed and resolved as always, and the first answer computed for its core
  (occupation, band, place and the article's other inputs) is sent again. What is left out is the part that
  depends on hours, match and the words asked (the echo, the annual figures, total compensation, the
  summary) and the answer's serialisation.
- ``per-core-copied``: as ``per-core``, but each answer is a new copy of the core's bytes, as a computed
  answer is new memory: what is left out is the computing alone.

Neither variant is the API: their answers are wrong for every profile but the first of each kind. They exist
only to be measured against the real route in the same run.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Hashable

from app.domain.store import Snapshot

Route = Callable[[Snapshot, bytes], bytes | None]


def fixed(route: Route) -> Route:
    """``route`` answering its first body for every query it accepts."""
    held: list[bytes] = []

    def first_body(snapshot: Snapshot, query_string: bytes) -> bytes | None:
        if not held:
            body = route(snapshot, query_string)
            if body is None:
                return None
            held.append(body)
        return held[0]

    return first_body


def per_core(route: Route, *, copied: bool = False) -> Route:
    """``route`` answering, after the query is parsed and resolved, the first body of the query's core (a
    new copy of it each time when ``copied``)."""
    from app.domain.estimation.gather import resolve
    from app.estimate.fast import parse_profile

    held: dict[Hashable, bytes] = {}

    def core_body(snapshot: Snapshot, query_string: bytes) -> bytes | None:
        profile = parse_profile(query_string)
        if profile is None:
            return None
        key = resolve(snapshot, profile).key
        body = held.get(key)
        if body is None:
            body = route(snapshot, query_string)
            if body is None:
                return None
            held[key] = body
        return bytes(bytearray(body)) if copied else body

    return core_body


VARIANTS: dict[str, Callable[[Route], Route]] = {
    "fixed": fixed,
    "per-core": per_core,
    "per-core-copied": lambda route: per_core(route, copied=True),
}


def main(argv: list[str]) -> None:
    """Replace the fast route's function before the routers import it, then run the operators' CLI."""
    variant, *cli_args = argv
    import app.estimate.fast as fast

    fast.estimate_body = VARIANTS[variant](fast.estimate_body)  # type: ignore[assignment]
    from app.cli import cli

    cli(cli_args, prog_name="salary-api")


if __name__ == "__main__":
    main(sys.argv[1:])
