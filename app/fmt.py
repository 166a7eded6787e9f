"""Formatting shared by the estimate's summary sentence, the HTML cards, the SVG charts and the explorer page:
money, source lines, escaping."""

import re
from collections.abc import Mapping, Sequence
from decimal import ROUND_HALF_UP, Decimal
from html import escape
from typing import Any

__all__ = [
    "escape",
    "hourly",
    "annual",
    "money",
    "money_range",
    "source_line",
    "area_label",
    "release_keys_in_words",
    "change",
]


def _rounded(value: float, places: str) -> Decimal:
    # Half-up on the printed decimal, as the browser's Intl.NumberFormat does, so page and API agree.
    return Decimal(repr(float(value))).quantize(Decimal(places), rounding=ROUND_HALF_UP)


def _whole_cents(value: float) -> int | None:
    """The amount in cents when its printed decimal has at most two places (so rounding it is integer
    arithmetic), else None. Below 1e9 a float is within far less than a cent of the decimal it prints as,
    so ``cents / 100 == value`` means it prints as exactly that many cents: the same digits ``_rounded``
    starts from, at about a third of its cost."""
    if 0 < value < 1e9:
        cents = round(value * 100)
        if cents / 100 == value:
            return cents
    return None


def hourly(value: float | None, *, open_top: bool = False) -> str:
    """'$23.45' (or '$45.00+' for an open top); an em dash when missing."""
    if value is None:
        return "\u2014"
    cents = _whole_cents(value)
    text = f"{_rounded(value, '0.01'):,}" if cents is None else f"{cents // 100:,}.{cents % 100:02d}"
    return f"${text}" + ("+" if open_top else "")


def annual(value: float | None, *, open_top: bool = False) -> str:
    """'$48,780' to the whole dollar (or '$93,600+'); an em dash when missing."""
    if value is None:
        return "\u2014"
    cents = _whole_cents(value)
    dollars = _rounded(value, "1") if cents is None else (cents + 50) // 100  # half up, as _rounded
    return f"${dollars:,}" + ("+" if open_top else "")


def money(value: float | None, *, unit: str, open_top: bool = False) -> str:
    """An amount in its unit: ``hourly`` to the cent, anything else (``annual``) to the dollar."""
    return (hourly if unit == "hourly" else annual)(value, open_top=open_top)


def money_range(rng: Mapping[str, Any], *, unit: str) -> str:
    """'$23.00 – $30.00' from a low/mid/high range with open_top."""
    top = money(rng["high"], unit=unit, open_top=bool(rng.get("open_top")))
    return f"{money(rng['low'], unit=unit)} \u2013 {top}"


def source_line(releases: Sequence[Mapping[str, Any]], sources: Sequence[Mapping[str, Any]]) -> str:
    """'Source: BLS OEWS, May 2023 (as quoted in the article); <article>' from a response's provenance."""
    titles = {s["key"]: s["title"] for s in sources}
    parts: list[str] = []
    # Official statistics first, the article's own analysis last.
    for release in sorted(releases, key=lambda r: r["source"] == "article"):
        text = titles.get("article", release["label"]) if release["source"] == "article" else release["label"]
        if text not in parts:
            parts.append(text)
    if not parts:
        return "Source: not stated"
    return "Source: " + "; ".join(parts)


def area_label(snapshot: Any, *, state: str | None, metro: str | None) -> str:
    """The most specific area of a profile, by name; 'United States' without one."""
    if metro:
        area = snapshot.metros_by_code.get(metro)
        if area is not None:
            return str(area["name"])
    if state:
        area = snapshot.states_by_code.get(state.upper())
        if area is not None:
            return str(area["name"])
    return "United States"


def range_releases(estimate: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    """The releases an estimate's range rests on: those of its base and adjustments (not of its notes)."""
    used = {estimate["base"]["release"], *(r for a in estimate["adjustments"] for r in a["releases"])}
    return [r for r in estimate["releases"] if r["key"] in used]


def range_source_line(estimate: Mapping[str, Any]) -> str:
    """The source line for an estimate's range: the releases of its base and adjustments only."""
    return source_line(range_releases(estimate), estimate["sources"])


def release_keys_in_words(text: str, labels: dict[str, str]) -> str:
    """An explanation's 'from release bls-oews-2025-05' with the release's label in place of its key."""
    return re.sub(r"\brelease ([a-z0-9][a-z0-9-]*)", lambda m: labels.get(m.group(1), m.group(0)), text)


def change(multiplier: float) -> str:
    """A multiplier as a change in words: '+5.0%', '-1.8%' or 'no change'."""
    pct = (multiplier - 1) * 100
    return "no change" if abs(pct) < 0.05 else f"{pct:+.1f}%"
