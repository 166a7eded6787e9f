"""Wage figures by area, read from the in-memory Snapshot."""

from collections.abc import Callable, Iterable, Mapping
from typing import Annotated, Any, cast

from pydantic import Field
from typing_extensions import TypedDict

from app.domain.models import CLAIMED_TIERS, COMPUTED_TIERS, HOURS_PER_YEAR, Tier, TierBasis
from app.domain.occupations import OccupationMatch
from app.domain.places import Located, LocationPublic, area_ref
from app.domain.records import (
    AreaRecord,
    AreaRef,
    Employment,
    OccupationPublic,
    Provenance,
    ReleasePublic,
    WageFigure,
)
from app.domain.store import EMPLOYMENT_FIELDS, OccupationView, Snapshot
from app.errors import InvalidInput, InvalidQuery, NotFound

PERCENTILES = ("p10", "p25", "median", "p75", "p90")
WAGE_FIELDS = ("mean", "median", "p10", "p25", "p75", "p90")


def _stat_key(stat: str) -> Callable[[AreaRecord], float | None]:
    def key(item: AreaRecord) -> float | None:
        fig = item["wages"][stat]
        if fig is None:
            return None
        return fig["annual"] if fig["annual"] is not None else fig["hourly"]

    return key


AREA_SORT_KEYS: dict[str, Callable[[Any], Any]] = {
    "name": lambda i: i["name"],
    "code": lambda i: i["code"],
    "rank": lambda i: i["rank"],
    "rank_median": lambda i: i["rank_median"],
    "rank_mean": lambda i: i["rank_mean"],
    "tier": lambda i: i["tier"],
    **{stat: _stat_key(stat) for stat in WAGE_FIELDS},
    "employment": lambda i: (i["employment"] or {}).get("employment"),
}


def resolve_release(snapshot: Snapshot, *, key: str | None) -> str | None:
    """Validate a ``release=`` pin; None means newest release per area."""
    if key is None:
        return None
    if key not in snapshot.release_by_key:
        known = sorted(snapshot.release_by_key)
        raise NotFound(
            f"Unknown release {key!r}. Releases: {', '.join(known)} (see /sources).",
            details=[{"parameter": "release", "value": key, "allowed": known}],
        )
    return key


def occupation_view(
    snapshot: Snapshot, *, occupation: OccupationMatch, release: str | None
) -> OccupationView:
    """The figures of one occupation as of one release choice."""
    return snapshot.view(occupation.id, resolve_release(snapshot, key=release))


def occupation_block(snapshot: Snapshot, occupation: OccupationMatch) -> OccupationPublic:
    """The answer's ``occupation``: the occupation, what was typed, how it was understood."""
    return snapshot.occupation_public(occupation.id, occupation)


def _named(view: OccupationView) -> str:
    """The occupation a 'no figures' message is about, as title and SOC code (another may have them)."""
    return f"{view.occupation['title']} ({view.occupation['soc_code']})"


def _describe_available(rec: AreaRecord | None) -> tuple[list[str], str]:
    if rec is None:
        return [], "no figures at all"
    have, parts = [], []
    for stat in WAGE_FIELDS:
        fig = rec["wages"][stat]
        if fig is not None:
            have.append(stat)
            parts.append(f"{stat} (annual {fig['annual']}, hourly {fig['hourly']})")
    if rec["tier"]:
        parts.append(f"tier {rec['tier']}" + (f" rank {rec['rank']}" if rec["rank"] else ""))
    return have, ", ".join(parts) if parts else "no figures at all"


class PercentilesAnswer(Provenance):
    """The /percentiles answer (PercentilesResponse), its provenance merged in."""

    occupation: OccupationPublic
    area: AreaRef
    location: LocationPublic
    release: ReleasePublic
    percentiles: dict[str, WageFigure | None]
    mean: WageFigure | None
    employment: Employment | None
    wages_released: bool
    note: str | None


