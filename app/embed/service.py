"""The wage-range card: one /estimate answer (or an area's official range), reduced to what a job board or
school page shows; the same figures, step by step, for the "How it is estimated" page."""

import weakref
from enum import StrEnum
from typing import Any
from urllib.parse import urlencode

from app import fmt
from app.config import DEFAULT_OCCUPATION
from app.domain import comparison as compare_service
from app.domain.estimation import estimates as estimate_service
from app.domain.profile import ARTICLE_METHOD_FIELDS, HOURS_DEFAULT, PROFILE_FIELDS
from app.domain.store import Snapshot
from app.domain.units import pay_unit
from app.errors import InvalidInput


class Theme(StrEnum):
    """Colour scheme of the embedded card: light, dark, or auto (follows prefers-color-scheme)."""

    light = "light"
    dark = "dark"
    auto = "auto"


THEMES = tuple(t.value for t in Theme)
OFFICIAL_KIND = "official_statistics"


def estimate_query(profile: dict[str, Any]) -> str:
    """The /estimate query string for a profile, leaving out what was not given (and the default hours)."""
    pairs = []
    defaults = {"hours_per_year": HOURS_DEFAULT, "occupation": DEFAULT_OCCUPATION}
    for name in PROFILE_FIELDS:
        value = profile.get(name)
        if value is None or defaults.get(name) == value:
            continue
        pairs.append((name, str(value)))
    return urlencode(pairs)


# Per snapshot (immutable), so a card or explorer request does not walk every occupation again.
_OFFICIAL_OCCUPATIONS: weakref.WeakKeyDictionary[Snapshot, list[dict[str, Any]]] = weakref.WeakKeyDictionary()


def occupations_with_official_figures(snapshot: Snapshot) -> list[dict[str, Any]]:
    """Occupations holding figures from an official release (not only quotes in the article), by SOC code."""
    known = _OFFICIAL_OCCUPATIONS.get(snapshot)
    if known is None:
        known = _OFFICIAL_OCCUPATIONS[snapshot] = _official_occupations(snapshot)
    return known


def _official_occupations(snapshot: Snapshot) -> list[dict[str, Any]]:
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


def profile_label(estimate: dict[str, Any]) -> str:
    """'Mid-Career, 3-9 years · certification not given' from an estimate's level and profile echo."""
    level = estimate["level"]
    prof = estimate["profile"]
    if prof["occupation"] != DEFAULT_OCCUPATION:
        return f"{estimate['location']['area']['name']} 25th\u201375th percentile, official"
    parts = []
    if level is None:
        area = estimate["base"]["area"]
        where = "national" if area is None or area["type"] == "national" else area["name"]
        parts.append(f"Any experience ({where} 25th\u201375th percentile)")
    else:
        span = (
            f"{level['years_min']}\u2013{level['years_max']} years"
            if level["years_max"] is not None
            else f"{level['years_min']}+ years"
        )
        parts.append(f"{level['name']}, {span}")
    certs = prof.get("certifications")
    if certs is None:
        parts.append("certification not given")
    elif certs == ["none"]:
        parts.append("not certified")
    else:
        parts.append(", ".join(certs))
    for key, label in (("education", "education"), ("specialty", "specialty"), ("setting", "setting")):
        if prof.get(key):
            parts.append(f"{label}: {str(prof[key]).replace('_', ' ')}")
    if prof.get("hours_per_year") not in (None, HOURS_DEFAULT):
        parts.append(f"{prof['hours_per_year']} hours a year")
    return " \u00b7 ".join(parts)


def marker_pct(rng: dict[str, Any]) -> float:
    """Where the mid sits on a low-high bar, in percent (50 when the range is a single value)."""
    span = rng["high"] - rng["low"]
    if span <= 0:
        return 50.0
    return round(max(0.0, min(100.0, (rng["mid"] - rng["low"]) / span * 100)), 1)


def _texts(hourly: dict[str, Any] | None, annual: dict[str, Any] | None) -> dict[str, Any]:
    """The range's printed forms, each amount with its unit; a missing unit prints as None."""
    ref = hourly or annual or {}
    return {
        "hourly": hourly,
        "annual": annual,
        "hourly_text": fmt.money_range(hourly, unit="hourly") if hourly else None,
        "annual_text": fmt.money_range(annual, unit="annual") if annual else None,
        "mid_hourly_text": fmt.hourly(hourly["mid"]) if hourly else None,
        "mid_annual_text": fmt.annual(annual["mid"]) if annual else None,
        "marker_pct": marker_pct(ref) if ref else 50.0,
    }


def card_figures(snapshot: Snapshot, *, estimate: dict[str, Any], profile: dict[str, Any]) -> dict[str, Any]:
    """The figures and texts a wage card shows for an estimate (the embed card and the explorer's card)."""
    query = estimate_query(profile)
    location = estimate["location"]
    return {
        "area": location["area"]["name"],
        "location_line": location["explanation"],
        "profile": profile_label(estimate),
        **_texts(estimate["hourly"], estimate["annual"]),
        "open_top": bool(estimate["open_top"]),
        "source_line": fmt.range_source_line(estimate),
        "estimate_path": "/estimate" + (f"?{query}" if query else ""),
    }


