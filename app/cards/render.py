"""HTML of the wage-range card and its "How it is estimated" page: inline CSS, no fonts or external files.

The same card markup is shown in an iframe and, through /embed.js, inside a shadow root on the host page, so
every rule is scoped under ``.wr`` and nothing depends on ``body``. The card adds no heading to the host
page's outline. Kinds of card (``card["kind"]``: range, badge, error) each have a body function; the frame
around them (theme, size, brand colour) is shared.
"""

from collections.abc import Mapping
from typing import Any

from app.cards.frame import PAGE_CSS, RESIZE_JS
from app.cards.location import location_html, location_line
from app.cards.shapes import BadgeCard, Card, ErrorCard, MethodView, RangeCard
from app.fmt import annual, escape, hourly

# Colours checked for WCAG AA contrast (text >= 4.5:1 on the card background) in tests/browser.
LIGHT = (
    "color-scheme:light;--wr-bg:#ffffff;--wr-fg:#1b1f24;--wr-muted:#4a5058;--wr-border:#c9ced6;"
    "--wr-track:#e3e7ed;--wr-fill:var(--wage-range-brand,#1f6feb);--wr-mark:#0b2a5b;--wr-link:#0550ae;"
    "--wr-warn:#b42318"
)
DARK = (
    "color-scheme:dark;--wr-bg:#161b22;--wr-fg:#f0f3f6;--wr-muted:#b8c0ca;--wr-border:#3d444d;"
    "--wr-track:#30363d;--wr-fill:var(--wage-range-brand,#4493f8);--wr-mark:#ffffff;--wr-link:#8cc4ff;"
    "--wr-warn:#ff8d7e"
)
# theme=auto follows the reader's prefers-color-scheme; light where the browser does not say.
CARD_CSS = (
    f".wr-light,.wr-auto{{{LIGHT}}}\n.wr-dark{{{DARK}}}\n"
    f"@media (prefers-color-scheme:dark){{.wr-auto{{{DARK}}}}}\n"
    """
.wr{box-sizing:border-box;font:14px/1.4 system-ui,-apple-system,"Segoe UI",Roboto,Arial,sans-serif;
  width:100%;max-width:440px;padding:14px 16px;border-radius:10px;border:1px solid var(--wr-border);
  background:var(--wr-bg);color:var(--wr-fg);text-align:left;overflow-wrap:anywhere}
.wr *{box-sizing:border-box}
.wr p{margin:0}
.wr-title{font-size:15px;margin:0 0 2px;font-weight:650}
.wr-profile,.wr-source,.wr-scale,.wr-note,.wr-detail,.wr-where{color:var(--wr-muted);font-size:12.5px}
.wr-where{white-space:nowrap;overflow:hidden;text-overflow:ellipsis;overflow-wrap:normal}
.wr-figs{display:flex;flex-wrap:wrap;gap:2px 18px;margin:8px 0 6px}
.wr-figs strong{font-size:18px;font-weight:700;white-space:nowrap}
.wr-bar{position:relative;height:12px;border-radius:6px;background:var(--wr-track);margin:10px 0 4px}
.wr-fill{position:absolute;inset:0;border-radius:6px;background:var(--wr-fill)}
.wr-open .wr-fill{background:linear-gradient(90deg,var(--wr-fill) 80%,var(--wr-track))}
.wr-mid{position:absolute;top:-4px;width:4px;height:20px;margin-left:-2px;border-radius:2px;
  background:var(--wr-mark);box-shadow:0 0 0 2px var(--wr-bg)}
.wr-scale{display:flex;flex-wrap:wrap;justify-content:space-between;gap:0 8px}
.wr-note{margin-top:6px}
.wr-source{margin-top:8px}
.wr a{color:var(--wr-link)}
.wr-error{border-left:4px solid var(--wr-warn)}
.wr-reader{margin:2px 0 6px}
.wr-compact{padding:8px 12px}
.wr-compact .wr-title,.wr-compact .wr-profile,.wr-compact .wr-note,.wr-compact .wr-source,
.wr-compact .wr-detail{
  white-space:nowrap;overflow:hidden;text-overflow:ellipsis;overflow-wrap:normal}
.wr-compact .wr-title{font-size:13.5px;margin:0}
.wr-compact .wr-profile,.wr-compact .wr-note,.wr-compact .wr-where{font-size:12px}
.wr-compact .wr-note{margin-top:2px}
.wr-compact .wr-figs{margin:2px 0;gap:0 14px}
.wr-compact .wr-figs p{font-size:12.5px}
.wr-compact .wr-figs strong{font-size:15px}
.wr-compact .wr-bar{height:8px;margin:5px 0 2px}
.wr-compact .wr-mid{top:-4px;height:16px}
.wr-compact .wr-scale,.wr-compact .wr-long{display:none}
.wr-compact .wr-source{margin-top:3px;font-size:11.5px}
.wr-compact .wr-reader{font-size:12.5px;margin:2px 0}
.wr:not(.wr-compact) .wr-short{display:none}
.wr-badge-text{font-weight:600;margin:2px 0}
.wr-span{position:absolute;top:0;bottom:0;border-radius:6px;background:var(--wr-fill);min-width:4px}
.wr-compact .wr-badge-text{font-size:13px}
"""
)