def percentiles(
    snapshot: Snapshot, *, occupation: OccupationMatch, release: str | None, place: Located
) -> PercentilesAnswer:
    """Percentile wages for the nation, a state or a metro; 404 naming what is available otherwise."""
    view = occupation_view(snapshot, occupation=occupation, release=release)
    area = place.area
    kind = area["area_type"]
    path = (
        f"/states/{area['code']}"
        if kind in ("state", "territory")
        else f"/metros/{area['code']}"
        if kind in ("metro", "nonmetro")
        else "/percentiles"
    )
    rec = view.by_key.get(place.key)
    released = rec is None or rec["wages_released"]
    # An area the release only ranks (the article's tier, no figure) has no release of figures either.
    if (
        rec is None
        or rec["release"] is None
        or (released and all(rec["wages"][p] is None for p in PERCENTILES))
    ):
        have, described = _describe_available(rec)
        raise NotFound(
            f"No percentile wages of {_named(view)} for {area['name']} ({area['code']}) in "
            f"{'release ' + release if release else 'any release'}. Available for it: {described}."
            + (f" See {path}." if have or (rec and rec["tier"]) else ""),
            details=[{"area": area["code"], "available": have, "see": path if rec else None}],
        )
    served = cast(str, rec["release"])  # an area with figures has the release they come from
    return {
        "occupation": occupation_block(snapshot, occupation),
        "area": area_ref(area),
        "location": place.public(),
        "release": snapshot.release_public(snapshot.release_by_key[served]["id"]),
        "percentiles": {p: rec["wages"][p] for p in PERCENTILES},
        "mean": rec["wages"]["mean"],
        "employment": rec["employment"],
        "wages_released": released,
        "note": None if released else wages_not_released(view.occupation["title"], area["name"]),
        **snapshot.provenance([served]),
    }


def wages_not_released(occupation: str, area: str) -> str:
    """What to tell a reader when BLS published employment but no wages for an area."""
    return (
        f"BLS published employment for {occupation} in {area} but did not release its wage estimates "
        "(OEWS footnote: estimate not released), so every wage figure is null."
    )


def _used_releases(items: Iterable[AreaRecord]) -> list[str]:
    keys: list[str] = []
    for i in items:
        for key in (i["release"], i["tier_release"]):
            if key and key not in keys:
                keys.append(key)
    return keys


class OccupationEnvelope(TypedDict):
    """What a list of areas or benchmarks says around its items: the occupation."""

    occupation: OccupationPublic


class MetroEnvelope(OccupationEnvelope):
    """What the list of metros says around its items: the occupation, and the state asked for."""

    location: LocationPublic | None


def list_states(
    snapshot: Snapshot, *, occupation: OccupationMatch, release: str | None
) -> tuple[OccupationEnvelope, list[AreaRecord]]:
    """States and territories with figures or a tier, and the envelope that names their provenance."""
    view = occupation_view(snapshot, occupation=occupation, release=release)
    return {"occupation": occupation_block(snapshot, occupation)}, view.states


def list_metros(
    snapshot: Snapshot, *, occupation: OccupationMatch, release: str | None, state: str | None = None
) -> tuple[MetroEnvelope, list[AreaRecord]]:
    """Metro and nonmetro areas with figures; with ``state`` (a code or a name) those lying in it."""
    view = occupation_view(snapshot, occupation=occupation, release=release)
    place = None if state is None else snapshot.gazetteer.require_state(state)
    items = view.metros
    if place is not None:
        items = [i for i in items if place.area["code"] in i["principal_states"]]
    return {
        "occupation": occupation_block(snapshot, occupation),
        "location": None if place is None else place.public(),
    }, items


def list_provenance(snapshot: Snapshot, *, items: Iterable[AreaRecord]) -> Provenance:
    """Provenance for a page of area items, including tier releases."""
    return snapshot.provenance(_used_releases(items))


class AreaAnswer(Provenance):
    """The /states/{code} and /metros/{code} answer (AreaDetail), its provenance merged in."""

    occupation: OccupationPublic
    location: LocationPublic
    item: AreaRecord


