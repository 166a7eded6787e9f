"""`estimate_one` reuses an estimate's hours-independent core across requests: reuse must never change an
answer, whatever the hours, the match or the years within the band."""

import math
from collections.abc import Iterator
from fractions import Fraction

import pytest

from app.db import make_engine
from app.domain.estimation import estimates as service
from app.domain.profile import EstimateRequest
from app.domain.store import Snapshot
from app.errors import InvalidInput, NotFound

PROFILES = [
    {},
    {"years": 3, "certifications": "CPC", "state": "NJ"},
    {"level": "senior", "certifications": "none", "metro": "41940", "specialty": "inpatient"},
    {"years": 0, "education": "associate", "certifications": "none", "state": "ms", "setting": "hospital"},
    {"years": 7, "certifications": ["CPC", "CCS"], "state": "CA", "metro": "41940"},
]
# Same core, different finishing inputs; years only where the profile gives years (same band).
VARIANTS = [
    {"hours_per_year": 2080, "retirement_match_pct": None},
    {"hours_per_year": 1, "retirement_match_pct": 4.5},
    {"hours_per_year": 1500, "retirement_match_pct": 0.0},
    {"hours_per_year": 3333, "retirement_match_pct": 9.999999},
]


def estimate(snapshot: Snapshot, **fields: object) -> dict:
    """The service's answer for a profile given as its fields, unvalidated: the arithmetic is tested past the
    API's bounds too (a 50% match)."""
    return dict(service.estimate_one(snapshot, EstimateRequest.model_construct(**fields)))


def snapshot_of(url: str) -> Snapshot:
    engine = make_engine(url)
    try:
        return Snapshot.load(engine)
    finally:
        engine.dispose()


@pytest.fixture
def warm(seeded_database: str) -> Iterator[Snapshot]:
    yield snapshot_of(seeded_database)


@pytest.mark.parametrize("profile", PROFILES)
def test_reused_core_answers_like_a_cold_start(seeded_database: str, warm: Snapshot, profile: dict) -> None:
    asks = [{**profile, **variant} for variant in VARIANTS]
    if "years" in profile:
        asks.append({**profile, "years": profile["years"] + 1, "hours_per_year": 1234})
    # All asked of one snapshot first, so every answer after the first reuses the core, and later answers
    # would show up in earlier ones if they shared anything that changes.
    answers = [estimate(warm, **ask) for ask in asks]
    for ask, answer in zip(asks, answers, strict=True):
        assert answer == estimate(snapshot_of(seeded_database), **ask), ask


@pytest.mark.parametrize(
    ("hours", "pct"), [(1999, "3.3"), (1, "50"), (2080, "4.5"), (1, "0.000001"), (3001, "12.5")]
)
def test_annual_and_match_to_the_cent(warm: Snapshot, hours: int, pct: str) -> None:
    answer = estimate(warm, years=4, state="NJ", hours_per_year=hours, retirement_match_pct=float(pct))
    match = next(
        c for c in answer["total_compensation"]["components"] if c["component"] == "retirement_match"
    )
    for key in ("low", "mid", "high"):
        hourly_cents = round(answer["hourly"][key] * 100)
        annual_cents = hourly_cents * hours
        assert round(answer["annual"][key] * 100) == annual_cents
        # pct percent of the annual base, rounded half up to the cent
        assert round(match[key] * 100) == math.floor(
            Fraction(annual_cents) * Fraction(pct) / 100 + Fraction(1, 2)
        )


def test_a_valid_core_does_not_answer_for_an_invalid_profile(warm: Snapshot) -> None:
    estimate(warm, years=3, state="NJ", certifications="CPC")
    for _ in range(2):
        with pytest.raises(InvalidInput, match="41940, in CA\\); they disagree"):
            estimate(warm, years=3, state="NJ", certifications="CPC", metro="41940")
        with pytest.raises(NotFound, match="XYZ is not a certification the data hold"):
            estimate(warm, years=3, state="NJ", certifications="CPC,XYZ")
        with pytest.raises(InvalidInput, match="contradict"):
            estimate(warm, years=3, level="senior", state="NJ", certifications="CPC")


def test_past_its_bound_the_core_memory_lets_the_oldest_go(warm: Snapshot) -> None:
    """More cores than the memory holds: it stays at its bound and lets the oldest go, one for each new one,
    instead of emptying (freeing 1,024 cores at once took 12 ms, a pause for every request in flight)."""
    asks = [
        {
            "level": level,
            "state": state,
            "certifications": certs,
            "education": education,
            "specialty": specialty,
        }
        for level in ("entry", "mid", "senior")
        for certs in ("none", "CPC")
        for education in ("certificate", "associate", "bachelor")
        for specialty in ("inpatient", "outpatient")
        for state in sorted(warm.states_by_code)
    ][: service.MAX_PREPARED + 2]
    assert len(asks) == service.MAX_PREPARED + 2, "not enough distinct cores in the seed"
    for ask in asks:
        estimate(warm, **ask)
    memo = warm.derived[service._PREPARED]
    before = list(memo)
    assert len(before) == service.MAX_PREPARED
    estimate(warm, **asks[-1])  # the newest is kept: nothing is let go
    assert list(memo) == before
    estimate(warm, **asks[0])  # the oldest was let go: asked again, it lets the next oldest go
    assert list(memo)[:-1] == before[1:]