def _frame(card: Card, label: str, body: str, extra: tuple[str, ...] = ()) -> str:
    """The themed card element around a body: classes for theme and size, the brand colour, a label."""
    classes = ["wr", f"wr-{card['theme']}", *extra]
    if card["compact"]:
        classes.append("wr-compact")
    brand = card["brand"]
    style = f' style="--wage-range-brand:{escape(brand)}"' if brand else ""
    version = "" if card["kind"] == "error" else f' data-data-version="{card["data_version"]}"'
    return (
        f'<div class="{" ".join(classes)}" role="group" aria-label="{escape(label)}"{style}{version}>'
        f"{body}</div>"
    )


def _strong(cls: str, rng: Mapping[str, Any], text: str, unit: str) -> str:
    """One figure line: the range in bold with its data attributes, then its unit."""
    return (
        f'<p><strong class="{cls}" data-low="{rng["low"]}" data-mid="{rng["mid"]}" data-high="{rng["high"]}">'
        f"{escape(text)}</strong> {unit}</p>"
    )


def range_summary(card: RangeCard) -> str:
    """The bar's text alternative: every figure of the card in one sentence, each with its unit."""
    amounts = []
    if card["hourly_text"]:
        amounts.append(f"{card['hourly_text']} an hour")
    if card["annual_text"]:
        amounts.append(f"{card['annual_text']} a year")
    mids = []
    if card["mid_hourly_text"]:
        mids.append(f"{card['mid_hourly_text']} an hour")
    if card["mid_annual_text"]:
        mids.append(f"{card['mid_annual_text']} a year")
    mid = mids[0] + (f" ({mids[1]})" if len(mids) > 1 else "")
    return (
        f"Pay for {card['occupation']} in {card['area']} ({card['profile']}): {', '.join(amounts)}; "
        f"{card['mid_label'].lower()} {mid}."
    )


