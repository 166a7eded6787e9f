"""Reference lists served from the Snapshot: experience levels, pay factors, certifications, sources."""

from collections.abc import Mapping
from typing import Any

from app.domain.store import Snapshot
from app.errors import NotFound


def _range(low: float, high: float, high_open: bool) -> dict[str, Any]:
    return {"low": low, "high": high, "high_open": high_open, "derived": False}


def experience_levels(snapshot: Snapshot, *, years: int | None) -> list[dict[str, Any]]:
    """The experience bands; with ``years`` only the band that covers it."""
    items = [
        {
            "key": e["key"],
            "name": e["name"],
            "years_min": e["years_min"],
            "years_max": e["years_max"],
            "hourly": _range(e["hourly_low"], e["hourly_high"], e["hourly_high_open"]),
            "annual": _range(e["annual_low"], e["annual_high"], e["annual_high_open"]),
            "characteristics": e["characteristics"],
            "release": snapshot.releases[e["release_id"]]["key"],
            "citation": e["citation"],
        }
        for e in snapshot.experience
    ]
    if years is None:
        return items
    match = [
        i for i in items if i["years_min"] <= years and (i["years_max"] is None or years <= i["years_max"])
    ]
    if not match:
        raise NotFound(
            f"No experience level covers {years} years.",
            details=[{"parameter": "years", "value": years, "levels": [i["key"] for i in items]}],
        )
    return match


def certifications(snapshot: Snapshot) -> list[dict[str, Any]]:
    """Certifications with their issuing body and what each covers."""
    return [
        {k: c[k] for k in ("code", "name", "issuer", "covers", "citation")} for c in snapshot.certifications
    ]


def pay_factors(snapshot: Snapshot) -> list[dict[str, Any]]:
    """Every pay factor the sources give, quantified or only in words."""
    out = []
    for f in snapshot.factors:
        release = snapshot.releases[f["release_id"]]
        out.append(
            {
                **{
                    k: f[k]
                    for k in (
                        "key",
                        "factor",
                        "value",
                        "compared_to",
                        "kind",
                        "pct_low",
                        "pct_high",
                        "amount_low",
                        "amount_high",
                        "amount_unit",
                        "amount_open",
                        "description",
                    )
                },
                "release": release["key"],
                "source": snapshot.sources[release["source_id"]]["key"],
                "citation": f["citation"],
            }
        )
    return out


def sources(snapshot: Snapshot) -> list[dict[str, Any]]:
    """Every source with its releases and, for imports, the file checksum and row counts."""
    items = []
    for s in snapshot.sources.values():
        releases = [
            {
                "key": r["key"],
                "label": r["label"],
                "period": r["period"],
                "via": snapshot.sources[r["via_source_id"]]["key"] if r["via_source_id"] else None,
                "origin": r["origin"],
                "file_name": r["file_name"],
                "checksum": r["checksum"],
                "row_count": r["row_count"],
                "rows_loaded": r["rows_loaded"],
                "loaded_at": r["loaded_at"].isoformat() if r["loaded_at"] else None,
            }
            for r in snapshot.releases.values()
            if r["source_id"] == s["id"]
        ]
        items.append({**snapshot.source_public(s["id"]), "license": s["license"], "releases": releases})
    return items


def occupations(snapshot: Snapshot, *, q: str | None = None) -> list[dict[str, Any]]:
    """Occupations with the releases that hold their wages and O*NET's reported titles; with ``q`` only
    matches, best first (the same matcher that reads ``occupation=`` everywhere)."""
    matches: list[tuple[Mapping[str, Any], str | None]]
    if q is None:
        matches = [(o, None) for o in snapshot.occupations.values()]
    else:
        matches = [(m.occupation, m.matched) for m in snapshot.catalog.search(q)]
    return [
        {
            **{k: v for k, v in snapshot.occupation_public(o["id"]).items() if k not in ("input", "matched")},
            "reported_titles": snapshot.catalog.reported.get(o["id"], []),
            "releases": [snapshot.releases[r]["key"] for r in snapshot.wage_release_order(o["id"])],
            "matched": matched,
        }
        for o, matched in matches
    ]


def release_provenance(snapshot: Snapshot, *, items: list[dict[str, Any]]) -> dict[str, Any]:
    """Provenance for items that each name a release key."""
    return snapshot.provenance(i["release"] for i in items)
