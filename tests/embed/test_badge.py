"""Badge mode of the wage card over HTTP: compare_low / compare_high place a posted range among the area's
official percentiles. Expected percentiles are computed here from the seed's BLS rows (csv module)."""

import re
from decimal import ROUND_HALF_UP, Decimal
from html import unescape

import pytest
from fastapi.testclient import TestClient

from tests.compare.test_compare import by_hand, seed_row


def whole(value: float) -> int:
    return int(Decimal(repr(value)).quantize(Decimal("1"), rounding=ROUND_HALF_UP))


def badge_text(html: str) -> str:
    return unescape(re.search(r'<p class="wr-badge-text">([^<]*)</p>', html).group(1))


def test_texas_badge_says_where_the_posted_range_sits(client: TestClient):
    _, tx = seed_row("Texas")
    low, high = by_hand(45000, tx, "annual"), by_hand(60000, tx, "annual")
    r = client.get("/embed/wage-range?state=TX&compare_low=45000&compare_high=60000")
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/html")
    html = r.text
    assert badge_text(html) == (
        f"This range sits between the {whole(low)}th and {whole(high)}th percentile "
        "for Medical Records Specialists in Texas."
    )
    assert "Posted range: $45,000 \u2013 $60,000 a year" in unescape(html)
    # The bar runs from p10 (0%) to p90 (100%); the posted range is drawn where its percentiles fall.
    span = re.search(r'class="wr-span" style="left:([\d.]+)%;width:([\d.]+)%"', html)
    left, width = float(span.group(1)), float(span.group(2))
    assert left == pytest.approx((low - 10) / 80 * 100, abs=0.1)
    assert left + width == pytest.approx((high - 10) / 80 * 100, abs=0.2)
    assert "Source: BLS OEWS, May 2025" in unescape(html)
    assert 'role="img" aria-label="This range sits between' in html
    assert not re.search(r"<h[1-6]", html)
    # The same sentence as the JSON API.
    api = client.get("/compare?state=TX&low=45000&high=60000").json()
    assert badge_text(html) == api["summary"]


def test_hourly_badge_in_a_metro_beyond_p90(client: TestClient):
    _, sj = seed_row("San Jose-Sunnyvale-Santa Clara, CA")
    low = by_hand(35, sj, "hourly")
    html = client.get(
        "/embed/wage-range?metro=41940&compare_low=35&compare_high=80&compare_unit=hourly&theme=dark"
    ).text
    assert badge_text(html) == (
        f"This range runs from the {whole(low)}th percentile to above the 90th percentile for Medical "
        "Records Specialists in San Jose-Sunnyvale-Santa Clara, CA."
    )
    assert "$35.00 \u2013 $80.00 an hour" in unescape(html) and "wr-dark" in html


def test_badge_for_another_occupation_notes_unused_inputs(client: TestClient):
    _, managers = seed_row("Texas", "11-9111")
    low = by_hand(100000, managers, "annual")
    html = client.get(
        "/embed/wage-range?occupation=11-9111&state=TX&compare_low=100000&compare_high=130000&years=3"
    ).text
    assert f"the {whole(low)}th and" in badge_text(html)
    assert "for Medical and Health Services Managers in Texas." in badge_text(html)
    assert "Not used by the badge: years." in html


@pytest.mark.parametrize(
    ("query", "words"),
    [
        ("state=TX&compare_low=45000", "Give both compare_low and compare_high"),
        ("state=TX&compare_low=60000&compare_high=45000", "compare_low (60000) is greater than compare_high"),
        ("metro=21300&compare_low=1&compare_high=2", "No official hourly percentiles"),
        ("state=TX&compare_low=-5&compare_high=2", "compare_low"),
        ("state=TX&compare_low=1&compare_high=2&compare_unit=weekly", "compare_unit"),
        (
            "state=TX&compare_low=45k-55k&compare_high=60k",
            "compare_low=45k-55k is a range: send its ends as two amounts, compare_low=45k&compare_high=55k",
        ),
        (
            "state=TX&compare_low=22/hr&compare_high=28&compare_unit=annual",
            "compare_low=22/hr is written as hourly pay, but compare_unit=annual",
        ),
    ],
)
def test_badge_bad_input(client: TestClient, query: str, words: str):
    card = client.get(f"/embed/wage-range?{query}")
    assert card.status_code == 422 and card.headers["content-type"].startswith("text/html")
    assert words in unescape(card.text)
    api = client.get(f"/embed/wage-range?{query}", headers={"Accept": "application/json"})
    assert api.status_code == 422 and words in api.json()["error"]["message"]


def test_embed_js_passes_the_compare_attributes(client: TestClient):
    js = client.get("/embed.js").text
    for name in ("compare_low", "compare_high", "compare_unit"):
        assert f'"{name}"' in js
    assert "data-compare-low" in js


def test_the_badges_unit_in_words(client: TestClient):
    in_words = client.get("/embed/wage-range?state=TX&compare_low=20&compare_high=25&compare_unit=per%20hour")
    plain = client.get("/embed/wage-range?state=TX&compare_low=20&compare_high=25&compare_unit=hourly")
    assert in_words.status_code == 200, in_words.text
    assert badge_text(in_words.text) == badge_text(plain.text) and "an hour" in unescape(in_words.text)
