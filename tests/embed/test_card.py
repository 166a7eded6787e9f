"""GET /embed/wage-range and GET /embed.js over HTTP: the card's figures are /estimate's figures."""

import base64
import hashlib
import re
from decimal import ROUND_HALF_UP, Decimal
from html import unescape

import pytest
from fastapi.testclient import TestClient

from tests.conftest import make_client

EN_DASH = "\u2013"
PROFILES = [
    "state=NJ&years=3",
    "state=DC&level=senior&certifications=CPC",
    "years=0&certifications=none&education=associate",
    "metro=41940&years=12&specialty=inpatient",
    "",
]


def usd(value: float, places: str = "0.01") -> str:
    return f"${Decimal(repr(value)).quantize(Decimal(places), rounding=ROUND_HALF_UP):,}"


def strong(html: str, cls: str) -> re.Match:
    m = re.search(
        rf'<strong class="{cls}" data-low="([\d.]+)" data-mid="([\d.]+)" data-high="([\d.]+)">([^<]*)<', html
    )
    assert m, cls
    return m


@pytest.mark.parametrize("query", PROFILES)
def test_card_figures_match_the_estimate_json(client: TestClient, query: str):
    body = client.get(f"/estimate?{query}").json()
    r = client.get(f"/embed/wage-range?{query}")
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("text/html")
    html = r.text
    plus = "+" if body["open_top"] else ""
    for cls, unit, places in (("wr-hourly", "hourly", "0.01"), ("wr-annual", "annual", "1")):
        m = strong(html, cls)
        rng = body[unit]
        assert [float(m.group(i)) for i in (1, 2, 3)] == [rng["low"], rng["mid"], rng["high"]]
        assert m.group(4) == f"{usd(rng['low'], places)} {EN_DASH} {usd(rng['high'], places)}{plus}"
    # A text equivalent of the range bar, with the same figures.
    label = re.search(r'class="wr-bar" role="img" aria-label="([^"]+)"', html).group(1)
    assert usd(body["hourly"]["low"]) in label and usd(body["hourly"]["mid"]) in label
    # The mid marker sits where the mid lies between low and high.
    left = float(re.search(r'class="wr-mid" style="left:([\d.]+)%"', html).group(1))
    h = body["hourly"]
    assert left == pytest.approx((h["mid"] - h["low"]) / (h["high"] - h["low"]) * 100, abs=0.1)
    # The source line names every release the range rests on (base and adjustments), and no other.
    source = unescape(re.search(r'<span class="wr-long">([^<]*)', html).group(1))
    assert source.startswith("Source: ")
    article_title = next((x["title"] for x in body["sources"] if x["key"] == "article"), None)
    used = {body["base"]["release"], *(r for adj in body["adjustments"] for r in adj["releases"])}
    for release in body["releases"]:
        named = article_title if release["source"] == "article" else release["label"]
        assert (named in source) == (release["key"] in used), (release["key"], source)


def test_card_shows_area_profile_and_bls_source(client: TestClient):
    html = client.get("/embed/wage-range?state=NJ&years=3").text
    assert "New Jersey" in html and "Mid-Career, 3\u20139 years" in html
    assert "Source: BLS OEWS, May 2025" in html
    metro = client.get("/embed/wage-range?metro=41940&years=12").text
    assert "San Jose-Sunnyvale-Santa Clara, CA" in metro and "Senior/Experienced" in metro
    # The senior band's top is open: the card marks it and shows the high end with a "+".
    assert "wr-open" in metro and re.search(r"\$[\d.,]+\+", metro)


def test_card_without_experience_shows_the_areas_published_percentiles(client: TestClient):
    """Texas, no years or level: BLS May 2025 Texas p25 / median / p75 (file row 178), annual as published."""
    html = client.get("/embed/wage-range?state=TX").text
    hourly, annual = strong(html, "wr-hourly"), strong(html, "wr-annual")
    assert [hourly.group(i) for i in (1, 2, 3)] == ["18.98", "23.49", "30.76"]
    assert [annual.group(i) for i in (1, 2, 3)] == ["39470.0", "48860.0", "63970.0"]
    assert hourly.group(4) == f"$18.98 {EN_DASH} $30.76" and annual.group(4) == f"$39,470 {EN_DASH} $63,970"
    assert "Texas 25th\u201375th percentile" in html and "Median" in html


