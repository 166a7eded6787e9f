"""HTML of the explorer page. Server-rendered, so it works without JavaScript; /explorer.js then updates the
results in place when an input changes. No external scripts, fonts or styles."""

from collections.abc import Mapping, Sequence
from typing import Any
from urllib.parse import urlencode

from app import fmt
from app.cards.location import LocationLine
from app.cards.shapes import RangeCard
from app.config import DEFAULT_OCCUPATION
from app.domain.profile import ARTICLE_METHOD_FIELDS, PROMPTS, Prompt
from app.explorer.shapes import Candidate, ExplorerView, Suggestion
from app.fmt import escape

SORTABLE = (
    ("name", "State"),
    ("rank_median", "Rank"),
    ("tier", "Tier"),
    ("mean", "Mean (annual)"),
    ("median", "Median (annual)"),
    ("p10", "10th percentile"),
    ("p90", "90th percentile"),
)
# Columns a phone leaves out (the table's order and the charts keep them).
NARROW_HIDE = ("rank_median", "tier", "p10", "p90")
CSS = """
:root{color-scheme:light;--fg:#1b1f24;--muted:#4a5058;--line:#d0d7de;--accent:#1f6feb;--bg2:#f6f8fa}
*{box-sizing:border-box}
body{margin:0;font:15px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,Arial,sans-serif;color:var(--fg);
  overflow-wrap:anywhere}
header,main{max-width:1120px;margin:0 auto;padding:0 16px}
header{padding-top:18px}
h1{font-size:24px;margin:0 0 4px}
h2{font-size:19px;margin:0 0 10px}
h3{font-size:15px;margin:14px 0 6px}
.lede,.muted,.source{color:var(--muted)}
.source{font-size:13px}
.layout{display:grid;grid-template-columns:300px minmax(0,1fr);gap:24px;align-items:start}
.layout>*{min-width:0}
@media (max-width:820px){.layout{grid-template-columns:minmax(0,1fr)}}
form{background:var(--bg2);border:1px solid var(--line);border-radius:10px;padding:14px;
  position:sticky;top:10px}
@media (max-width:820px){form{position:static}}
fieldset{border:0;margin:0;padding:0}
legend{font-weight:650;margin-bottom:6px}
label{display:block;font-size:13px;font-weight:600;margin:8px 0 2px}
select,input{width:100%;max-width:100%;min-width:0;font:inherit;padding:5px 6px;border:1px solid #8c959f;
  border-radius:6px;background:#fff;color:var(--fg)}
[aria-invalid=true]{border:2px solid #b42318;background:#fff4f2}
.field-error{color:#8a1c12;font-size:13px;margin:2px 0 0}
button{margin-top:12px;font:inherit;padding:6px 12px;border-radius:6px;border:1px solid var(--accent);
  background:var(--accent);color:#fff;cursor:pointer}
section.panel{border:1px solid var(--line);border-radius:10px;padding:14px 16px;margin-bottom:18px}
.figs{display:flex;flex-wrap:wrap;gap:4px 28px;margin:6px 0}
.figs p{margin:0}
.figs strong{font-size:24px}
.bar{position:relative;height:14px;border-radius:7px;background:#e3e7ed;margin:12px 0 4px;max-width:560px}
.bar .fill{position:absolute;top:0;bottom:0;border-radius:7px;background:var(--accent)}
.bar .mid{position:absolute;top:-4px;width:4px;height:22px;margin-left:-2px;background:#0b2a5b;
  border-radius:2px}
.scale{display:flex;flex-wrap:wrap;gap:0 10px;justify-content:space-between;max-width:560px;font-size:13px;
  color:var(--muted)}
.table-wrap{max-width:100%;overflow-x:auto}
table{border-collapse:collapse;width:100%;font-size:14px;margin:6px 0}
.narrow-only{display:none}
@media (max-width:600px){.narrow-hide{display:none}.narrow-only{display:inline}th,td{padding:4px 5px}
  table{font-size:13px}section.panel{padding:12px 10px}.figs strong{font-size:20px}}
ol.steps{padding-left:20px;margin:6px 0}
ol.steps li{margin-bottom:8px}
th,td{text-align:left;padding:5px 8px;border-bottom:1px solid var(--line);vertical-align:top}
td.num,th.num{text-align:right;font-variant-numeric:tabular-nums}
td.num{white-space:nowrap}
th,td{overflow-wrap:normal}
th a{color:inherit;text-decoration:none}
th a:hover,th a:focus{text-decoration:underline}
th[aria-sort] a::after{content:" \\25B2";font-size:11px}
th[aria-sort=descending] a::after{content:" \\25BC"}
.error{border-color:#b42318;background:#fff4f2}
.error p{color:#8a1c12;margin:0}
img.chart{max-width:100%;height:auto;border:1px solid var(--line);border-radius:8px;margin-top:8px}
ul.notes{padding-left:18px;margin:4px 0}
ul.notes li{margin-bottom:4px}
.busy{opacity:.6;transition:opacity .2s}
a{color:#0550ae}
.status{min-height:1.4em;font-size:13px;color:var(--muted)}
.understood{font-size:13px;color:var(--muted);margin:2px 0 0}
ul.candidates{font-size:13px;margin:2px 0 0;padding-left:18px}
fieldset.method{margin-top:10px;border-top:1px solid var(--line);padding-top:4px}
fieldset.method[disabled]{opacity:.6}
fieldset.method legend{font-weight:600;font-size:13px;margin:6px 0 0;padding:0}
"""


