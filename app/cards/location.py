"""How a card or page says where its figures are for: the answer's ``location`` block in one short line."""

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from app.fmt import escape

# A full stop after these (St. Louis, Port St. Lucie) ends no sentence.
_ABBREVIATED = frozenset({"St", "Ste", "Ft", "Mt", "Pt"})
_SENTENCE_END = re.compile(r"\. (?=[A-Z0-9(])")


@dataclass(frozen=True, slots=True)
class LocationLine:
    """The explanation's first sentence, shown; the whole explanation, for a tooltip or a longer page."""

    short: str
    full: str


def sentences(text: str) -> list[str]:
    """An explanation split into its sentences."""
    out, start = [], 0
    for end in _SENTENCE_END.finditer(text):
        if text[start : end.start()].rsplit(" ", 1)[-1].lstrip("(") in _ABBREVIATED:
            continue
        out.append(text[start : end.start() + 1])
        start = end.end()
    out.append(text[start:])
    return [s for s in out if s]


def location_line(location: Mapping[str, Any] | None) -> LocationLine | None:
    """The line a card shows under its title; None when nothing was given (national by default: nothing to
    explain). The sentence that only says several parameters agree is skipped for the one that says how."""
    if not location or location.get("input") is None:
        return None
    full = str(location["explanation"])
    said = sentences(full)
    if len(said) > 1 and said[0].endswith(" agree."):
        said = said[1:]
    return LocationLine(short=said[0], full=full)


def location_html(location: Mapping[str, Any] | None, *, css_class: str, element_id: str = "") -> str:
    """The line as a paragraph (its whole explanation as its title), or nothing."""
    line = location_line(location)
    if line is None or location is None:
        return ""
    ident = f' id="{escape(element_id)}"' if element_id else ""
    return (
        f'<p class="{escape(css_class)}"{ident} title="{escape(line.full)}" '
        f'data-method="{escape(str(location["method"]))}">{escape(line.short)}</p>'
    )
