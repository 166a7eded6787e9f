"""The estimates the app answers: gather the inputs from the Snapshot, compute with the pure method, present.

Every profile's hours-independent part (its method profile, core and what presenting it worked out) is kept
per snapshot, so a stream of never-seen queries mostly reuses cores already computed."""

import threading
from collections import OrderedDict
from collections.abc import Hashable, Sequence
from dataclasses import dataclass, field

from app.domain.estimation.answer import Answer
from app.domain.estimation.gather import (
    NamedBlocks,
    Resolved,
    conflict_as_invalid,
    gather,
    method_profile,
    named_blocks,
    parse_certifications,
    resolve,
)
from app.domain.estimation.inputs import EstimateConflict, Profile
from app.domain.estimation.method import Core, estimate_core, finish_estimate
from app.domain.estimation.present import Remembered, answer_json, present
from app.domain.estimation.sources import method_sources
from app.domain.profile import ProfileQuery
from app.domain.store import Snapshot
from app.errors import InvalidInput, NotFound

__all__ = [
    "EstimateConflict",
    "MAX_PROFILES",
    "estimate_json",
    "estimate_many",
    "estimate_one",
    "method_sources",
    "parse_certifications",
]

MAX_PROFILES = 100


@dataclass(slots=True)
class _Prepared:
    """A validated profile without years, hours and match: its method profile, core and presented parts."""

    profile: Profile
    core: Core
    remembered: Remembered = field(default_factory=Remembered)
    # The occupation and location blocks of the last request on this core (one attribute, swapped whole: a
    # request in a worker thread reads one consistent tuple).
    named: NamedBlocks | None = None


# Per snapshot: Resolved.key (occupation, band, place, the article's other inputs) -> _Prepared. Hours and
# match vary continuously and the core does not depend on them. Only valid profiles are stored; past the
# bound the oldest entry is let go, one at a time (each is about 8 kB, and 4 kB more for its serialised
# blocks: freeing 1,024 of them at once took 12 ms, a pause for every request in flight).
_PREPARED = "estimate cores"
_PREPARED_LOCK = threading.Lock()
MAX_PREPARED = 1024


def _prepare(snapshot: Snapshot, resolved: Resolved, asked: ProfileQuery) -> _Prepared:
    """Validate the hours-independent inputs and compute their core; 422 on unknown codes or conflicts."""
    profile = method_profile(snapshot, resolved, asked)
    try:
        core = estimate_core(profile, resolved.sources)
    except EstimateConflict as exc:
        raise conflict_as_invalid(exc) from exc
    return _Prepared(profile, core)


def estimate_one(snapshot: Snapshot, profile: ProfileQuery) -> Answer:
    """One explained estimate; unknown codes are a 404, contradictions a 422."""
    return _estimate(snapshot, profile)[0]


def estimate_json(snapshot: Snapshot, profile: ProfileQuery) -> bytes:
    """``estimate_one``'s answer as JSON, the core's blocks serialised once per core."""
    answer, remembered = _estimate(snapshot, profile)
    return answer_json(answer, remembered)


def _estimate(snapshot: Snapshot, profile: ProfileQuery) -> tuple[Answer, Remembered]:
    """The answer, and what presenting its core worked out (kept for every later request on the core)."""
    resolved = resolve(snapshot, profile)
    memo: OrderedDict[Hashable, _Prepared] | None = snapshot.derived.get(_PREPARED)
    if memo is None:
        memo = snapshot.derived.setdefault(_PREPARED, OrderedDict())
    prepared = memo.get(resolved.key)
    if prepared is None:
        prepared = _prepare(snapshot, resolved, profile)
        with _PREPARED_LOCK:
            while len(memo) >= MAX_PREPARED:
                memo.popitem(last=False)
            memo[resolved.key] = prepared
    named = prepared.named = named_blocks(snapshot, resolved, prepared.named)
    inputs = gather(snapshot, resolved, profile, prepared.profile, named)
    estimate = finish_estimate(
        prepared.core,
        inputs.sources,
        hours_per_year=inputs.hours_per_year,
        retirement_match_pct=inputs.retirement_match_pct,
    )
    return present(estimate, inputs, prepared.remembered), prepared.remembered


def estimate_many(snapshot: Snapshot, *, profiles: Sequence[ProfileQuery]) -> list[Answer]:
    """Estimates in the order given; an invalid profile fails the request and names its index."""
    results = []
    for index, profile in enumerate(profiles):
        try:
            results.append(estimate_one(snapshot, profile))
        except (InvalidInput, NotFound) as exc:
            raise type(exc)(
                f"Profile {index}: {exc.message}", details=[{"index": index, **d} for d in exc.details]
            ) from exc
    return results