def get_area(
    snapshot: Snapshot, *, occupation: OccupationMatch, release: str | None, kind: str, code: str
) -> AreaAnswer:
    """One state (by code or name) or metro (by code or unique name) with its figures; a 404 that says what
    exists when it has none."""
    gazetteer = snapshot.gazetteer
    place = (
        gazetteer.require_state(code, parameter="code")
        if kind == "state"
        else gazetteer.require_metro(code, parameter="code")
    )
    area = place.area
    view = occupation_view(snapshot, occupation=occupation, release=release)
    rec = view.by_key.get(place.key)
    if rec is None:
        with_data = [i["code"] for i in (view.states if kind == "state" else view.metros)]
        raise NotFound(
            f"{area['name']} ({area['code']}) is a known {kind}, but no release holds figures of "
            f"{_named(view)} for it"
            f"{' in release ' + release if release else ''}. {kind.capitalize()}s with figures: "
            f"{', '.join(with_data)}.",
            details=[{"code": area["code"], "available": [], "with_figures": with_data}],
        )
    return {
        "occupation": occupation_block(snapshot, occupation),
        "location": place.public(),
        "item": rec,
        **list_provenance(snapshot, items=[rec]),
    }


BENCHMARK_SORT_KEYS: dict[str, Callable[[Any], Any]] = {
    "source": lambda i: i["source"],
    "statistic": lambda i: i["statistic"],
    "annual": lambda i: i["annual"] if i["annual"] is not None else i["annual_low"],
    "hourly": lambda i: i["hourly"] if i["hourly"] is not None else i["hourly_low"],
}


def _both_units(value: float | None, unit: str) -> tuple[float | None, float | None]:
    if value is None:
        return None, None
    if unit == "hourly":
        return value, round(value * HOURS_PER_YEAR, 2)
    return round(value / HOURS_PER_YEAR, 2), value


class BenchmarkItem(TypedDict):
    """Another source's national figure, in the unit published and the derived other unit."""

    source: str
    publisher: str | None
    release: str
    as_of: Annotated[str | None, Field(description="The period the source gives, or null when it gives none")]
    job_title: str
    statistic: str
    unit: Annotated[str, Field(description="The unit the source published: hourly or annual")]
    hourly: float | None
    annual: float | None
    hourly_low: float | None
    hourly_high: float | None
    annual_low: float | None
    annual_high: float | None
    hourly_derived: bool
    annual_derived: bool
    citation: str


def benchmarks(
    snapshot: Snapshot, *, occupation: OccupationMatch
) -> tuple[OccupationEnvelope, list[BenchmarkItem]]:
    """Other sources' national figures, each in the unit published plus the derived other unit."""
    occupation_id = occupation.id
    items: list[BenchmarkItem] = []
    for b in snapshot.benchmarks:
        if b["occupation_id"] != occupation_id:
            continue
        release = snapshot.releases[b["release_id"]]
        source = snapshot.sources[release["source_id"]]
        hourly, annual = _both_units(b["value"], b["unit"])
        hourly_low, annual_low = _both_units(b["range_low"], b["unit"])
        hourly_high, annual_high = _both_units(b["range_high"], b["unit"])
        items.append(
            {
                "source": source["key"],
                "publisher": source["publisher"],
                "release": release["key"],
                "as_of": release["period"],
                "job_title": b["job_title"],
                "statistic": b["statistic"],
                "unit": b["unit"],
                "hourly": hourly,
                "annual": annual,
                "hourly_low": hourly_low,
                "hourly_high": hourly_high,
                "annual_low": annual_low,
                "annual_high": annual_high,
                "hourly_derived": b["unit"] == "annual",
                "annual_derived": b["unit"] == "hourly",
                "citation": b["citation"],
            }
        )
    return {"occupation": occupation_block(snapshot, occupation)}, items


# What every area item carries, whatever fields= asks for: a client can always tell which area it is.
AREA_IDENTITY = ("code", "name", "area_type")
AREA_FIELDS = (
    *AREA_IDENTITY,
    "release",
    "tier",
    "tier_basis",
    "rank",
    "tier_citation",
    "tier_release",
    "rank_median",
    "rank_mean",
    "vs_national",
    "wages",
    "wages_released",
    "employment",
    "usps",
    "fips",
    "metros",
    "principal_states",
)