def _range_body(card: RangeCard) -> str:
    """The pay range card: title, profile, figures, bar with its text alternative, scale, source, link."""
    h, a = card["hourly"], card["annual"]
    # The scale under the bar is narrow: its amounts carry the short unit.
    rng, unit, one = (h, "/hr", hourly) if h else (a, "/yr", annual)
    assert rng is not None, "a range card has an hourly or an annual range"
    title = f"{card['occupation']} pay \u00b7 {card['area']}"
    figs = "".join(
        _strong(cls, shown, text, words)
        for cls, shown, text, words in (
            ("wr-hourly", h, card["hourly_text"], "an hour"),
            ("wr-annual", a, card["annual_text"], "a year"),
        )
        if shown and text
    )
    low, mid, high = one(rng["low"]), one(rng["mid"]), one(rng["high"], open_top=card["open_top"])
    method_note = card["method_note"]
    note = (
        f'<p class="wr-note" title="{escape(method_note)}"><span class="wr-long">'
        f"{escape(method_note)}</span>"
        f'<span class="wr-short">{escape(card["method_note_short"])}</span></p>'
        if method_note
        else ""
    )
    source_title = escape(card["source_line"])
    # A compact official range leaves out its profile line ("<area> 25th-75th percentile, official"): the
    # title names the area and the note says it is the official range, so the place line fits in its stead.
    profile_class = "wr-profile wr-long" if method_note else "wr-profile"
    return (
        f'<p class="wr-title" title="{escape(title)}">{escape(title)}</p>'
        f'<p class="{profile_class}" title="{escape(card["profile"])}">{escape(card["profile"])}</p>'
        f"{location_html(card['location'], css_class='wr-where')}"
        f'<div class="wr-figs">{figs}</div>'
        f'<div class="wr-bar" role="img" aria-label="{escape(range_summary(card))}">'
        '<span class="wr-fill"></span>'
        f'<span class="wr-mid" style="left:{card["marker_pct"]}%"></span></div>'
        '<p class="wr-scale" aria-hidden="true">'
        f"<span>Low {escape(low)}{unit}</span>"
        f'<span class="wr-midtext">{escape(card["mid_label"])} {escape(mid)}{unit}</span>'
        f"<span>High {escape(high)}{unit}</span></p>"
        f"{note}"
        f'<p class="wr-source" title="{source_title}"><span class="wr-long">{source_title}.</span>'
        f'<span class="wr-short">{escape(card["short_source"])} \u00b7</span> '
        f'<a href="{escape(card["method_path"])}" target="_blank" rel="noopener">How it is estimated</a></p>'
    )


def _error_body(card: ErrorCard) -> str:
    """The error card: what the reader is told, and the API's words for the site owner."""
    return (
        '<p class="wr-title">Pay range not available</p>'
        f'<p class="wr-reader">{escape(card["reader_text"])}</p>'
        f'<p class="wr-detail" title="{escape(card["detail"])}">'
        f"For the site owner: {escape(card['detail'])}</p>"
    )


def _badge_body(card: BadgeCard) -> str:
    """The posted range against the area's p10-p90, in one sentence and on a bar."""
    left, width = card["low_pos"], max(card["high_pos"] - card["low_pos"], 0.0)
    method_note = card["method_note"]
    note = f'<p class="wr-note">{escape(method_note)}</p>' if method_note else ""
    source_title = escape(card["source_line"])
    return (
        f'<p class="wr-profile">Posted range: {escape(card["range_text"])}</p>'
        f"{location_html(card['location'], css_class='wr-where')}"
        f'<p class="wr-badge-text">{escape(card["sentence"])}</p>'
        f'<div class="wr-bar" role="img" aria-label="{escape(card["sentence"])}">'
        f'<span class="wr-span" style="left:{left}%;width:{width}%"></span></div>'
        '<p class="wr-scale" aria-hidden="true"><span>10th percentile</span><span>median</span>'
        "<span>90th percentile</span></p>"
        f"{note}"
        f'<p class="wr-source" title="{source_title}"><span class="wr-long">{source_title}.</span>'
        f'<span class="wr-short">{escape(card["short_source"])}</span></p>'
    )


def card_fragment(card: Card) -> str:
    """The card element alone (a <div class="wr">), as /embed.js places it in a shadow root."""
    if card["kind"] == "error":
        return _frame(card, "Pay range not available", _error_body(card), ("wr-error",))
    if card["kind"] == "badge":
        label = f"Posted pay range for {card['occupation']} in {card['area']}"
        return _frame(card, label, _badge_body(card), ("wr-badge",))
    label = f"{card['occupation']} pay in {card['area']}"
    return _frame(card, label, _range_body(card), ("wr-open",) if card["open_top"] else ())


