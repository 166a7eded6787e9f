"""Reference lists served from the Snapshot: experience levels, pay factors, certifications, sources."""

from collections.abc import Iterable, Mapping
from typing import Annotated, Any

from pydantic import Field
from typing_extensions import TypedDict

from app.domain.records import CertificationRow, OccupationRow, PayFactorFacts, Provenance, SourceRef
from app.domain.store import Snapshot
from app.errors import NotFound


class PayRange(TypedDict):
    """An experience band's pay in one unit."""

    low: float
    high: float
    high_open: bool
    derived: bool


class ExperienceItem(TypedDict):
    """One experience band of /experience-levels."""

    key: str
    name: str
    years_min: int
    years_max: int | None
    hourly: PayRange
    annual: PayRange
    characteristics: str
    release: str
    citation: str


class FactorItem(PayFactorFacts):
    """One pay factor of /factors."""

    release: str
    source: str


class CertificationItem(TypedDict):
    """One certification of /certifications."""

    code: str
    name: str
    issuer: str | None
    covers: str
    citation: str


class ReleaseInfo(TypedDict):
    """A release as /sources lists it under its source."""

    key: str
    label: str
    period: str | None
    via: str | None
    origin: str
    file_name: str | None
    checksum: str | None
    row_count: int | None
    rows_loaded: int | None
    loaded_at: str | None


class SourceItem(SourceRef):
    """One source of /sources, with its licence and releases."""

    license: Annotated[
        str | None, Field(description="The terms the source's data are used under, where it sets any")
    ]
    releases: list[ReleaseInfo]


class OccupationItem(TypedDict):
    """One occupation of /occupations."""

    soc_code: str
    title: str
    aliases: list[str]
    reported_titles: list[str]
    releases: list[str]
    matched: str | None


def _range(low: float, high: float, high_open: bool) -> PayRange:
    return {"low": low, "high": high, "high_open": high_open, "derived": False}


def experience_levels(snapshot: Snapshot, *, years: int | None) -> list[ExperienceItem]:
    """The experience bands; with ``years`` only the band that covers it."""
    items: list[ExperienceItem] = [
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


def _certification(c: CertificationRow) -> CertificationItem:
    return {
        "code": c["code"],
        "name": c["name"],
        "issuer": c["issuer"],
        "covers": c["covers"],
        "citation": c["citation"],
    }


def certifications(snapshot: Snapshot) -> list[CertificationItem]:
    """Certifications with their issuing body and what each covers."""
    return [_certification(c) for c in snapshot.certifications]


def pay_factors(snapshot: Snapshot) -> list[FactorItem]:
    """Every pay factor the sources give, quantified or only in words."""
    out: list[FactorItem] = []
    for f in snapshot.factors:
        release = snapshot.releases[f["release_id"]]
        out.append(
            {
                "key": f["key"],
                "factor": f["factor"],
                "value": f["value"],
                "compared_to": f["compared_to"],
                "kind": f["kind"],
                "pct_low": f["pct_low"],
                "pct_high": f["pct_high"],
                "amount_low": f["amount_low"],
                "amount_high": f["amount_high"],
                "amount_unit": f["amount_unit"],
                "amount_open": f["amount_open"],
                "description": f["description"],
                "release": release["key"],
                "source": snapshot.sources[release["source_id"]]["key"],
                "citation": f["citation"],
            }
        )
    return out


def sources(snapshot: Snapshot) -> list[SourceItem]:
    """Every source with its releases and, for imports, the file checksum and row counts."""
    items: list[SourceItem] = []
    for s in snapshot.sources.values():
        releases: list[ReleaseInfo] = [
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
        items.append({**snapshot.source_ref(s["id"]), "license": s["license"], "releases": releases})
    return items


def occupations(snapshot: Snapshot, *, q: str | None = None) -> list[OccupationItem]:
    """Occupations with the releases that hold their wages and O*NET's reported titles; with ``q`` only
    matches, best first (the same matcher that reads ``occupation=`` everywhere)."""
    matches: list[tuple[OccupationRow, str | None]]
    if q is None:
        matches = [(o, None) for o in snapshot.occupations.values()]
    else:
        matches = [(m.occupation, m.matched) for m in snapshot.catalog.search(q)]
    return [
        {
            "soc_code": o["soc_code"],
            "title": o["title"],
            "aliases": o["aliases"],
            "reported_titles": snapshot.catalog.reported.get(o["id"], []),
            "releases": [snapshot.releases[r]["key"] for r in snapshot.wage_release_order(o["id"])],
            "matched": matched,
        }
        for o, matched in matches
    ]


def release_provenance(snapshot: Snapshot, *, items: Iterable[Mapping[str, Any]]) -> Provenance:
    """Provenance for items that each name a release key."""
    return snapshot.provenance(i["release"] for i in items)