def _options(items: Sequence[Mapping[str, Any]], selected: str | None, *, empty: str | None) -> str:
    """<option> elements for a select, the chosen one selected."""
    out = [f'<option value="">{escape(empty)}</option>'] if empty is not None else []
    for item in items:
        attrs = f' value="{escape(item["code"])}"'
        if selected is not None and item["code"].upper() == selected.upper():
            attrs += " selected"
        out.append(f"<option{attrs}>{escape(item['label'])}</option>")
    return "".join(out)


def _datalist(list_id: str, items: list[Suggestion]) -> str:
    """Suggestions for a free-text box: each a word the API reads, labelled with what it means."""
    options = "".join(
        f'<option value="{escape(i["code"])}" label="{escape(i["label"])}"></option>' for i in items
    )
    return f'<datalist id="{list_id}">{options}</datalist>'


def _text(name: str, value: str, *, placeholder: str, autocomplete: str = "off") -> str:
    """A free-text box with its suggestions list."""
    return (
        f'<input id="f-{name}" name="{name}" type="text" maxlength="120" list="{name}-words" '
        f'autocomplete="{autocomplete}" spellcheck="false" value="{escape(value)}" '
        f'placeholder="{escape(placeholder)}">'
    )


def _understood(name: str, understood: LocationLine | None, candidates: list[Candidate]) -> str:
    """Under a free-text box: how its words were read (one line, all of it on hover), or, when they could
    mean several things, each candidate as a link that picks it."""
    links = "".join(
        f'<li><a href="{escape(c["href"])}" data-field="{name}" data-value="{escape(c["value"])}">'
        f"{escape(c['label'])}</a></li>"
        for c in candidates
    )
    line = (
        f'<p class="understood" id="f-{name}-understood" title="{escape(understood.full)}">'
        f"Read as: {escape(understood.short)}</p>"
        if understood
        else f'<p class="understood" id="f-{name}-understood" hidden></p>'
    )
    listed = (
        f'<ul class="candidates" id="f-{name}-candidates" aria-label="Did you mean">{links}</ul>'
        if links
        else f'<ul class="candidates" id="f-{name}-candidates" hidden></ul>'
    )
    return line + listed


def _field(name: str, control: str, errors: dict[str, str], hint: str = "") -> str:
    """A label, its control and the place its error shows (empty and hidden while the value is fine)."""
    hint_html = f' <span class="muted">({escape(hint)})</span>' if hint else ""
    message = errors.get(name)
    if message:
        control = control.replace(
            f'id="f-{name}"', f'id="f-{name}" aria-invalid="true" aria-describedby="f-{name}-error"', 1
        )
    return (
        f'<label for="f-{name}">{escape(PROMPTS[name].label)}{hint_html}</label>{control}'
        f'<p class="field-error" id="f-{name}-error"{"" if message else " hidden"}>'
        f"{escape(message or '')}</p>"
    )


def _select(name: str, items: Sequence[Mapping[str, Any]], selected: str | None, empty: str | None) -> str:
    """A select control named like its form field."""
    return f'<select id="f-{name}" name="{name}">{_options(items, selected, empty=empty)}</select>'


