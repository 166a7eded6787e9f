"""HTML of the wage-range card: self-contained, inline CSS only, no scripts, fonts or external resources.

The same markup is shown in an iframe and, through /embed.js, inside a shadow root on the host page, so every
rule is scoped under ``.wr`` and nothing depends on ``body``.
"""

from typing import Any

from app.embed.fmt import escape, hourly

# Colours checked for WCAG AA contrast: text >= 4.5:1 on the card background in both themes.
CARD_CSS = """
.wr{box-sizing:border-box;font:14px/1.4 system-ui,-apple-system,"Segoe UI",Roboto,Arial,sans-serif;
  max-width:420px;padding:14px 16px;border-radius:10px;border:1px solid var(--wr-border);
  background:var(--wr-bg);color:var(--wr-fg);text-align:left}
.wr *{box-sizing:border-box}
.wr-light{--wr-bg:#ffffff;--wr-fg:#1b1f24;--wr-muted:#4a5058;--wr-border:#c9ced6;--wr-track:#e3e7ed;
  --wr-fill:#1f6feb;--wr-mark:#0b2a5b;--wr-link:#0550ae}
.wr-dark{--wr-bg:#161b22;--wr-fg:#f0f3f6;--wr-muted:#b8c0ca;--wr-border:#3d444d;--wr-track:#30363d;
  --wr-fill:#4493f8;--wr-mark:#ffffff;--wr-link:#8cc4ff}
.wr h2{font-size:15px;margin:0 0 2px;font-weight:650}
.wr p{margin:0}
.wr-profile,.wr-source,.wr-scale{color:var(--wr-muted);font-size:12.5px}
.wr-figs{display:flex;flex-wrap:wrap;gap:2px 18px;margin:8px 0 6px}
.wr-figs strong{font-size:18px;font-weight:700;white-space:nowrap}
.wr-bar{position:relative;height:12px;border-radius:6px;background:var(--wr-track);margin:10px 0 4px}
.wr-fill{position:absolute;inset:0;border-radius:6px;background:var(--wr-fill)}
.wr-open .wr-fill{background:linear-gradient(90deg,var(--wr-fill) 80%,var(--wr-track))}
.wr-mid{position:absolute;top:-4px;width:4px;height:20px;margin-left:-2px;border-radius:2px;
  background:var(--wr-mark);box-shadow:0 0 0 2px var(--wr-bg)}
.wr-scale{display:flex;justify-content:space-between;gap:8px}
.wr-source{margin-top:8px}
.wr a{color:var(--wr-link)}
.wr-sr{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}
.wr-compact{padding:8px 12px;max-width:360px}
.wr-compact h2{font-size:13.5px}
.wr-compact .wr-figs{margin:4px 0}
.wr-compact .wr-figs strong{font-size:15px}
.wr-compact .wr-bar{height:8px;margin:6px 0 2px}
.wr-compact .wr-mid{top:-4px;height:16px}
.wr-compact .wr-scale{display:none}
.wr-compact .wr-source{margin-top:4px;font-size:11.5px}
"""

PAGE_CSS = "html,body{margin:0;padding:0;background:transparent}"


def card_fragment(card: dict[str, Any]) -> str:
    """The card element alone (a <section>), as /embed.js places it in a shadow root."""
    h, a = card["hourly"], card["annual"]
    classes = ["wr", f"wr-{card['theme']}"]
    if card["compact"]:
        classes.append("wr-compact")
    if card["open_top"]:
        classes.append("wr-open")
    mid_label = card["mid_label"]
    summary = (
        f"Estimated pay for {card['occupation']} in {card['area']} ({card['profile']}): "
        f"{card['hourly_text']} an hour, {card['annual_text']} a year; "
        f"{mid_label.lower()} {card['mid_hourly_text']} an hour ({card['mid_annual_text']} a year)."
    )
    title = f"{card['occupation']} pay \u00b7 {card['area']}"
    return (
        f'<section class="{" ".join(classes)}" aria-label="{escape(title)}" '
        f'data-data-version="{card["data_version"]}">'
        f'<h2 class="wr-title">{escape(title)}</h2>'
        f'<p class="wr-profile">{escape(card["profile"])}</p>'
        '<div class="wr-figs">'
        f'<p><strong class="wr-hourly" data-low="{h["low"]}" data-mid="{h["mid"]}" data-high="{h["high"]}">'
        f"{escape(card['hourly_text'])}</strong> an hour</p>"
        f'<p><strong class="wr-annual" data-low="{a["low"]}" data-mid="{a["mid"]}" data-high="{a["high"]}">'
        f"{escape(card['annual_text'])}</strong> a year</p>"
        "</div>"
        f'<div class="wr-bar" role="img" aria-label="{escape(summary)}">'
        '<span class="wr-fill"></span>'
        f'<span class="wr-mid" style="left:{card["marker_pct"]}%"></span></div>'
        '<p class="wr-scale" aria-hidden="true">'
        f"<span>Low {escape(hourly(h['low']))}</span>"
        f'<span class="wr-midtext">{escape(mid_label)} {escape(card["mid_hourly_text"])}</span>'
        f"<span>High {escape(hourly(h['high'], open_top=card['open_top']))}</span></p>"
        f'<p class="wr-source">{escape(card["source_line"])}. '
        f'<a href="{escape(card["estimate_path"])}" target="_blank" rel="noopener">'
        "How it is estimated</a></p>"
        "</section>"
    )


def card_page(card: dict[str, Any]) -> str:
    """A whole HTML document holding the card, for an iframe."""
    title = f"{card['occupation']} pay, {card['area']}"
    return (
        '<!doctype html><html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width,initial-scale=1">'
        f'<meta name="color-scheme" content="{"dark" if card["theme"] == "dark" else "light"}">'
        f"<title>{escape(title)}</title>"
        f'<style id="wr-style">{PAGE_CSS}{CARD_CSS}</style></head>'
        f"<body>{card_fragment(card)}</body></html>"
    )
