"""The method's figures per occupation, read from a Snapshot once and kept in a bounded LRU per snapshot."""

from collections.abc import Iterator

import pytest

from app.db import make_engine
from app.domain.estimation import sources
from app.domain.store import Snapshot


@pytest.fixture
def live(seeded_database: str) -> Iterator[Snapshot]:
    """A snapshot whose engine stays open: other occupations' figures load on first use."""
    engine = make_engine(seeded_database)
    try:
        yield Snapshot.load(engine)
    finally:
        engine.dispose()


def test_method_sources_keeps_only_the_most_recent_occupations(
    live: Snapshot, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An LRU per snapshot: an all-data release has ~830 occupations, the memo holds MAX_SOURCES of them."""
    monkeypatch.setattr(sources, "MAX_SOURCES", 2)
    ids = [o["id"] for o in live.occupations.values()]
    assert len(ids) >= 3
    first = sources.method_sources(live, ids[0])
    for occupation_id in ids[1:]:
        sources.method_sources(live, occupation_id)
    assert list(live.derived[sources._SOURCES]) == ids[-2:]
    # Rebuilt on demand, equal to the evicted one (snapshots are immutable).
    assert sources.method_sources(live, ids[0]) == first
    assert list(live.derived[sources._SOURCES]) == [ids[-1], ids[0]]
