"""Hand-written SVG for the charts: title, axis labels, values on the bars, a source line, and a text
equivalent (<title>/<desc>) for screen readers. No scripts, fonts or external references."""

import math
from collections.abc import Callable, Mapping
from typing import Any

from app.fmt import annual, escape, hourly, money

FONT = "system-ui,-apple-system,'Segoe UI',Roboto,Arial,sans-serif"
INK, MUTED, GRID, BAR, REF = "#1b1f24", "#4a5058", "#d0d7de", "#1f6feb", "#b42318"


def _tick_label(value: float, unit: str) -> str:
    if unit == "hourly":
        return f"${value:g}"
    return f"${value / 1000:g}k" if value else "$0"


def nice_ticks(maximum: float, count: int = 5) -> list[float]:
    """0, step, 2*step ... up to at least ``maximum``, with a 1/2/2.5/5 x 10^k step."""
    if maximum <= 0:
        return [0.0, 1.0]
    raw = maximum / count
    power = 10 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 2.5, 5, 10) if m * power >= raw)
    return [round(i * step, 6) for i in range(math.ceil(maximum / step - 1e-9) + 1)]


def _open(width: int, height: int, title: str, desc: str) -> list[str]:
    return [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" role="img" aria-labelledby="chart-title chart-desc" '
        f'font-family="{FONT}" font-size="12" fill="{INK}">',
        f'<title id="chart-title">{escape(title)}</title>',
        f'<desc id="chart-desc">{escape(desc)}</desc>',
        f'<rect width="{width}" height="{height}" fill="#ffffff"/>',
    ]


def _header(chart: Mapping[str, Any]) -> list[str]:
    return [
        f'<text class="title" x="16" y="26" font-size="16" font-weight="700">{escape(chart["title"])}</text>',
        f'<text class="subtitle" x="16" y="45" fill="{MUTED}">{escape(chart["subtitle"])}</text>',
    ]


def _footer(chart: Mapping[str, Any], y: float, extra: str | None = None) -> list[str]:
    out = []
    if extra:
        out.append(f'<text class="note" x="16" y="{y - 16:.0f}" fill="{MUTED}">{escape(extra)}</text>')
    out.append(
        f'<text class="source" x="16" y="{y:.0f}" fill="{MUTED}" font-size="11">'
        f"{escape(chart['source'])}</text>"
    )
    return out


def _y_grid(
    ticks: list[float], *, left: float, right: float, y: Callable[[float], float], unit: str
) -> list[str]:
    """Horizontal grid lines with their amounts on the left."""
    out = []
    for t in ticks:
        out.append(f'<line x1="{left}" x2="{right}" y1="{y(t):.1f}" y2="{y(t):.1f}" stroke="{GRID}"/>')
        out.append(
            f'<text x="{left - 8}" y="{y(t) + 4:.1f}" text-anchor="end" fill="{MUTED}">'
            f"{_tick_label(t, unit)}</text>"
        )
    return out


def _axis_labels(
    chart: Mapping[str, Any], *, x: float, x_label_y: float, top: float, bottom: float
) -> list[str]:
    """The x axis's label under the plot and the y axis's, turned, at its left."""
    mid_y = (top + bottom) / 2
    return [
        f'<text class="x-label" x="{x:.0f}" y="{x_label_y}" text-anchor="middle" '
        f'font-weight="600">{escape(chart["x_label"])}</text>',
        f'<text class="y-label" x="18" y="{mid_y:.0f}" text-anchor="middle" font-weight="600" '
        f'transform="rotate(-90 18 {mid_y:.0f})">{escape(chart["y_label"])}</text>',
    ]


def percentiles_svg(chart: Mapping[str, Any]) -> str:
    """Vertical bars for p10, p25, median, p75, p90."""
    width, height = 640, 380
    left, right, top, bottom = 76, 24, 64, 300
    unit = chart["unit"]
    values = [b["value"] for b in chart["bars"] if b["value"] is not None]
    ticks = nice_ticks(max(values) if values else 1)
    scale = (bottom - top) / ticks[-1]
    desc = "; ".join(
        f"{b['label']} percentile: "
        + (
            "not available"
            if b["value"] is None
            else f"{annual(b['annual'])} a year, {hourly(b['hourly'])} an hour"
        )
        for b in chart["bars"]
    ).replace("Median percentile", "Median")
    parts = _open(width, height, f"{chart['title']}. {chart['subtitle']}", desc + ". " + chart["source"])
    parts += _header(chart)
    parts += _y_grid(ticks, left=left, right=width - right, y=lambda t: bottom - t * scale, unit=unit)
    slot = (width - right - left) / len(chart["bars"])
    bar_w = slot * 0.56
    for i, b in enumerate(chart["bars"]):
        cx = left + slot * (i + 0.5)
        if b["value"] is not None:
            h = b["value"] * scale
            parts.append(
                f'<rect class="bar" data-key="{b["key"]}" data-value="{b["value"]}" x="{cx - bar_w / 2:.1f}" '
                f'y="{bottom - h:.1f}" width="{bar_w:.1f}" height="{h:.1f}" fill="{BAR}" rx="2"/>'
            )
            parts.append(
                f'<text class="value" x="{cx:.1f}" y="{bottom - h - 6:.1f}" text-anchor="middle" '
                f'font-weight="600">{money(b["value"], unit=unit)}</text>'
            )
        else:
            parts.append(
                f'<text class="value" x="{cx:.1f}" y="{bottom - 6}" text-anchor="middle" fill="{MUTED}">'
                "n/a</text>"
            )
        parts.append(f'<text x="{cx:.1f}" y="{bottom + 18}" text-anchor="middle">{escape(b["label"])}</text>')
    parts.append(f'<line x1="{left}" x2="{width - right}" y1="{bottom}" y2="{bottom}" stroke="{INK}"/>')
    parts += _axis_labels(chart, x=(left + width - right) / 2, x_label_y=bottom + 40, top=top, bottom=bottom)
    parts += _footer(chart, height - 12)
    parts.append("</svg>")
    return "\n".join(parts)


