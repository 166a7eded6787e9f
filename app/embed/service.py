"""The wage-range card: one /estimate answer (or an area's official range), reduced to what a job board or
school page shows; the same figures, step by step, for the "How it is estimated" page."""

from collections.abc import Mapping
from typing import Any

from app import fmt
from app.cards.figures import card_figures, framed, range_card, short_source
from app.cards.shapes import BadgeCard, MethodStep, MethodView, RangeCard
from app.domain import comparison as compare_service
from app.domain.estimation import estimates as estimate_service
from app.domain.profile import ESTIMATE_ONLY_FIELDS, ProfileQuery
from app.domain.store import Snapshot
from app.domain.units import TypedAmount, pay_unit
from app.errors import InvalidInput


def _bar_position(place: Mapping[str, Any]) -> float:
    """Where a compared value sits on a bar running from p10 (0%) to p90 (100%)."""
    if place["position"] == "below_p10":
        return 0.0
    if place["percentile"] is None:
        return 100.0
    return round((place["percentile"] - 10) / 80 * 100, 1)


def badge_card(
    snapshot: Snapshot,
    *,
    profile: ProfileQuery,
    low: TypedAmount | None,
    high: TypedAmount | None,
    unit: str | None,
    theme: str,
    compact: bool,
    brand: str | None = None,
) -> BadgeCard:
    """The badge: where a posted range sits among the area's official percentiles, as /compare answers."""
    if low is None or high is None:
        raise InvalidInput(
            "Give both compare_low and compare_high (the posted range) for the badge.",
            details=[{"parameter": "compare_low,compare_high", "problem": "one of the pair missing"}],
        )
    if low.amount > high.amount:
        raise InvalidInput(
            f"compare_low ({low.shown}) is greater than compare_high ({high.shown}); give the range's "
            "bottom first.",
            details=[{"parameter": "compare_low,compare_high", "problem": "low greater than high"}],
        )
    chosen, _inferred = pay_unit(low=low, high=high, unit=unit, names=("compare_low", "compare_high"))
    occupation = snapshot.catalog.resolve(profile.occupation)
    place = snapshot.gazetteer.locate(location=profile.location, state=profile.state, metro=profile.metro)
    body = compare_service.compare(
        snapshot, occupation=occupation, low=low, high=high, unit=chosen, place=place
    )
    unused = [name for name in ESTIMATE_ONLY_FIELDS if getattr(profile, name) is not None]
    return {
        "kind": "badge",
        **framed(theme=theme, compact=compact, brand=brand, occupation=body["occupation"]),
        "area": body["area"]["name"],
        "location": body["location"],
        "sentence": body["summary"],
        "range_text": f"{fmt.money(low.amount, unit=chosen)} \u2013 {fmt.money(high.amount, unit=chosen)} "
        f"{'an hour' if chosen == 'hourly' else 'a year'}",
        "low_pos": _bar_position(body["low"]),
        "high_pos": _bar_position(body["high"]),
        "method_note": f"Not used by the badge: {', '.join(unused)}." if unused else None,
        "source_line": fmt.source_line(body["releases"], body["sources"]),
        "short_source": short_source(body["releases"]),
        "data_version": body["data_version"],
    }


def wage_card(
    snapshot: Snapshot,
    *,
    profile: ProfileQuery,
    theme: str,
    compact: bool,
    brand: str | None = None,
) -> RangeCard:
    """Everything the card shows: the /estimate answer for the profile (for an occupation other than
    29-2072, its area's official range)."""
    est = estimate_service.estimate_one(snapshot, profile)
    return range_card(est, profile=profile, theme=theme, compact=compact, brand=brand)


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


def method_steps(snapshot: Snapshot, *, profile: ProfileQuery) -> MethodView:
    """The estimate's steps in words (base, adjustments, notes, extras), each with source and citation."""
    est = estimate_service.estimate_one(snapshot, profile)
    card = card_figures(estimate=est, profile=profile)
    base, level, area = est["base"], est["level"], est["base"]["area"]
    if base["kind"] == "experience_band" and level is not None:
        base_sentence = (
            f"The experience band {level['name']} pays {fmt.hourly(base['hourly_low'])} to "
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
            f"The 25th to 75th percentile of {area['name'] if area else 'the area'}, as published: "
            f"{fmt.hourly(base['hourly_low'])} to "
            f"{fmt.hourly(base['hourly_high'], open_top=base['open_top'])} an hour, "
            f"median {fmt.hourly(base['hourly_mid'])} an hour{annual}."
        )
    steps: list[MethodStep] = [
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
