"""Presenting: the method's estimate and the gathered inputs as the /estimate answer, with its provenance and
its one-line summary; nothing here reads the Snapshot."""

from dataclasses import dataclass, field

import orjson

from app import fmt
from app.config import DEFAULT_OCCUPATION
from app.domain.estimation.answer import AnnualRange, Answer, Estimate, HourlyRange, Note
from app.domain.estimation.gather import EstimateInputs, Releases
from app.domain.profile import HOURS_DEFAULT
from app.domain.records import Provenance, SourceRef

# The answer's blocks that are the same objects on every request on one core (the method's core, its
# provenance, and the occupation and location as the core's requests name them): serialised once and
# spliced into each answer's JSON.
CORE_BLOCKS = (
    "occupation",
    "location",
    "level",
    "base",
    "hourly",
    "adjustments",
    "notes",
    "releases",
    "sources",
)


@dataclass(slots=True)
class Remembered:
    """What presenting one hours-independent core worked out, for every later request on the same core."""

    # keyed by "a retirement match was given": the only hours/match input that adds a source
    provenance: dict[bool, Provenance] = field(default_factory=dict)
    # published annual figures or not -> the summary around its hours-dependent words (`summary_frame`)
    summary_frames: dict[bool, tuple[str, str]] = field(default_factory=dict)
    # CORE_BLOCKS serialised: name -> (the block, its JSON), used while an answer holds that very block.
    serialised: dict[str, tuple[object, orjson.Fragment]] = field(default_factory=dict)


def provenance(releases: Releases, estimate: Estimate) -> Provenance:
    """The releases the estimate names (its base, adjustments, notes and components), each once, in that
    order, and the sources behind them."""
    keys: list[str] = [estimate["base"]["release"]]
    for adj in estimate["adjustments"]:
        keys.extend(adj["releases"])
    for item in (*estimate["notes"], *estimate["total_compensation"]["components"]):
        if item["release"]:
            keys.append(item["release"])
    named = dict.fromkeys(keys)
    sources: dict[int, SourceRef] = {}
    for key in named:
        for source_id, source in releases.sources[key]:
            sources.setdefault(source_id, source)
    return {
        "data_version": releases.data_version,
        "releases": [releases.public[key] for key in named],
        "sources": list(sources.values()),
    }


def _official_note(inputs: EstimateInputs) -> Note:
    """Why an occupation other than 29-2072 gets its area's percentiles."""
    return {
        "factor": "occupation",
        "input": inputs.occupation["soc_code"],
        "message": f"The experience method covers {DEFAULT_OCCUPATION} only: for "
        f"{inputs.occupation['title']} this is {inputs.area_name}'s official 25th-75th percentile range, "
        "as published.",
        "source": None,
        "release": None,
        "citation": None,
    }


def present(estimate: Estimate, inputs: EstimateInputs, remembered: Remembered) -> Answer:
    """The answer: what was asked and how it was understood, the estimate, its provenance and summary."""
    notes = estimate["notes"] if inputs.article_method else [_official_note(inputs), *estimate["notes"]]
    match_given = inputs.retirement_match_pct is not None
    named = remembered.provenance.get(match_given)
    if named is None:
        named = remembered.provenance[match_given] = provenance(inputs.releases, estimate)
    answer: Answer = {
        "occupation": inputs.occupation,
        "location": inputs.location,
        "profile": inputs.echo,
        "level": estimate["level"],
        "base": estimate["base"],
        "hourly": estimate["hourly"],
        "annual": estimate["annual"],
        "open_top": estimate["open_top"],
        "adjustments": estimate["adjustments"],
        "notes": notes,
        "total_compensation": estimate["total_compensation"],
        "progression": estimate["progression"],
        "data_version": named["data_version"],
        "releases": named["releases"],
        "sources": named["sources"],
    }
    published = answer["annual"]["published"]
    frame = remembered.summary_frames.get(published)
    if frame is None:
        moved = any(a["factor"] in ("state", "metro") for a in estimate["adjustments"])
        frame = remembered.summary_frames[published] = summary_frame(
            answer,
            located=inputs.area_name if moved else "the United States",
            source=fmt.range_source_line(answer),
            hourly=_words(answer["hourly"], unit="hourly"),
        )
    before, after = frame
    answer["summary"] = before + _hours_words(answer, inputs.hours_per_year) + after
    return answer


def _words(rng: HourlyRange | AnnualRange, *, unit: str) -> tuple[str, str]:
    """A range's low and high in words, in its unit."""
    return fmt.money(rng["low"], unit=unit), fmt.money(rng["high"], unit=unit)


def _span(words: tuple[str, str], open_top: bool) -> str:
    low, high = words
    return f"{low} to {high}" + (" or more" if open_top else "")


def summary_frame(answer: Answer, *, located: str, source: str, hourly: tuple[str, str]) -> tuple[str, str]:
    """The summary sentence ('Half of Medical Records Specialists in Texas earn between $39,470 and $63,970 a
    year ...') around its hours-dependent words (`_hours_words`), the same for every request on one core whose
    annual figures are (or are not) BLS's published ones. ``located`` names the area whose location factor
    moved an experience band ('the United States' for none), ``source`` is the range's source line,
    ``hourly`` the hourly range's low and high in words."""
    occupation = answer["occupation"]["title"]
    base, annual = answer["base"], answer["annual"]
    if base["area"] is not None:  # the area's percentiles
        where = base["area"]["name"] if base["area"]["type"] != "national" else "the United States"
        if annual["published"]:
            return (
                f"Half of {occupation} in {where} earn between {fmt.annual(annual['low'])} and "
                f"{fmt.annual(annual['high'])} a year ({hourly[0]} to {hourly[1]} an hour); the median is "
                f"{fmt.annual(annual['mid'])} a year. {source}.",
                "",
            )
        return (
            f"Half of {occupation} in {where} earn between {hourly[0]} and {hourly[1]} an hour; at ",
            f". {source}.",
        )
    level = answer["level"]
    assert level is not None  # a band's base
    years = (
        f"{level['years_min']}\u2013{level['years_max']} years"
        if level["years_max"] is not None
        else f"{level['years_min']}+ years"
    )
    return (
        f"Estimated pay for {occupation} in {located}, {level['name']} ({years} of experience): ",
        f", or {_span(hourly, answer['hourly']['open_top'])} an hour. {source}.",
    )


def _hours_words(answer: Answer, hours: int) -> str:
    """The words of the summary that depend on the hours: the annual range (none when it is BLS's own)."""
    annual = answer["annual"]
    if annual["published"]:
        return ""
    span = _span(_words(annual, unit="annual"), annual["open_top"])
    if answer["base"]["area"] is not None:
        return f"{hours:,} hours a year that is {span}"
    return f"{span} " + ("a year" if hours == HOURS_DEFAULT else f"a year at {hours:,} hours")


def answer_json(answer: Answer, remembered: Remembered) -> bytes:
    """The answer's JSON, as ``orjson.dumps(answer)``, with the core's blocks spliced in already serialised
    (a block the answer holds a different object for, such as notes made for these hours, is serialised)."""
    spliced: dict[str, object] = dict(answer)
    serialised = remembered.serialised
    for name in CORE_BLOCKS:
        block = spliced[name]
        held = serialised.get(name)
        if held is None:
            held = serialised[name] = (block, orjson.Fragment(orjson.dumps(block)))
        if held[0] is block:
            spliced[name] = held[1]
    return orjson.dumps(spliced)