def _method_path(profile: dict[str, Any]) -> str:
    """The card's link to its "How it is estimated" page, with the same profile."""
    query = estimate_query(profile)
    return "/embed/wage-range/method" + (f"?{query}" if query else "")


def _short_source(releases: list[dict[str, Any]]) -> str:
    """'BLS OEWS, May 2025; the source article': release labels without their parenthesised remarks."""
    parts: list[str] = []
    for release in sorted(releases, key=lambda r: r["source"] == "article"):
        label = "the source article" if release["source"] == "article" else release["label"].split(" (")[0]
        if label not in parts:
            parts.append(label)
    return "Source: " + "; ".join(parts) if parts else "Source: not stated"


def _bar_position(place: dict[str, Any]) -> float:
    """Where a compared value sits on a bar running from p10 (0%) to p90 (100%)."""
    if place["position"] == "below_p10":
        return 0.0
    if place["percentile"] is None:
        return 100.0
    return round((place["percentile"] - 10) / 80 * 100, 1)


def badge_card(
    snapshot: Snapshot,
    *,
    profile: dict[str, Any],
    low: float | None,
    high: float | None,
    unit: str | None,
    theme: str,
    compact: bool,
    brand: str | None = None,
) -> dict[str, Any]:
    """The badge: where a posted range sits among the area's official percentiles, as /compare answers."""
    if low is None or high is None:
        raise InvalidInput(
            "Give both compare_low and compare_high (the posted range) for the badge.",
            details=[{"parameter": "compare_low,compare_high", "problem": "one of the pair missing"}],
        )
    if low > high:
        raise InvalidInput(
            f"compare_low ({low:g}) is greater than compare_high ({high:g}); give the range's bottom first.",
            details=[{"parameter": "compare_low,compare_high", "problem": "low greater than high"}],
        )
    chosen, _inferred = pay_unit(low=low, high=high, unit=unit, names=("compare_low", "compare_high"))
    occupation = snapshot.catalog.resolve(profile["occupation"])
    place = snapshot.gazetteer.locate(
        location=profile.get("location"), state=profile.get("state"), metro=profile.get("metro")
    )
    body = compare_service.compare(
        snapshot, occupation=occupation, low=low, high=high, unit=chosen, place=place
    )
    unused = [
        name for name in (*ARTICLE_METHOD_FIELDS, "retirement_match_pct") if profile.get(name) is not None
    ]
    return {
        "kind": "badge",
        "theme": theme,
        "compact": compact,
        "brand": brand,
        "occupation": body["occupation"]["title"],
        "soc_code": body["occupation"]["soc_code"],
        "area": body["area"]["name"],
        "location_line": body["location"]["explanation"],
        "sentence": body["summary"],
        "range_text": f"{fmt.money(low, unit=chosen)} \u2013 {fmt.money(high, unit=chosen)} "
        f"{'an hour' if chosen == 'hourly' else 'a year'}",
        "low_pos": _bar_position(body["low"]),
        "high_pos": _bar_position(body["high"]),
        "method_note": f"Not used by the badge: {', '.join(unused)}." if unused else None,
        "source_line": fmt.source_line(body["releases"], body["sources"]),
        "short_source": _short_source(body["releases"]),
        "data_version": body["data_version"],
        "open_top": False,
    }


def wage_card(
    snapshot: Snapshot,
    *,
    profile: dict[str, Any],
    theme: str,
    compact: bool,
    brand: str | None = None,
) -> dict[str, Any]:
    """Everything the card shows: the /estimate answer for the profile (for an occupation other than
    29-2072, its area's official range)."""
    est = estimate_service.estimate_one(snapshot, **profile)
    # Links carry the occupation understood (its SOC code), whatever words named it.
    profile = {**profile, "occupation": est["occupation"]["soc_code"]}
    official = est["occupation"]["soc_code"] != DEFAULT_OCCUPATION
    card = {
        **card_figures(snapshot, estimate=est, profile=profile),
        "method_note": (
            f"The article's experience method applies to {DEFAULT_OCCUPATION} (Medical Records Specialists) "
            "only: this is the area's official 25th\u201375th percentile range."
        )
        if official
        else None,
        "method_note_short": f"Official range; the experience method covers {DEFAULT_OCCUPATION} only.",
        "short_source": _short_source(fmt.range_releases(est)),
        "mid_label": "Median"
        if est["base"]["kind"] == "area_percentiles" and not est["adjustments"]
        else "Mid",
        "data_version": est["data_version"],
    }
    return {
        **card,
        "kind": "range",
        "theme": theme,
        "compact": compact,
        "brand": brand,
        "occupation": est["occupation"]["title"],
        "soc_code": est["occupation"]["soc_code"],
        "method_path": _method_path(profile),
    }


