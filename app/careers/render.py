"""HTML of the career-outcomes card: self-contained, inline CSS, one script (the wage card's height poster,
allowed by its hash); every figure is footnoted with its source and the sentence or file row it comes from."""

from collections.abc import Mapping
from typing import Any
from urllib.parse import urlencode

from app.cards.frame import PAGE_CSS, RESIZE_JS
from app.cards.location import location_html
from app.fmt import annual, escape, hourly, money_range

# Text colours meet WCAG AA (>= 4.5:1) on the card background in both themes.
_LIGHT = (
    "color-scheme:light;--cc-bg:#ffffff;--cc-fg:#1b1f24;--cc-muted:#4a5058;--cc-border:#c9ced6;"
    "--cc-claim:#fff4d6;--cc-link:#0550ae"
)
_DARK = (
    "color-scheme:dark;--cc-bg:#161b22;--cc-fg:#f0f3f6;--cc-muted:#b8c0ca;--cc-border:#3d444d;"
    "--cc-claim:#3a2f12;--cc-link:#8cc4ff"
)
CARD_CSS = f"""
.cc{{box-sizing:border-box;font:14px/1.4 system-ui,-apple-system,"Segoe UI",Roboto,Arial,sans-serif;
  max-width:520px;padding:14px 16px;border-radius:10px;border:1px solid var(--cc-border);
  background:var(--cc-bg);color:var(--cc-fg);text-align:left}}
.cc *{{box-sizing:border-box}}
.cc-light{{{_LIGHT}}}
.cc-dark{{{_DARK}}}
.cc-auto{{{_LIGHT}}}
@media (prefers-color-scheme: dark){{.cc-auto{{{_DARK}}}}}
.cc p{{margin:0}}
.cc-title{{font-size:15px;font-weight:650}}
.cc-lead,.cc-muted,.cc-cites,.cc-where{{color:var(--cc-muted);font-size:12.5px}}
.cc-where{{white-space:nowrap;overflow:hidden;text-overflow:ellipsis}}
.cc table{{width:100%;border-collapse:collapse;margin:6px 0 10px;font-size:13.5px}}
.cc caption{{text-align:left;font-weight:600;padding:4px 0}}
.cc th,.cc td{{text-align:left;padding:3px 6px 3px 0;border-bottom:1px solid var(--cc-border);
  vertical-align:top}}
.cc td.cc-num,.cc-soc{{white-space:nowrap}}
.cc sup{{font-size:10px}}
.cc-claim{{background:var(--cc-claim);border-radius:6px;padding:4px 6px;margin-top:4px;font-size:12.5px}}
.cc a{{color:var(--cc-link)}}
.cc-cites{{margin:6px 0 0;padding-left:18px;overflow-wrap:anywhere}}
"""


class _Notes:
    """Numbered footnotes: one per distinct citation, named by its release's short label."""

    def __init__(self, releases: list[dict[str, Any]]) -> None:
        self.items: list[str] = []
        self.labels = {r["key"]: r["label"].split(" (")[0].split(":")[0] for r in releases}

    def ref(self, *cites: dict[str, Any]) -> str:
        marks = []
        for c in cites:
            # The article's table rows are cited as printed (Markdown); shown here as plain text.
            citation = c["citation"].strip("| ").replace(" | ", " \u00b7 ").replace("*", "")
            text = f"{self.labels.get(c['release'], c['release'])}: {citation}"
            if text not in self.items:
                self.items.append(text)
            marks.append(str(self.items.index(text) + 1))
        return f"<sup>[{','.join(marks)}]</sup>"


def _method_path(where: dict[str, str]) -> str:
    """The wage card's "How it is estimated" page for the entry level, where this card is: the same
    ``location`` (and ``state`` or ``metro``) as given, so it says the same of the place."""
    return "/embed/wage-range/method?" + urlencode([("level", "entry"), *where.items()])


