"""The estimate in one plain sentence a school or job page can print as it is."""

from typing import Any

from app import fmt
from app.domain.profile import HOURS_DEFAULT


def _span(rng: dict[str, Any], *, unit: str) -> str:
    top = fmt.money(rng["high"], unit=unit) + (" or more" if rng.get("open_top") else "")
    return f"{fmt.money(rng['low'], unit=unit)} to {top}"


def summary_sentence(estimate: dict[str, Any], *, located: str) -> str:
    """'Half of Medical Records Specialists in Texas earn between $39,470 and $63,970 a year ...'; ``located``
    names the area whose location factor moved an experience band ('the United States' for none)."""
    occupation = estimate["occupation"]["title"]
    base, hourly, annual = estimate["base"], estimate["hourly"], estimate["annual"]
    hours = estimate["profile"]["hours_per_year"]
    source = fmt.range_source_line(estimate)
    if base["kind"] == "area_percentiles":
        where = base["area"]["name"] if base["area"]["type"] != "national" else "the United States"
        if annual["published"]:
            return (
                f"Half of {occupation} in {where} earn between {fmt.annual(annual['low'])} and "
                f"{fmt.annual(annual['high'])} a year ({fmt.hourly(hourly['low'])} to "
                f"{fmt.hourly(hourly['high'])} an hour); the median is {fmt.annual(annual['mid'])} a year. "
                f"{source}."
            )
        return (
            f"Half of {occupation} in {where} earn between {fmt.hourly(hourly['low'])} and "
            f"{fmt.hourly(hourly['high'])} an hour; at {hours:,} hours a year that is "
            f"{_span(annual, unit='annual')}. {source}."
        )
    level = estimate["level"]
    years = (
        f"{level['years_min']}\u2013{level['years_max']} years"
        if level["years_max"] is not None
        else f"{level['years_min']}+ years"
    )
    per_year = "a year" if hours == HOURS_DEFAULT else f"a year at {hours:,} hours"
    return (
        f"Estimated pay for {occupation} in {located}, {level['name']} ({years} of experience): "
        f"{_span(annual, unit='annual')} {per_year}, or {_span(hourly, unit='hourly')} an hour. {source}."
    )