def test_card_is_self_contained(client: TestClient):
    r = client.get("/embed/wage-range?state=NJ&years=3&theme=dark&compact=true")
    html = r.text
    assert not re.search(r'(src|href)="(https?:)?//', html)  # nothing external
    assert "@import" not in html and "@font-face" not in html and "url(" not in html
    assert 'class="wr wr-dark wr-compact"' in html
    # One inline script (it posts the card's height to the host page), allowed by its hash and nothing else.
    scripts = re.findall(r"<script>(.*?)</script>", html, re.S)
    assert len(scripts) == 1 and "<script src" not in html
    digest = base64.b64encode(hashlib.sha256(scripts[0].encode()).digest()).decode()
    csp = r.headers["content-security-policy"]
    assert "default-src 'none'" in csp and "frame-ancestors *" in csp
    assert f"script-src 'sha256-{digest}';" in csp
    assert "postMessage" in scripts[0] and "wage-range:height" in scripts[0]
    assert "x-frame-options" not in r.headers


def test_card_adds_no_heading_and_no_document_color_scheme(client: TestClient):
    for query in ("state=NJ&years=3", "theme=dark", "theme=auto&compact=true", "state=ZZ"):
        html = client.get(f"/embed/wage-range?{query}").text
        assert not re.search(r"<h[1-6][\s>]", html), query
        # A dark root scheme makes Chromium paint an opaque backdrop around the card in a light page.
        assert 'name="color-scheme"' not in html


@pytest.mark.parametrize(
    ("query", "status", "word"),
    [
        ("state=ZZ", 404, "state=ZZ names no state or territory"),
        ("years=1&level=senior", 422, "contradict"),
        ("theme=blue", 422, "theme"),
        ("compact=maybe", 422, "compact"),
        ("brand=red", 422, "brand"),
        ("occupation=99-9999", 404, "No data for occupation 99-9999"),
        ("colour=red", 400, "colour"),
    ],
)
def test_card_bad_input_is_a_small_html_card(client: TestClient, query: str, status: int, word: str):
    # The error card keeps the theme and size asked for, as far as they can be read.
    style, cls = (
        ("compact=true", "wr wr-light wr-error wr-compact")
        if "theme" in query
        else ("theme=dark", "wr wr-dark wr-error")
    )
    r = client.get(f"/embed/wage-range?{query}&{style}")
    assert r.status_code == status
    assert r.headers["content-type"].startswith("text/html")
    assert r.headers["cache-control"] == "no-store"
    html = r.text
    assert "Pay range not available" in html and f'class="{cls}"' in html
    assert word in unescape(re.search(r'<p class="wr-detail"[^>]*>([^<]*)', html).group(1))
    assert "frame-ancestors *" in r.headers["content-security-policy"]
    # A client asking for JSON only gets the one error shape.
    api = client.get(f"/embed/wage-range?{query}", headers={"Accept": "application/json"})
    assert api.status_code == status
    assert word in api.json()["error"]["message"]


def test_card_takes_a_brand_colour(client: TestClient):
    html = client.get("/embed/wage-range?state=NJ&years=3&brand=b5179e").text
    assert 'style="--wage-range-brand:#b5179e"' in html
    assert "var(--wage-range-brand," in html  # the bar's fill, so a host's CSS custom property works too
    assert client.get("/embed/wage-range?brand=%23B5179E").text.count("--wage-range-brand:#B5179E") == 1


def test_theme_auto_follows_the_readers_colour_scheme(client: TestClient):
    html = client.get("/embed/wage-range?theme=auto").text
    assert 'class="wr wr-auto"' in html
    assert re.search(r"@media \(prefers-color-scheme:dark\)\{\.wr-auto\{[^}]*--wr-bg:#161b22", html)


TEXAS_ROW = {
    # BLS OEWS May 2025, Texas, 43-3021 Billing and Posting Clerks (all_data_M_2025_extract.csv line 180).
    "hourly": ("18.51", "22.07", "25.99"),
    "annual": ("38500.0", "45910.0", "54050.0"),
}