def states_svg(chart: Mapping[str, Any]) -> str:
    """Horizontal bars, one per state, in the requested order; states without the figure are named below."""
    unit = chart["unit"]
    bars = chart["bars"]
    row = 26
    width, left, right, top = 680, 190, 90, 64
    plot_h = max(row * len(bars), row)
    bottom = top + plot_h
    missing = chart["missing"]
    note = None
    if missing:
        names = ", ".join(m["label"] for m in missing)
        note = f"No {chart['stat']} figure in the data for: {names}."
        if len(note) > 110:
            note = note[:107] + "..."
    height = bottom + 62 + (18 if note else 0)
    values = [b["value"] for b in bars]
    ref = chart["reference"]
    ticks = nice_ticks(max(values + ([ref["value"]] if ref else [])) if values else 1)
    scale = (width - left - right) / ticks[-1]
    desc = (
        "; ".join(f"{b['label']}: {money(b['value'], unit=unit)}" for b in bars) or "No state has this figure"
    )
    parts = _open(width, height, f"{chart['title']}. {chart['subtitle']}", f"{desc}. {chart['source']}")
    parts += _header(chart)
    for t in ticks:
        x = left + t * scale
        parts.append(f'<line x1="{x:.1f}" x2="{x:.1f}" y1="{top}" y2="{bottom}" stroke="{GRID}"/>')
        parts.append(
            f'<text x="{x:.1f}" y="{bottom + 16}" text-anchor="middle" fill="{MUTED}">'
            f"{_tick_label(t, unit)}</text>"
        )
    for i, b in enumerate(bars):
        y = top + i * row
        w = b["value"] * scale
        parts.append(
            f'<text x="{left - 8}" y="{y + row / 2 + 4:.1f}" text-anchor="end">{escape(b["label"])}</text>'
        )
        parts.append(
            f'<rect class="bar" data-code="{escape(b["code"])}" data-value="{b["value"]}" x="{left}" '
            f'y="{y + 4}" width="{w:.1f}" height="{row - 8}" fill="{BAR}" rx="2"/>'
        )
        parts.append(
            f'<text class="value" x="{left + w + 6:.1f}" y="{y + row / 2 + 4:.1f}" font-weight="600">'
            f"{money(b['value'], unit=unit)}</text>"
        )
    if ref:
        x = left + ref["value"] * scale
        parts.append(
            f'<line class="reference" x1="{x:.1f}" x2="{x:.1f}" y1="{top - 4}" y2="{bottom}" stroke="{REF}" '
            'stroke-dasharray="4 3" stroke-width="1.5"/>'
        )
        parts.append(
            f'<text x="{x + 4:.1f}" y="{top - 6}" fill="{REF}" font-size="11">{escape(ref["label"])} '
            f"{money(ref['value'], unit=unit)}</text>"
        )
    parts.append(f'<line x1="{left}" x2="{left}" y1="{top}" y2="{bottom}" stroke="{INK}"/>')
    parts.append(
        f'<text class="x-label" x="{(left + width - right) / 2:.0f}" y="{bottom + 36}" text-anchor="middle" '
        f'font-weight="600">{escape(chart["x_label"])}</text>'
    )
    mid_y = (top + bottom) / 2
    parts.append(
        f'<text class="y-label" x="18" y="{mid_y:.0f}" text-anchor="middle" font-weight="600" '
        f'transform="rotate(-90 18 {mid_y:.0f})">{escape(chart["y_label"])}</text>'
    )
    parts += _footer(chart, height - 12, note)
    parts.append("</svg>")
    return "\n".join(parts)


MEAN = "#8250df"
BAND = "#b6d4fe"


def _months(start: Any) -> int:
    return start.year * 12 + start.month