def _number(name: str, value: str | None, prompt: Prompt) -> str:
    """A number input with its field's bounds and step."""
    shown = escape(value or "")
    return (
        f'<input id="f-{name}" name="{name}" type="number" min="{prompt.low:g}" max="{prompt.high:g}" '
        f'step="{prompt.step}" value="{shown}" inputmode="decimal">'
    )


def _asked(names: list[str], view: ExplorerView) -> str:
    """The fields a form asks with a list (the options the view offers for them) or a number box."""
    options, raw, errors = view["choices"]["options"], view["raw"], view["field_errors"]
    out = []
    for name in names:
        prompt = PROMPTS[name]
        if name in options:
            control = _select(name, options[name], raw.get(name), prompt.unknown)
        else:
            control = _number(name, raw.get(name), prompt)
        out.append(_field(name, control, errors, prompt.hint))
    return "".join(out)


def form(view: ExplorerView) -> str:
    """The profile form, each field with its place for an error; place and occupation as people type them."""
    c, errors = view["choices"], view["field_errors"]
    candidates = view["candidates"]
    if view["method_applies"]:
        method_note = ""
    else:
        set_aside = ", ".join(PROMPTS[n].label for n in view["set_aside"])
        method_note = (
            f"The estimate method covers medical coders ({DEFAULT_OCCUPATION}) only: these details are not "
            f"used for {view['occupation_title']}"
            + (f" (set aside: {set_aside})" if set_aside else "")
            + ", which gets its area's official range."
        )
    disabled = "" if view["method_applies"] else " disabled"
    asked = [name for name in PROMPTS if name not in ("occupation", "location")]
    return (
        '<form id="profile" method="get" action="/" aria-describedby="form-help" novalidate>'
        "<fieldset><legend>Profile</legend>"
        '<p id="form-help" class="muted" style="margin:0;font-size:13px">Results update as you change a '
        "value. Leave a field empty when it is unknown.</p>"
        + _field(
            "occupation",
            _text("occupation", view["occupation_text"], placeholder=f"{view['occupation_title']} (default)")
            + _datalist("occupation-words", c["occupations"])
            + _understood("occupation", view["occupation_understood"], candidates.get("occupation", [])),
            errors,
        )
        + _field(
            "location",
            _text(
                "location",
                view["location_text"],
                placeholder="77001, Houston, TX, Texas or US",
                autocomplete="postal-code",
            )
            + _datalist("location-words", c["places"])
            + _understood("location", view["location_understood"], candidates.get("location", [])),
            errors,
        )
        + f'<fieldset class="method" id="method-fields"{disabled}>'
        "<legend>Medical coders</legend>"
        f'<p class="understood" id="method-only-note"{"" if method_note else " hidden"}>'
        f"{escape(method_note)}</p>"
        + _asked([n for n in asked if n in ARTICLE_METHOD_FIELDS], view)
        + "</fieldset>"
        + _asked([n for n in asked if n not in ARTICLE_METHOD_FIELDS], view)
        + f'<input type="hidden" name="sort" id="f-sort" value="{escape(view["sort"])}">'
        + '<button type="submit">Update</button>'
        '<p class="status" id="status" role="status" aria-live="polite"></p>'
        "</fieldset></form>"
    )


def _money(fig: Mapping[str, Any] | None, unit: str) -> str:
    """An annual or hourly figure as money; an em dash when missing."""
    if fig is None:
        return "\u2014"
    return fmt.annual(fig["annual"]) if unit == "annual" else fmt.hourly(fig["hourly"])


def _labels(view: ExplorerView, keys: list[str]) -> str:
    """Release labels ('BLS OEWS, May 2025 (official files; ...)') for release keys, in words."""
    labels = view["release_labels"]
    return "; ".join(labels.get(k, k) for k in dict.fromkeys(keys))


