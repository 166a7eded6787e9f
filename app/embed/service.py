"""The wage-range card: one /estimate answer, reduced to what a job board or school page shows."""

from typing import Any
from urllib.parse import urlencode

from app.embed import fmt
from app.estimate import service as estimate_service
from app.estimate.profile import HOURS_DEFAULT, PROFILE_FIELDS
from app.store import Snapshot


def estimate_query(profile: dict[str, Any]) -> str:
    """The /estimate query string for a profile, leaving out what was not given (and the default hours)."""
    pairs = []
    for name in PROFILE_FIELDS:
        value = profile.get(name)
        if value is None or (name == "hours_per_year" and value == HOURS_DEFAULT):
            continue
        pairs.append((name, str(value)))
    return urlencode(pairs)


def profile_label(estimate: dict[str, Any]) -> str:
    """'Mid-Career, 3-9 years · certification not given' from an estimate's level and profile echo."""
    level = estimate["level"]
    prof = estimate["profile"]
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


def card_figures(snapshot: Snapshot, *, estimate: dict[str, Any], profile: dict[str, Any]) -> dict[str, Any]:
    """The figures and texts a wage card shows for an estimate (the embed card and the explorer's card)."""
    hourly, annual = estimate["hourly"], estimate["annual"]
    return {
        "area": fmt.area_label(
            snapshot, state=estimate["profile"]["state"], metro=estimate["profile"]["metro"]
        ),
        "profile": profile_label(estimate),
        "hourly": hourly,
        "annual": annual,
        "hourly_text": fmt.money_range(hourly, unit="hourly"),
        "annual_text": fmt.money_range(annual, unit="annual"),
        "mid_hourly_text": fmt.hourly(hourly["mid"]),
        "mid_annual_text": fmt.annual(annual["mid"]),
        "marker_pct": marker_pct(hourly),
        "open_top": bool(estimate["open_top"]),
        "source_line": fmt.range_source_line(estimate),
        "estimate_path": "/estimate" + (f"?{q}" if (q := estimate_query(profile)) else ""),
    }


def wage_card(
    snapshot: Snapshot,
    *,
    profile: dict[str, Any],
    theme: str,
    compact: bool,
) -> dict[str, Any]:
    """Everything the card shows, computed by the /estimate service in process (same figures as its JSON)."""
    est = estimate_service.estimate_one(snapshot, **profile)
    return {
        **card_figures(snapshot, estimate=est, profile=profile),
        "theme": theme,
        "compact": compact,
        "occupation": est["occupation"]["title"],
        "mid_label": "Median"
        if est["base"]["kind"] == "area_percentiles" and not est["adjustments"]
        else "Mid",
        "data_version": est["data_version"],
    }