def card_page(card: Card) -> str:
    """A whole HTML document holding the card, for an iframe; it posts its height to the host page."""
    title = (
        f"{card['occupation']} pay, {card['area']}" if card["kind"] != "error" else "Pay range not available"
    )
    # No color-scheme on the document itself: a root scheme other than the host's makes Chromium paint an
    # opaque backdrop around the card (the "black frame"); the card element carries its own scheme.
    return (
        '<!doctype html><html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width,initial-scale=1">'
        f"<title>{escape(title)}</title>"
        f'<style id="wr-style">{PAGE_CSS}{CARD_CSS}</style></head>'
        f"<body>{card_fragment(card)}<script>{RESIZE_JS}</script></body></html>"
    )


METHOD_CSS = """
:root{color-scheme:light dark;--fg:#1b1f24;--muted:#4a5058;--bg:#ffffff;--line:#c9ced6;--link:#0550ae}
@media (prefers-color-scheme:dark){:root{--fg:#f0f3f6;--muted:#b8c0ca;--bg:#161b22;--line:#3d444d;
  --link:#8cc4ff}}
*{box-sizing:border-box}
body{margin:0;background:var(--bg);color:var(--fg);
  font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,Arial,sans-serif}
main{max-width:720px;margin:0 auto;padding:20px 16px 40px}
h1{font-size:22px;margin:0 0 6px}
h2{font-size:17px;margin:0 0 4px}
p{margin:4px 0}
.muted,.source{color:var(--muted)}
.source{font-size:14px}
.result{font-size:18px;font-weight:650}
ol{padding-left:22px}
ol li{margin:0 0 16px;padding-bottom:12px;border-bottom:1px solid var(--line)}
a{color:var(--link)}
blockquote{margin:4px 0 0;padding-left:10px;border-left:3px solid var(--line);color:var(--muted);
  font-size:14px}
"""


def method_page(view: MethodView) -> str:
    """The "How it is estimated" page: the estimate's steps in words, each with its source and citation."""
    card = view["card"]
    texts = ((card["hourly_text"], "an hour"), (card["annual_text"], "a year"))
    amounts = [f"{text} {unit}" for text, unit in texts if text]
    steps = []
    for step in view["steps"]:
        parts = [f"<h2>{escape(step['title'])}</h2><p>{escape(step['sentence'])}</p>"]
        if step["effect"]:
            parts.append(f'<p class="effect">{escape(step["effect"])}</p>')
        if step["source"]:
            parts.append(f'<p class="source">Source: {escape(step["source"])}.</p>')
        if step["citation"]:
            parts.append(f"<blockquote>{escape(step['citation'])}</blockquote>")
        steps.append(f'<li class="step">{"".join(parts)}</li>')
    title = f"How this pay range is estimated: {card['occupation']}, {card['area']}"
    # A page has room for the whole explanation of the place, not only the card's one line.
    where = location_line(card["location"])
    summary = view["summary"]
    return (
        '<!doctype html><html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width,initial-scale=1">'
        f"<title>{escape(title)}</title><style>{METHOD_CSS}</style></head><body><main>"
        f"<h1>How this pay range is estimated</h1>"
        f'<p class="muted">{escape(card["occupation"])} (SOC {escape(card["soc_code"])}) in '
        f"{escape(card['area'])} \u00b7 {escape(card['profile'])}</p>"
        + (f'<p class="where" id="where">{escape(where.full)}</p>' if where else "")
        + f'<p class="result">{escape(" or ".join(amounts))}</p>'
        + (f'<p class="summary">{escape(summary)}</p>' if summary else "")
        + f'<ol class="steps">{"".join(steps)}</ol>'
        f'<p class="source">{escape(card["source_line"])}.</p>'
        f'<p class="muted">The same figures for programs: <a href="{escape(view["json_path"])}">'
        "as JSON</a>.</p>"
        "</main></body></html>"
    )