def estimate_panel(view: ExplorerView) -> str:
    """The estimate with its explanation, or the reason there is none."""
    if view["error"]:
        flagged = [PROMPTS[name].label for name in view["field_errors"]]
        text = (
            f"No estimate for this profile: check {', '.join(flagged)} (marked in the form)."
            if flagged
            else view["error"]
        )
        return (
            '<section class="panel error" id="estimate" aria-labelledby="estimate-h">'
            '<h2 id="estimate-h">Estimate</h2>'
            f'<p class="estimate-error">{escape(text)}</p></section>'
        )
    official, card = view["official"], view["card"]
    if official:
        return official_panel(official)
    assert card is not None, "a profile without an error has an estimate or an official range"
    est = card["estimate"]
    steps = []
    for a in est["adjustments"]:
        low, high = fmt.change(a["multiplier_low"]), fmt.change(a["multiplier_high"])
        effect = f"low end {low}, high end {high}" if low != high else f"both ends {low}"
        steps.append(
            f"<li><strong>{escape(a['factor'].replace('_', ' ').capitalize())}</strong> ({escape(effect)}): "
            f"{escape(fmt.release_keys_in_words(a['explanation'], view['release_labels']))}"
            '<br><span class="source">'
            f"Source: {escape(_labels(view, a['releases']))}: "
            f"\u201c{escape(a['citation'][:240])}\u201d</span></li>"
        )
    adjustments = (
        f'<ol class="steps" id="adjustments">{"".join(steps)}</ol>'
        if steps
        else '<p class="muted">No adjustment applied.</p>'
    )
    notes = "".join(f"<li>{escape(n['message'])}</li>" for n in est["notes"])
    base = est["base"]
    top = fmt.hourly(base["hourly_high"], open_top=base["open_top"])
    if base["kind"] == "experience_band":
        kind, annual_text = f"the {est['level']['name']} experience band", ""
    else:
        kind = f"the {base['area']['name']} 25th\u201375th percentile, as published,"
        annual_text = (
            f" ({fmt.annual(base['annual_low'])}\u2013{fmt.annual(base['annual_high'])} a year, mid "
            f"{fmt.annual(base['annual_mid'])} a year)"
            if base["annual_low"] is not None
            else ""
        )
    base_text = (
        f"Starting range: {kind} {fmt.hourly(base['hourly_low'])}\u2013{top} an hour, mid "
        f"{fmt.hourly(base['hourly_mid'])} an hour{annual_text}. "
        f"Source: {escape(_labels(view, [base['release']]))}."
    )
    progression = "".join(
        f"<tr><td>{escape(step['level']['name'])}</td>"
        f'<td class="num">{escape(fmt.money_range(step["hourly"], unit="hourly"))}</td>'
        f'<td class="num">{escape(fmt.money_range(step["annual"], unit="annual"))}</td></tr>'
        for step in est["progression"]
    )
    total = est["total_compensation"]
    total_text = (
        f"Total compensation {fmt.annual(total['low'])} \u2013 "
        f"{fmt.annual(total['high'], open_top=total['open_top'])} a year, including "
        + "; ".join(escape(c["label"].rstrip(".")) for c in total["components"])
        if total["components"]
        else ""
    )
    h = est["hourly"]
    hourly_range, annual_range = card["hourly_text"], card["annual_text"]
    mid_hourly, mid_annual = card["mid_hourly_text"], card["mid_annual_text"]
    assert hourly_range and annual_range and mid_hourly and mid_annual, "an estimate has both units"
    return (
        '<section class="panel" id="estimate" aria-labelledby="estimate-h">'
        f'<h2 id="estimate-h">Estimate: {escape(card["area"])}</h2>'
        f'<p class="muted" id="estimate-profile">{escape(card["profile"])}</p>'
        '<div class="figs">'
        f'<p><strong id="est-hourly" data-low="{h["low"]}" data-mid="{h["mid"]}" data-high="{h["high"]}">'
        f"{escape(hourly_range)}</strong> an hour</p>"
        f'<p><strong id="est-annual" data-low="{est["annual"]["low"]}" data-high="{est["annual"]["high"]}">'
        f"{escape(annual_range)}</strong> a year</p></div>"
        f'<div class="bar" role="img" aria-label="Range {escape(hourly_range)} an hour, mid '
        f'{escape(mid_hourly)} an hour"><span class="fill" style="left:0;right:0"></span>'
        f'<span class="mid" style="left:{card["marker_pct"]}%"></span></div>'
        f'<p class="scale" aria-hidden="true"><span>Low</span><span>Mid {escape(mid_hourly)} '
        f"an hour ({escape(mid_annual)} a year)</span><span>High</span></p>"
        f"<h3>How it is estimated</h3><p>{base_text}</p>{adjustments}"
        + (f'<h3>Notes</h3><ul class="notes">{notes}</ul>' if notes else "")
        + (f"<p>{total_text}.</p>" if total_text else "")
        + '<h3>Progression</h3><div class="table-wrap"><table><thead><tr><th>Level</th>'
        '<th class="num">An hour</th><th class="num">A year</th></tr></thead>'
        f"<tbody>{progression}</tbody></table></div>"
        f'<p class="source">Range: {escape(card["source_line"])}. All sources used, including notes: '
        f"{escape(card['all_sources'].removeprefix('Source: '))}. "
        f'<a href="{escape(card["estimate_path"])}">This estimate as JSON</a></p></section>'
    )