def test_card_for_another_occupation_shows_the_areas_official_range(client: TestClient):
    html = client.get("/embed/wage-range?occupation=43-3021&state=TX").text
    hourly, annual = strong(html, "wr-hourly"), strong(html, "wr-annual")
    assert (hourly.group(1), hourly.group(2), hourly.group(3)) == TEXAS_ROW["hourly"]
    assert (annual.group(1), annual.group(2), annual.group(3)) == TEXAS_ROW["annual"]
    assert hourly.group(4) == f"$18.51 {EN_DASH} $25.99" and annual.group(4) == f"$38,500 {EN_DASH} $54,050"
    assert "Billing and Posting Clerks pay \u00b7 Texas" in html
    assert "Texas 25th\u201375th percentile, official" in html
    # The card says why it shows the official range, and refuses what only the method could use.
    note = unescape(re.search(r'<p class="wr-note"[^>]*><span class="wr-long">([^<]*)', html).group(1))
    assert "experience method applies to 29-2072" in note and "official 25th\u201375th percentile" in note
    assert "Median $22.07/hr" in html
    assert 'href="/embed/wage-range/method?occupation=43-3021&amp;state=TX"' in html
    refused = client.get("/embed/wage-range?occupation=43-3021&state=TX&years=3")
    assert refused.status_code == 422 and "covers 29-2072 (Medical Records Specialists) only" in unescape(
        refused.text
    )
    # 29-2072 itself never carries the note.
    assert 'class="wr-note"' not in client.get("/embed/wage-range?state=TX").text
    # Every occupation with official figures has a card; a metro outside the state is refused.
    for code in ("11-9111", "29-9021", "43-3021"):
        assert client.get(f"/embed/wage-range?occupation={code}&metro=41940").status_code == 200
    bad = client.get("/embed/wage-range?occupation=43-3021&state=TX&metro=41940")
    assert bad.status_code == 422 and "they disagree" in unescape(bad.text)


AMOUNT = r"\$[\d,]+(?:\.\d\d)?\+?"
WITH_UNIT = rf"{AMOUNT}(?: (?:\u2013|to|and) {AMOUNT}(?: or more)?)?(?: an hour| a year|/hr|/yr)"


def texts_of(html: str) -> list[str]:
    """The visible text of a page (tags dropped) and every title and aria-label, unescaped; quotations of
    the sources (blockquote) are their own words, left as they are."""
    body = re.sub(r"(?s)<(style|script|blockquote)\b.*?</\1>", "", html)
    return [unescape(re.sub(r"<[^>]+>", "", body))] + [
        unescape(v) for v in re.findall(r'(?:title|aria-label)="([^"]*)"', body)
    ]


def assert_units(html: str) -> None:
    for text in texts_of(html):
        covered = {i for m in re.finditer(WITH_UNIT, text) for i in range(m.start(), m.end())}
        for m in re.finditer(AMOUNT, text):
            assert m.start() in covered, (
                f"no unit after {m.group()!r} in {text[max(0, m.start() - 60) : m.end() + 40]!r}"
            )


@pytest.mark.parametrize(
    "path",
    [
        "/embed/wage-range?state=NJ&years=3",
        "/embed/wage-range?metro=41940&years=12&compact=true",
        "/embed/wage-range?occupation=11-9111&state=CA",
        "/embed/wage-range/method?state=NJ&years=3&certifications=CPC&retirement_match_pct=4",
        "/embed/wage-range/method?state=TX",
        "/embed/wage-range/method?occupation=43-3021&state=TX",
    ],
)
def test_money_carries_its_unit(client: TestClient, path: str):
    html = client.get(path).text
    assert re.search(AMOUNT, html)
    assert_units(html)


def test_method_page_shows_the_estimates_steps_with_their_sources(client: TestClient):
    query = "state=NJ&years=3&certifications=CPC&retirement_match_pct=4"
    body = client.get(f"/estimate?{query}").json()
    r = client.get(f"/embed/wage-range/method?{query}")
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/html")
    html = unescape(r.text)
    steps = re.findall(r'<li class="step">(.*?)</li>', html, re.S)
    labels = {rel["key"]: rel["label"] for rel in body["releases"]}
    expected = (
        1 + len(body["adjustments"]) + len(body["notes"]) + len(body["total_compensation"]["components"])
    )
    assert len(steps) == expected
    assert f'<p class="summary">{body["summary"]}</p>' in html  # the estimate's own sentence, as is
    assert labels[body["base"]["release"]] in steps[0] and body["base"]["citation"][:80] in steps[0]
    for step, adj in zip(steps[1:], body["adjustments"], strict=False):
        explanation = adj["explanation"]
        for key, label in labels.items():
            explanation = explanation.replace(f"release {key}", label)
        assert explanation in step and adj["citation"][:80] in step
        assert "release bls-" not in step
        assert all(labels[k] in step for k in adj["releases"])
    for step, note in zip(steps[1 + len(body["adjustments"]) :], body["notes"], strict=False):
        assert note["message"] in step
        if note["release"]:
            assert labels[note["release"]] in step
    assert f'href="{"/estimate?years=3&certifications=CPC&state=NJ&retirement_match_pct=4.0"}"' in html
    # The card links here, and a bad profile on this page is an HTML card too.
    card = client.get(f"/embed/wage-range?{query}").text
    assert 'href="/embed/wage-range/method?years=3&amp;certifications=CPC&amp;state=NJ' in card
    bad = client.get("/embed/wage-range/method?state=ZZ")
    assert bad.status_code == 404 and "Pay range not available" in bad.text