def error_card(*, status: int, message: str, theme: str, compact: bool, brand: str | None) -> dict[str, Any]:
    """The card instead of figures: a plain sentence for the reader, the API's words for the site owner."""
    if status >= 500:
        reader = "Wage data are unavailable right now. Please try again later."
    else:
        reader = "This pay range cannot be shown: the page gave the card a value it does not know."
    return {
        "kind": "error",
        "status": status,
        "reader_text": reader,
        "detail": message if len(message) <= 240 else message[:237] + "...",
        "theme": theme,
        "compact": compact,
        "brand": brand,
    }


def _labels_by_key(snapshot: Snapshot) -> dict[str, str]:
    """Every release's label by its key."""
    return {key: r["label"] for key, r in snapshot.release_by_key.items()}


def _release_labels(snapshot: Snapshot, keys: list[str]) -> str:
    """'BLS OEWS, May 2025 (...); ...' for release keys, each once."""
    labels = [
        snapshot.release_by_key[k]["label"] for k in dict.fromkeys(keys) if k in snapshot.release_by_key
    ]
    return "; ".join(labels)


def _annual_span(low: float, high: float) -> str:
    """'$1,880 to $2,452', or one amount when both ends print the same."""
    return (
        fmt.annual(low) if fmt.annual(low) == fmt.annual(high) else f"{fmt.annual(low)} to {fmt.annual(high)}"
    )


def _both_units(card: dict[str, Any], hourly_key: str, annual_key: str) -> str:
    """'$18.98 – $30.76 an hour ($39,470 – $63,970 a year)' from whichever units a card has."""
    parts = [f"{card[k]} {u}" for k, u in ((hourly_key, "an hour"), (annual_key, "a year")) if card[k]]
    return f"{parts[0]} ({parts[1]})" if len(parts) == 2 else parts[0]


def method_steps(snapshot: Snapshot, *, profile: dict[str, Any]) -> dict[str, Any]:
    """The estimate's steps in words (base, adjustments, notes, extras), each with source and citation."""
    est = estimate_service.estimate_one(snapshot, **profile)
    card = card_figures(snapshot, estimate=est, profile=profile)
    base = est["base"]
    if base["kind"] == "experience_band":
        base_sentence = (
            f"The experience band {est['level']['name']} pays {fmt.hourly(base['hourly_low'])} to "
            f"{fmt.hourly(base['hourly_high'], open_top=base['open_top'])} an hour, mid "
            f"{fmt.hourly(base['hourly_mid'])} an hour."
        )
    else:
        annual = (
            f" ({fmt.annual(base['annual_low'])} to {fmt.annual(base['annual_high'])} a year, median "
            f"{fmt.annual(base['annual_mid'])} a year)"
            if base["annual_low"] is not None
            else ""
        )
        base_sentence = (
            f"The 25th to 75th percentile of {base['area']['name']}, as published: "
            f"{fmt.hourly(base['hourly_low'])} to "
            f"{fmt.hourly(base['hourly_high'], open_top=base['open_top'])} an hour, "
            f"median {fmt.hourly(base['hourly_mid'])} an hour{annual}."
        )
    steps = [
        {
            "title": "Starting range",
            "sentence": base_sentence,
            "effect": None,
            "source": _release_labels(snapshot, [base["release"]]),
            "citation": base["citation"],
        }
    ]
    for adj in est["adjustments"]:
        low, high = fmt.change(adj["multiplier_low"]), fmt.change(adj["multiplier_high"])
        steps.append(
            {
                "title": f"Adjusted for {adj['factor'].replace('_', ' ')}",
                "sentence": fmt.release_keys_in_words(adj["explanation"], _labels_by_key(snapshot)),
                "effect": f"Low end {low}, high end {high}." if low != high else f"Both ends {low}.",
                "source": _release_labels(snapshot, adj["releases"]),
                "citation": adj["citation"],
            }
        )
    for note in est["notes"]:
        steps.append(
            {
                "title": f"Not applied: {note['factor'].replace('_', ' ')}",
                "sentence": note["message"],
                "effect": None,
                "source": _release_labels(snapshot, [note["release"]]) if note["release"] else None,
                "citation": note["citation"],
            }
        )
    for comp in est["total_compensation"]["components"]:
        steps.append(
            {
                "title": "Beyond base pay",
                "sentence": f"{comp['label'].rstrip('.')}: {_annual_span(comp['low'], comp['high'])} a year.",
                "effect": None,
                "source": _release_labels(snapshot, [comp["release"]]) if comp["release"] else None,
                "citation": comp["citation"],
            }
        )
    return {
        "card": {**card, "occupation": est["occupation"]["title"], "soc_code": est["occupation"]["soc_code"]},
        "summary": est.get("summary"),
        "steps": steps,
        "json_path": card["estimate_path"],
    }