def official_panel(card: RangeCard) -> str:
    """The pay range for an occupation the estimate method does not cover: its area's official range."""
    figs = "".join(
        f'<p><strong id="official-{unit}">{escape(text)}</strong> {words}</p>'
        for unit, text, words in (
            ("hourly", card["hourly_text"], "an hour"),
            ("annual", card["annual_text"], "a year"),
        )
        if text
    )
    mids = [
        f"{text} {words}"
        for text, words in ((card["mid_hourly_text"], "an hour"), (card["mid_annual_text"], "a year"))
        if text
    ]
    method_note = card["method_note"]
    return (
        '<section class="panel" id="estimate" aria-labelledby="estimate-h">'
        f'<h2 id="estimate-h">Pay range: {escape(card["area"])}</h2>'
        f'<p class="muted" id="estimate-profile">{escape(card["profile"])}, median {escape(" (".join(mids))}'
        f"{')' if len(mids) > 1 else ''}</p>"
        f'<div class="figs">{figs}</div>'
        + (f'<p id="method-note">{escape(method_note)}</p>' if method_note else "")
        + f'<p class="source">{escape(card["source_line"])}.</p></section>'
    )


def percentiles_panel(view: ExplorerView) -> str:
    """The area's published percentiles: bar, table by percentile, chart."""
    shown = view["percentiles"]
    body = shown.answer
    pct = body["percentiles"]
    cells = [
        ("p10", "10th"),
        ("p25", "25th"),
        ("median", "Median (50th)"),
        ("p75", "75th"),
        ("p90", "90th"),
    ]
    rows = "".join(
        f'<tr><th scope="row">{label}</th><td class="num" data-key="{k}">{_money(pct[k], "annual")}</td>'
        f'<td class="num">{_money(pct[k], "hourly")}</td></tr>'
        for k, label in cells
    )
    bar = ""
    lo, mid, hi = pct["p10"], pct["median"], pct["p90"]
    # BLS publishes some occupations (and some cells) hourly only: no annual figures, so no bar.
    if (
        lo
        and mid
        and hi
        and None not in (lo["annual"], mid["annual"], hi["annual"])
        and hi["annual"] > lo["annual"]
    ):
        marker = round((mid["annual"] - lo["annual"]) / (hi["annual"] - lo["annual"]) * 100, 1)
        bar = (
            f'<div class="bar" role="img" aria-label="10th to 90th percentile: {_money(lo, "annual")} to '
            f'{_money(hi, "annual")} a year, median {_money(mid, "annual")} a year">'
            '<span class="fill" style="left:0;right:0"></span>'
            f'<span class="mid" style="left:{marker}%"></span>'
            f'</div><p class="scale" aria-hidden="true"><span>10th {_money(lo, "annual")}/yr</span>'
            f"<span>Median {_money(mid, 'annual')}/yr</span><span>90th {_money(hi, 'annual')}/yr</span></p>"
        )
    query = urlencode([("occupation", view["occupation"])]) + (
        f"&{shown.chart_query}" if shown.chart_query else ""
    )
    note = f'<p class="muted">{escape(shown.note)}</p>' if shown.note else ""
    return (
        '<section class="panel" id="percentiles" aria-labelledby="pct-h">'
        f'<h2 id="pct-h">Percentile range: {escape(body["area"]["name"])}</h2>{note}{bar}'
        '<div class="table-wrap"><table id="percentiles-table"><thead><tr><th scope="col">Percentile</th>'
        '<th class="num" scope="col">A year</th><th class="num" scope="col">An hour</th></tr></thead>'
        f"<tbody>{rows}</tbody></table></div>"
        f'<p class="source">{escape(fmt.source_line(body["releases"], body["sources"]))}</p>'
        f'<img class="chart" src="/charts/percentiles.svg?{escape(query)}" width="640" height="380" '
        f'alt="Bar chart of the wage percentiles in {escape(body["area"]["name"])}; the same figures as the '
        'table above."></section>'
    )


