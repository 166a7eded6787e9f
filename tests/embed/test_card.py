"""GET /embed/wage-range and GET /embed.js over HTTP: the card's figures are /estimate's figures."""

import re
from decimal import ROUND_HALF_UP, Decimal
from html import unescape

import pytest
from fastapi.testclient import TestClient

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
    source = unescape(re.search(r'<p class="wr-source">([^<]*)', html).group(1))
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
    assert "<script" not in html
    assert not re.search(r'(src|href)="(https?:)?//', html)  # nothing external
    assert "@import" not in html and "@font-face" not in html and "url(" not in html
    assert 'class="wr wr-dark wr-compact"' in html
    csp = r.headers["content-security-policy"]
    assert "default-src 'none'" in csp and "frame-ancestors *" in csp and "script-src" not in csp
    assert "x-frame-options" not in r.headers


@pytest.mark.parametrize(
    ("query", "status", "word"),
    [
        ("state=ZZ", 404, "Unknown state"),
        ("years=1&level=senior", 422, "contradict"),
        ("theme=blue", 422, "theme"),
        ("compact=maybe", 422, "compact"),
        ("colour=red", 400, "colour"),
    ],
)
def test_card_bad_input_uses_the_one_error_shape(client: TestClient, query: str, status: int, word: str):
    r = client.get(f"/embed/wage-range?{query}")
    assert r.status_code == status
    assert word in r.json()["error"]["message"]


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