def _check_tier_served(
    snapshot: Snapshot, items: list[AreaRecord], *, occupation: OccupationMatch, tier: Tier
) -> None:
    """Refuse a tier no area of the served release can have, saying where such tiers are: the article's
    claims only with its release, computed tiers only with an official one (the default)."""
    claimed = tier in CLAIMED_TIERS
    basis = TierBasis.article_claim if claimed else TierBasis.computed
    if any(item["tier_basis"] == basis for item in items):
        return
    if not claimed:
        raise InvalidInput(
            f"tier={tier.value} is computed from an official release's figures, and the release served has "
            "none for these areas. Leave release= out for the newest official release.",
            details=[{"parameter": "tier", "value": tier.value}],
        )
    kinds = {item["area_type"] for item in items}
    keys = sorted(
        {
            snapshot.releases[release]["key"]
            for (occ, release, area) in snapshot.rankings
            if occ == occupation.id and (not kinds or snapshot.areas[area]["area_type"] in kinds)
        }
    )
    said = (
        f"served only with the article's release: give release={keys[0]}"
        if keys
        else f"and the article claims no tier for these areas for {occupation.occupation['title']}; "
        "without release=, the tiers are computed from the newest official figures: "
        + ", ".join(COMPUTED_TIERS)
    )
    raise InvalidInput(
        f"tier={tier.value} is the article's claim, {said}.",
        details=[
            {
                "parameter": "tier",
                "value": tier.value,
                **({"suggestion": f"release={keys[0]}"} if keys else {}),
            }
        ],
    )


def filter_areas(
    snapshot: Snapshot,
    items: list[AreaRecord],
    *,
    occupation: OccupationMatch,
    bounds: dict[str, tuple[float | None, float | None]],
    tier: Tier | None,
    q: str | None,
) -> list[AreaRecord]:
    """Keep the areas whose annual statistics lie within the bounds and that match tier and name (a min_
    above its max_ simply keeps nothing); a tier of another kind than the served release's is refused."""
    if tier is not None:
        _check_tier_served(snapshot, items, occupation=occupation, tier=tier)
    named = snapshot.gazetteer.name_search(q) if q else None
    active = [
        (stat, low, high) for stat, (low, high) in bounds.items() if low is not None or high is not None
    ]
    out = []
    for item in items:
        if tier is not None and item["tier"] != tier:
            continue
        if named is not None and not named(item["name"]):
            continue
        keep = True
        for stat, low, high in active:
            value = _stat_key(stat)(item)
            if value is None or (low is not None and value < low) or (high is not None and value > high):
                keep = False
                break
        if keep:
            out.append(item)
    return out


def parse_fields(raw: str | None) -> list[str] | None:
    """Validate ``fields=code,name,median``: item keys, or statistic names that pick one figure."""
    if raw is None:
        return None
    fields = [f.strip() for f in raw.split(",") if f.strip()]
    allowed = list(AREA_FIELDS) + list(WAGE_FIELDS)
    bad = [f for f in fields if f not in allowed]
    if bad or not fields:
        raise InvalidQuery(
            f"Unknown field {(bad or [''])[0][:40]!r} in fields. Allowed: {', '.join(allowed)}.",
            details=[{"parameter": "fields", "allowed": allowed}],
        )
    return fields


_FIGURE_TEMPLATE = dict.fromkeys(
    ("hourly", "annual", "hourly_derived", "annual_derived", "hourly_capped", "annual_capped", "citation")
)
_EMPLOYMENT_TEMPLATE = dict.fromkeys(EMPLOYMENT_FIELDS)
_DIFFERENCE_TEMPLATE = dict.fromkeys(("hourly", "annual", "percent"))
AREA_CSV_TEMPLATE: dict[str, object] = {
    **dict.fromkeys(AREA_FIELDS),
    "vs_national": {"national_release": None, "median": _DIFFERENCE_TEMPLATE, "mean": _DIFFERENCE_TEMPLATE},
    "wages": {stat: _FIGURE_TEMPLATE for stat in ("p10", "p25", "median", "p75", "p90", "mean")},
    "employment": _EMPLOYMENT_TEMPLATE,
}


def project(items: Iterable[Mapping[str, Any]], fields: list[str]) -> list[dict[str, object]]:
    """The identity and the chosen fields, in that order; a statistic name yields that figure."""
    chosen = [*AREA_IDENTITY, *(f for f in fields if f not in AREA_IDENTITY)]
    return [{f: (i["wages"][f] if f in WAGE_FIELDS else i.get(f)) for f in chosen} for i in items]
