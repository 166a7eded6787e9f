"""Gathering, part one: the figures the method reads, from a Snapshot: an occupation's `Sources` (kept per
snapshot) and an area's `Area` (its figures and the national ones of the same period)."""

import threading
from collections import OrderedDict
from collections.abc import Mapping
from dataclasses import replace

from app.config import DEFAULT_OCCUPATION
from app.domain.estimation.inputs import Area, Band, Cited, Pct, Remark, Sources, Stat
from app.domain.records import AreaRow, PayFactorRow, WageFigure
from app.domain.store import Snapshot


def _cited(snapshot: Snapshot, release_id: int, citation: str) -> Cited:
    release = snapshot.releases[release_id]
    return Cited(snapshot.sources[release["source_id"]]["key"], release["key"], citation)


def _pct(snapshot: Snapshot, row: PayFactorRow | None) -> Pct | None:
    """A factor's stated percentage (its high end the low one when the source gives one figure)."""
    if row is None or row["kind"] != "percent" or row["pct_low"] is None:
        return None
    high = row["pct_high"] if row["pct_high"] is not None else row["pct_low"]
    return Pct(row["pct_low"], high, row["description"], _cited(snapshot, row["release_id"], row["citation"]))


def _national(snapshot: Snapshot, occupation_id: int) -> Area | None:
    """The national figures of the newest release holding them (their percentiles: the no-experience base)."""
    national = snapshot.view(occupation_id, None).national
    if national is None:
        return None
    return area_figures(snapshot, occupation_id, snapshot.area_by_key["national:US"])


# Per snapshot (in its `derived`: a replaced snapshot is freed with its inputs), an LRU of occupations: an
# all-data release holds ~830 of them, and each Sources keeps its own copies of the figures.
_SOURCES = "estimate sources"
_SOURCES_LOCK = threading.Lock()
MAX_SOURCES = 32


def method_sources(snapshot: Snapshot, occupation_id: int) -> Sources:
    """Every figure the method needs, built once per snapshot and occupation (snapshots are immutable)."""
    memo: OrderedDict[int, Sources] | None = snapshot.derived.get(_SOURCES)
    if memo is None:
        memo = snapshot.derived.setdefault(_SOURCES, OrderedDict())
    with _SOURCES_LOCK:
        cached = memo.get(occupation_id)
        if cached is not None:
            memo.move_to_end(occupation_id)
            return cached
    built = _build_sources(snapshot, occupation_id)
    with _SOURCES_LOCK:
        memo[occupation_id] = built
        memo.move_to_end(occupation_id)
        while len(memo) > MAX_SOURCES:
            memo.popitem(last=False)
    return built


def _build_sources(snapshot: Snapshot, occupation_id: int) -> Sources:
    if snapshot.occupations[occupation_id]["soc_code"] != DEFAULT_OCCUPATION:
        # The article's bands and factors describe 29-2072: any other occupation gets its area's percentiles.
        return Sources((), _national(snapshot, occupation_id), None, None, None, None, None)
    factors = {f["key"]: f for f in snapshot.factors}
    bands = tuple(
        Band(
            e["key"],
            e["name"],
            e["years_min"],
            e["years_max"],
            e["hourly_low"],
            e["hourly_high"],
            bool(e["hourly_high_open"]),
            _cited(snapshot, e["release_id"], e["citation"]),
        )
        for e in snapshot.experience
    )
    remarks = {
        key: Remark(row["description"], _cited(snapshot, row["release_id"], row["citation"]))
        for key, row in factors.items()
    }
    # Certifications carry no release of their own: their sentences are the article's.
    article = snapshot.release_by_key.get("article")
    certs = {}
    if article is not None:
        certs = {
            c["code"]: Remark(c["covers"], _cited(snapshot, article["id"], c["citation"]))
            for c in snapshot.certifications
        }
    extra = next(
        (
            b
            for b in snapshot.benchmarks
            if b["occupation_id"] == occupation_id and b["statistic"] == "average_additional_pay"
        ),
        None,
    )
    return Sources(
        bands=bands,
        national=_national(snapshot, occupation_id),
        certification_premium=_pct(snapshot, factors.get("certification_premium")),
        associate=_pct(snapshot, factors.get("education_associate")),
        inpatient=_pct(snapshot, factors.get("specialty_inpatient")),
        additional_pay=extra["value"] if extra else None,
        additional_pay_cited=_cited(snapshot, extra["release_id"], extra["citation"]) if extra else None,
        remarks=remarks,
        certifications=certs,
    )


def _stats(rows: Mapping[str, WageFigure | None]) -> dict[str, Stat]:
    """Figures as published: a value our importer derived (annual from hourly or back) is left out. A
    published figure always carries its cell's sentence (only a cell without wages has none)."""
    return {
        k: Stat(
            None if v["hourly_derived"] else v["hourly"],
            None if v["annual_derived"] else v["annual"],
            v["citation"] or "",
            bool(v["hourly_capped"] or v["annual_capped"]),
        )
        for k, v in rows.items()
        if v is not None
    }


def _national_figures(
    snapshot: Snapshot, occupation_id: int, release_id: int
) -> tuple[str | None, dict[str, Stat]]:
    """The national figures beside an area's release: its own, else those of another release of the same
    source and period (e.g. a national file beside a state file), never another period's."""
    national_id = snapshot.area_by_key["national:US"]["id"]
    own = snapshot.stats(occupation_id, release_id, national_id)
    if own.get("median"):
        return snapshot.releases[release_id]["key"], _stats(own)
    release = snapshot.releases[release_id]
    if release["period_start"] is None:
        return None, {}
    for rid in snapshot.wage_release_order(occupation_id):
        other = snapshot.releases[rid]
        if (other["source_id"], other["period_start"]) != (release["source_id"], release["period_start"]):
            continue
        stats = snapshot.stats(occupation_id, rid, national_id)
        if stats.get("median"):
            return other["key"], _stats(stats)
    return None, {}


def area_figures(snapshot: Snapshot, occupation_id: int, area: AreaRow) -> Area:
    """A known area with the occupation's figures of its served release (none where it has none)."""
    rec = snapshot.view(occupation_id, None).by_key.get(f"{area['area_type']}:{area['code']}")
    base = Area(
        area["area_type"], area["code"], area["name"], principal_states=tuple(area["principal_states"] or ())
    )
    if rec is None:
        return base
    tier_note = None
    tier_citation, tier_key = rec["tier_citation"], rec["tier_release"]
    if tier_citation is not None and tier_key is not None:  # a source's claim, with the sentence it rests on
        tier_note = _cited(snapshot, snapshot.release_by_key[tier_key]["id"], tier_citation)
    if rec["release"] is None:
        return replace(base, tier=rec["tier"], tier_note=tier_note)
    release = snapshot.release_by_key[rec["release"]]
    national_release, national = _national_figures(snapshot, occupation_id, release["id"])
    return replace(
        base,
        release=release["key"],
        source=snapshot.sources[release["source_id"]]["key"],
        stats=_stats(rec["wages"]),
        national=national,
        tier=rec["tier"],
        tier_note=tier_note,
        national_release=national_release,
        period=release["period"],
    )