def test_method_page_for_another_occupation_cites_the_official_row(client: TestClient):
    html = unescape(client.get("/embed/wage-range/method?occupation=43-3021&state=TX").text)
    steps = re.findall(r'<li class="step">(.*?)</li>', html, re.S)
    assert "$18.51 to $25.99 an hour, median $22.07 an hour" in steps[0]
    assert "($38,500 to $54,050 a year, median $45,910 a year)" in steps[0]
    assert "BLS OEWS, May 2025" in steps[0] and "Texas, Billing and Posting Clerks" in steps[0]
    assert "covers 29-2072 only" in steps[1]
    assert 'href="/estimate?occupation=43-3021&state=TX"' in html


def test_embed_js_is_served_and_finds_its_origin(client: TestClient):
    r = client.get("/embed.js")
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("text/javascript")
    js = r.text
    assert "document.currentScript" in js and "/embed/wage-range" in js
    assert "data-wage-range" in js and "Wage data are unavailable right now." in js
    assert "http://" not in js and "https://YOUR-API" in js  # no hard-coded origin, only in the usage note


def test_card_and_embed_js_are_cacheable_and_cors(client: TestClient):
    for path in ("/embed/wage-range?state=NJ&years=3", "/embed.js"):
        r = client.get(path, headers={"Origin": "https://jobs.example"})
        assert r.headers["access-control-allow-origin"] == "*"
        assert r.headers["cache-control"].startswith("public, max-age=")
        again = client.get(path, headers={"If-None-Match": r.headers["etag"]})
        assert again.status_code == 304


def test_card_when_the_data_are_not_loaded_is_a_small_card(empty_database: str):
    """A database neither migrated nor seeded: every data route is a 503; the card says so in words."""
    with make_client(empty_database) as c:
        r = c.get("/embed/wage-range?state=TX&theme=dark")
        assert r.status_code == 503 and r.headers["content-type"].startswith("text/html")
        html = unescape(r.text)
        assert "Pay range not available" in html and 'class="wr wr-dark wr-error"' in html
        assert "Wage data are unavailable right now. Please try again later." in html
        api = c.get("/embed/wage-range?state=TX", headers={"Accept": "application/json"})
        assert api.status_code == 503 and api.json()["error"]["type"] == "service_unavailable"


def _luminance(hex_colour: str) -> float:
    def channel(c: int) -> float:
        s = c / 255
        return s / 12.92 if s <= 0.04045 else ((s + 0.055) / 1.055) ** 2.4

    r, g, b = (int(hex_colour[i : i + 2], 16) for i in (1, 3, 5))
    return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)


def _ratio(a: str, b: str) -> float:
    hi, lo = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


def test_card_text_colours_meet_wcag_aa_in_both_themes(client: TestClient):
    """WCAG 2.x: text at least 4.5:1 on the card's background, in the served CSS of both themes (the
    browser tests check the computed colours of every visible text too)."""
    css = client.get("/embed/wage-range?theme=auto").text
    themes = {
        "light": re.search(r"\.wr-light,\.wr-auto\{([^}]*)\}", css).group(1),
        "dark": re.search(r"\.wr-dark\{([^}]*)\}", css).group(1),
        "auto-dark": re.search(r"prefers-color-scheme:dark\)\{\.wr-auto\{([^}]*)\}", css).group(1),
    }
    for name, block in themes.items():
        colours = dict(re.findall(r"--wr-([a-z]+):(#[0-9a-f]{6})", block))
        for text in ("fg", "muted", "link", "warn"):
            assert _ratio(colours[text], colours["bg"]) >= 4.5, (name, text)