def card_fragment(data: Mapping[str, Any], *, theme: str, where: dict[str, str]) -> str:
    """The card element alone (a <section>, no heading, so the host page's outline is untouched)."""
    notes = _Notes(data["releases"])
    area = data["area"]["name"]
    occupation = data["occupation"]["title"]
    rows = []
    for step in data["progression"]:
        level = step["level"]
        years = (
            f"{level['years_min']}\u2013{level['years_max']} years"
            if level["years_max"] is not None
            else f"{level['years_min']}+ years"
        )
        rows.append(
            f'<tr class="cc-step" data-level="{escape(level["key"])}"><th scope="row">{escape(level["name"])}'
            f' <span class="cc-muted">({years})</span></th>'
            f'<td class="cc-num">{escape(money_range(step["annual"], unit="annual"))} a year<br>'
            f'<span class="cc-muted">{escape(money_range(step["hourly"], unit="hourly"))} an hour</span>'
            f"{notes.ref(*step['citations'])}</td></tr>"
        )
    location = "".join(f'<p class="cc-muted">{escape(n["message"])}</p>' for n in data["location_notes"])
    ladder = []
    for item in data["ladder"]:
        occ = item["occupation"]
        median = item["median"]
        if median is None:
            cell = f'<span class="cc-muted">{escape(item["note"] or "No official median")}</span>'
        else:
            cite = {"release": item["release"], "citation": median["citation"]}
            cell = (
                f"{escape(annual(median['annual']))} a year<br>"
                f'<span class="cc-muted">{escape(hourly(median["hourly"]))} an hour</span>{notes.ref(cite)}'
            )
        ladder.append(
            f'<tr class="cc-rung" data-soc="{escape(occ["soc_code"])}"><th scope="row">'
            f"{escape(occ['title'] or occ['soc_code'])} "
            f'<span class="cc-muted cc-soc">{escape(occ["soc_code"])}</span></th>'
            f'<td class="cc-num">{cell}</td></tr>'
        )
        claim = item["article_claim"]
        if claim is not None:
            ladder.append(
                f'<tr><td colspan="2"><p class="cc-claim" data-kind="article_claim">'
                f"<strong>{escape(claim['label'])}:</strong> {escape(claim['statement'])}"
                f"{notes.ref(claim)}</p></td></tr>"
            )
    cites = "".join(f"<li>{escape(text)}</li>" for text in notes.items)
    title = f"Career outcomes \u00b7 {area}"
    entry = data["entry"]
    return (
        f'<section class="cc cc-{escape(theme)}" aria-label="{escape(title)}" '
        f'data-data-version="{data["data_version"]}">'
        f'<p class="cc-title">{escape(title)}</p>'
        f"{location_html(data['location'], css_class='cc-where')}"
        f'<p class="cc-lead">{escape(occupation)} start at an estimated '
        f"{escape(money_range(entry['annual'], unit='annual'))} a year in {escape(area)}.</p>"
        f"<table><caption>{escape(occupation)}, pay by experience (estimate)</caption>"
        f"<tbody>{''.join(rows)}</tbody></table>{location}"
        f"<table><caption>Career ladder: official median pay in {escape(area)}</caption>"
        f"<tbody>{''.join(ladder)}</tbody></table>"
        f'<ol class="cc-cites">{cites}</ol>'
        f'<p class="cc-muted"><a href="{escape(_method_path(where))}" target="_blank" rel="noopener">'
        "How the ranges by experience are estimated</a></p>"
        "</section>"
    )


def card_page(data: Mapping[str, Any], *, theme: str, where: dict[str, str]) -> str:
    """A whole HTML document holding the card, for an iframe; it posts its height as the wage card does.
    No color-scheme on the document (the card carries its own), so a dark card gets no opaque backdrop."""
    title = f"Career outcomes, {data['area']['name']}"
    return (
        '<!doctype html><html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width,initial-scale=1">'
        f"<title>{escape(title)}</title>"
        f"<style>{PAGE_CSS}{CARD_CSS}</style></head>"
        f"<body>{card_fragment(data, theme=theme, where=where)}<script>{RESIZE_JS}</script></body></html>"
    )