def _sort_href(view: ExplorerView, field: str, descending: bool) -> str:
    """The page's address sorted by another column (for use without JavaScript)."""
    pairs = [
        (k, v) for k, v in view["raw"].items() if v not in (None, "") and k not in ("occupation", "sort")
    ]
    pairs.append(("occupation", view["occupation"]))
    pairs.append(("sort", f"-{field}" if descending else field))
    return "/?" + urlencode(sorted(pairs))


def states_panel(view: ExplorerView) -> str:
    """The states table, its order said in words, and its chart."""
    current = view["sort"].split(",")[0]
    cur_field, cur_desc = current.lstrip("-+"), current.startswith("-")
    heads = []
    for field, label in SORTABLE:
        numeric = field not in ("name", "tier")
        if field == cur_field:
            aria = f' aria-sort="{"descending" if cur_desc else "ascending"}"'
            next_desc = not cur_desc
        else:
            aria = ""
            next_desc = numeric and field != "rank_median"
        key = f"{'-' if next_desc else ''}{field}"
        classes = " ".join(
            c for c in ("num" if numeric else "", "narrow-hide" if field in NARROW_HIDE else "") if c
        )
        heads.append(
            f'<th scope="col"{aria}{f" class={chr(34)}{classes}{chr(34)}" if classes else ""}>'
            f'<a href="{escape(_sort_href(view, field, next_desc))}" data-sort="{key}">'
            f"{escape(label)}</a></th>"
        )
    rows = []
    for item in view["states"]:
        w = item["wages"]
        rows.append(
            f'<tr data-code="{escape(item["code"])}"><td>{escape(item["name"])}</td>'
            f'<td class="num narrow-hide">{item["rank_median"] or ""}</td>'
            f'<td class="narrow-hide">{escape((item["tier"] or "").replace("_", " "))}</td>'
            + "".join(
                f'<td class="num{" narrow-hide" if s in NARROW_HIDE else ""}">{_money(w[s], "annual")}</td>'
                for s in ("mean", "median", "p10", "p90")
            )
            + "</tr>"
        )
    chart_q = urlencode([("occupation", view["occupation"]), ("sort", view["chart_sort"])])
    return (
        '<section class="panel" id="states" aria-labelledby="states-h">'
        '<h2 id="states-h">States</h2><p class="muted">'
        + (f'<span id="sort-note">{escape(view["sort_note"])}. </span>' if view["sort_note"] else "")
        + 'Sorted by <span id="states-sort">'
        f"{escape(view['sort_words'])}</span>; choose a column heading to sort. Wages are a year's pay."
        '<span class="narrow-only"> On a narrow screen the rank, tier and 10th and 90th percentile columns '
        "are left out.</span></p>"
        f'<div class="table-wrap"><table id="states-table"><thead><tr>{"".join(heads)}</tr></thead>'
        f"<tbody>{''.join(rows)}</tbody></table></div>"
        f'<p class="source">{escape(view["states_source"])}</p>'
        f'<img class="chart" src="/charts/states.svg?{escape(chart_q)}" width="680" height="300" '
        'alt="Bar chart of the states by wage; the same figures as the table above."></section>'
    )


def page(view: ExplorerView) -> str:
    """The explorer page."""
    return (
        '<!doctype html><html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width,initial-scale=1">'
        f"<title>Salary explorer: {escape(view['occupation_title'])}</title>"
        f"<style>{CSS}</style></head><body>"
        "<header><h1>Medical billing and coding salary explorer</h1>"
        f'<p class="lede">Percentiles and state wages for {escape(view["occupation_title"])} '
        f"(SOC {escape(view['occupation'])}), an explained estimate for medical coders (SOC "
        f"{DEFAULT_OCCUPATION}), every figure with its source. The same data as the "
        '<a href="/docs">JSON API</a>.</p></header>'
        f'<main class="layout">{form(view)}'
        f'<div id="results" aria-live="polite" data-data-version="{view["data_version"]}">'
        f"{estimate_panel(view)}{percentiles_panel(view)}{states_panel(view)}</div></main>"
        '<script src="/explorer.js" defer></script></body></html>'
    )