def _describe_point(p: dict[str, Any], unit: str) -> str:
    parts = [f"{p['label']}{' (quoted)' if p['quoted'] else ''}: median {money(p['median'], unit=unit)}"]
    if p["p25"] is not None and p["p75"] is not None:
        parts.append(f"25th-75th percentile {money(p['p25'], unit=unit)} to {money(p['p75'], unit=unit)}")
    if p["mean"] is not None:
        parts.append(f"mean {money(p['mean'], unit=unit)}")
    return ", ".join(parts)


def trends_svg(chart: Mapping[str, Any]) -> str:
    """Median and mean as lines over the periods held, the 25th-75th percentile as a band; quoted points
    hollow."""
    width, height = 680, 400
    left, right, top, bottom = 76, 150, 64, 310
    pad = 40  # keeps the first and last periods' labels inside the plot
    unit, points = chart["unit"], chart["points"]
    values = [p[s] for p in points for s in ("p25", "median", "p75", "mean") if p[s] is not None]
    ticks = nice_ticks(max(values) if values else 1)
    scale = (bottom - top) / ticks[-1]
    first, last = _months(points[0]["start"]), _months(points[-1]["start"])
    span = max(last - first, 1)

    def x(p: dict[str, Any]) -> float:
        if last == first:
            return (left + width - right) / 2
        return left + pad + (_months(p["start"]) - first) / span * (width - left - right - 2 * pad)

    def y(value: float) -> float:
        return bottom - value * scale

    desc = "; ".join(_describe_point(p, unit) for p in points)
    parts = _open(width, height, f"{chart['title']}. {chart['subtitle']}", f"{desc}. {chart['source']}")
    parts += _header(chart)
    parts += _y_grid(ticks, left=left, right=width - right, y=y, unit=unit)
    banded = [p for p in points if p["p25"] is not None and p["p75"] is not None]
    if banded:
        edge = [(x(p), y(p["p75"])) for p in banded] + [(x(p), y(p["p25"])) for p in reversed(banded)]
        if len(banded) == 1:  # one period: a short bar for its band
            cx = edge[0][0]
            edge = [(cx - 6, edge[0][1]), (cx + 6, edge[0][1]), (cx + 6, edge[1][1]), (cx - 6, edge[1][1])]
        parts.append(
            f'<polygon class="band" points="{" ".join(f"{a:.1f},{b:.1f}" for a, b in edge)}" fill="{BAND}" '
            'fill-opacity="0.7"/>'
        )
    for stat, colour, dash in (("median", BAR, ""), ("mean", MEAN, ' stroke-dasharray="5 3"')):
        line = [p for p in points if p[stat] is not None]
        if len(line) > 1:
            path = " ".join(f"{x(p):.1f},{y(p[stat]):.1f}" for p in line)
            parts.append(
                f'<polyline class="line" data-stat="{stat}" points="{path}" fill="none" stroke="{colour}" '
                f'stroke-width="2"{dash}/>'
            )
        for p in line:
            fill = "#ffffff" if p["quoted"] else colour
            parts.append(
                f'<circle class="point" data-stat="{stat}" data-release="{escape(p["release"])}" '
                f'data-value="{p[stat]}" data-quoted="{str(p["quoted"]).lower()}" cx="{x(p):.1f}" '
                f'cy="{y(p[stat]):.1f}" r="4" fill="{fill}" stroke="{colour}" stroke-width="2"/>'
            )
            if stat == "median":
                parts.append(
                    f'<text class="value" x="{x(p):.1f}" y="{y(p[stat]) - 9:.1f}" text-anchor="middle" '
                    f'font-weight="600">{money(p[stat], unit=unit)}</text>'
                )
    for p in points:
        parts.append(
            f'<text x="{x(p):.1f}" y="{bottom + 18}" text-anchor="middle">{escape(p["label"])}'
            f"{' (quoted)' if p['quoted'] else ''}</text>"
        )
    parts.append(f'<line x1="{left}" x2="{width - right}" y1="{bottom}" y2="{bottom}" stroke="{INK}"/>')
    legend = (("Median", BAR), ("Mean (dashed)", MEAN), ("25th to 75th pct.", BAND))
    for n, (label, colour) in enumerate(legend):
        ly = top + 8 + n * 18
        parts.append(f'<rect x="{width - right + 12}" y="{ly - 8}" width="12" height="8" fill="{colour}"/>')
        parts.append(f'<text class="legend" x="{width - right + 30}" y="{ly}" font-size="11">{label}</text>')
    parts.append(
        f'<text class="legend" x="{width - right + 12}" y="{top + 8 + 3 * 18}" font-size="11" '
        f'fill="{MUTED}">Hollow: quoted</text>'
    )
    parts += _axis_labels(chart, x=(left + width - right) / 2, x_label_y=bottom + 40, top=top, bottom=bottom)
    parts += _footer(chart, height - 12, chart["note"])
    parts.append("</svg>")
    return "\n".join(parts)
