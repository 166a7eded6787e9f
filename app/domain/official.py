"""Which occupations hold official figures (not only quotes in the article): what the explorer and the cards
offer."""

from app.domain.records import OccupationRow
from app.domain.store import Snapshot

OFFICIAL_KIND = "official_statistics"


# Per snapshot (immutable), so a card or explorer request does not walk every occupation again.
_OFFICIAL_OCCUPATIONS = "official occupations"


def occupations_with_official_figures(snapshot: Snapshot) -> list[OccupationRow]:
    """Occupations holding figures from an official release (not only quotes in the article), by SOC code."""
    known: list[OccupationRow] | None = snapshot.derived.get(_OFFICIAL_OCCUPATIONS)
    if known is None:
        known = snapshot.derived.setdefault(_OFFICIAL_OCCUPATIONS, _official_occupations(snapshot))
    return known


def _official_occupations(snapshot: Snapshot) -> list[OccupationRow]:
    official = {
        rid
        for rid, r in snapshot.releases.items()
        if r["via_source_id"] is None and snapshot.sources[r["source_id"]]["kind"] == OFFICIAL_KIND
    }
    return [
        occ
        for code, occ in sorted(snapshot.occupation_by_code.items())
        if snapshot.release_ids_by_occupation.get(occ["id"], set()) & official
    ]
