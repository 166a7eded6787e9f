"""What a wage card shows of an /estimate answer: its figures and texts, the profile in words, the links
(the wage card, the badge, the method page and the explorer all draw from these)."""

from collections.abc import Mapping, Sequence
from enum import StrEnum
from typing import Any
from urllib.parse import urlencode

from app import fmt
from app.cards.shapes import CardFigures, ErrorCard, Framed, RangeCard, RangeTexts
from app.config import DEFAULT_OCCUPATION
from app.domain.profile import ProfileQuery, details_in_words, given_fields


class Theme(StrEnum):
    """Colour scheme of the embedded card: light, dark, or auto (follows prefers-color-scheme)."""

    light = "light"
    dark = "dark"
    auto = "auto"


THEMES = tuple(t.value for t in Theme)


def estimate_query(profile: ProfileQuery) -> str:
    """The /estimate query string for a profile, leaving out what was not given or is the default."""
    return urlencode(given_fields(profile))


def profile_label(estimate: Mapping[str, Any]) -> str:
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
    return " \u00b7 ".join([*parts, *details_in_words(prof)])


def marker_pct(rng: Mapping[str, Any]) -> float:
    """Where the mid sits on a low-high bar, in percent (50 when the range is a single value)."""
    span = rng["high"] - rng["low"]
    if span <= 0:
        return 50.0
    return round(max(0.0, min(100.0, (rng["mid"] - rng["low"]) / span * 100)), 1)


def range_texts(hourly: Mapping[str, Any] | None, annual: Mapping[str, Any] | None) -> RangeTexts:
    """The range's printed forms, each amount with its unit; a missing unit prints as None."""
    ref = hourly or annual
    return {
        "hourly": hourly,
        "annual": annual,
        "hourly_text": fmt.money_range(hourly, unit="hourly") if hourly else None,
        "annual_text": fmt.money_range(annual, unit="annual") if annual else None,
        "mid_hourly_text": fmt.hourly(hourly["mid"]) if hourly else None,
        "mid_annual_text": fmt.annual(annual["mid"]) if annual else None,
        "marker_pct": marker_pct(ref) if ref else 50.0,
    }


def card_figures(*, estimate: Mapping[str, Any], profile: ProfileQuery) -> CardFigures:
    """The figures and texts a wage card shows for an estimate (the embed card and the explorer's card)."""
    query = estimate_query(profile)
    location = estimate["location"]
    return {
        "area": location["area"]["name"],
        "location": location,
        "profile": profile_label(estimate),
        **range_texts(estimate["hourly"], estimate["annual"]),
        "open_top": bool(estimate["open_top"]),
        "source_line": fmt.range_source_line(estimate),
        "estimate_path": "/estimate" + (f"?{query}" if query else ""),
    }


def method_path(profile: ProfileQuery) -> str:
    """The card's link to its "How it is estimated" page, with the same profile."""
    query = estimate_query(profile)
    return "/embed/wage-range/method" + (f"?{query}" if query else "")


def short_source(releases: Sequence[Mapping[str, Any]]) -> str:
    """'BLS OEWS, May 2025; the source article': release labels without their parenthesised remarks."""
    parts: list[str] = []
    for release in sorted(releases, key=lambda r: r["source"] == "article"):
        label = "the source article" if release["source"] == "article" else release["label"].split(" (")[0]
        if label not in parts:
            parts.append(label)
    return "Source: " + "; ".join(parts) if parts else "Source: not stated"


def range_card(
    est: Mapping[str, Any], *, profile: ProfileQuery, theme: str, compact: bool, brand: str | None = None
) -> RangeCard:
    """Everything the wage card shows of an /estimate answer (for an occupation other than 29-2072, its
    area's official range)."""
    # Links carry the occupation understood (its SOC code), whatever words named it.
    profile = profile.model_copy(update={"occupation": est["occupation"]["soc_code"]})
    official = est["occupation"]["soc_code"] != DEFAULT_OCCUPATION
    return {
        "kind": "range",
        **card_figures(estimate=est, profile=profile),
        **framed(theme=theme, compact=compact, brand=brand, occupation=est["occupation"]),
        "method_note": (
            f"The article's experience method applies to {DEFAULT_OCCUPATION} (Medical Records Specialists) "
            "only: this is the area's official 25th\u201375th percentile range."
        )
        if official
        else None,
        "method_note_short": f"Official range; the experience method covers {DEFAULT_OCCUPATION} only.",
        "short_source": short_source(fmt.range_releases(est)),
        "mid_label": "Median"
        if est["base"]["kind"] == "area_percentiles" and not est["adjustments"]
        else "Mid",
        "data_version": est["data_version"],
        "method_path": method_path(profile),
    }


def framed(*, theme: str, compact: bool, brand: str | None, occupation: Mapping[str, Any]) -> Framed:
    """What every card with figures tells its frame: its look, and the answer's occupation."""
    return {
        "theme": theme,
        "compact": compact,
        "brand": brand,
        "occupation": occupation["title"],
        "soc_code": occupation["soc_code"],
    }


def error_card(*, status: int, message: str, theme: str, compact: bool, brand: str | None) -> ErrorCard:
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
