"""GET /careers (JSON) and /embed/careers (HTML) over HTTP on the seeded database.

Expected figures come from the seed's BLS file rows (read with the csv module), the article's band table
(Entry-Level $17.00-$22.00, Mid-Career $23.00-$30.00, Senior $31.00-$45.00+) and hand computation."""

import csv
import re
from decimal import ROUND_HALF_UP, Decimal
from html import unescape
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from tests.domain.seed_files import article_factors

SEED_CSV = Path(__file__).resolve().parents[2] / "seed" / "oews" / "all_data_M_2025_extract.csv"
LADDER = ["43-3021", "29-2072", "29-9021", "11-9111"]
BANDS = [("entry", 17.00, 22.00), ("mid", 23.00, 30.00), ("senior", 31.00, 45.00)]


def seed_row(title: str, occupation: str) -> tuple[int, dict[str, str]] | None:
    with SEED_CSV.open(newline="") as fh:
        for number, row in enumerate(csv.DictReader(fh), start=2):
            if row["AREA_TITLE"] == title and row["OCC_CODE"] == occupation:
                return number, row
    return None


def cents(value: float) -> float:
    return float(Decimal(repr(value)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))


def test_texas_progression_is_the_bands_times_the_official_median_ratio(client: TestClient):
    r = client.get("/careers?state=TX")
    assert r.status_code == 200
    body = r.json()
    tx_row, tx = seed_row("Texas", "29-2072")  # type: ignore[misc]
    us_row, us = seed_row("U.S.", "29-2072")  # type: ignore[misc]
    ratio = Decimal(tx["A_MEDIAN"]) / Decimal(us["A_MEDIAN"])  # 48,860 / 51,140
    assert body["area"] == {"area_type": "state", "code": "TX", "name": "Texas"}
    assert [s["level"]["key"] for s in body["progression"]] == [b[0] for b in BANDS]
    for step, (_, low, high) in zip(body["progression"], BANDS, strict=True):
        hourly = [cents(float(Decimal(repr(v)) * ratio)) for v in (low, high)]
        assert [step["hourly"]["low"], step["hourly"]["high"]] == hourly
        assert [step["annual"]["low"], step["annual"]["high"]] == [round(h * 2080, 2) for h in hourly]
        band, location = step["citations"]
        assert band["source"] == "article" and f"${low:.2f} - ${high:.2f}" in band["citation"]
        assert location["release"] == "bls-oews-2025-05"
        assert f"row {tx_row}: Texas, Medical Records Specialists" in location["citation"]
        assert f"row {us_row}: U.S., Medical Records Specialists" in location["citation"]
    # Entry: 17 x 0.955417 = 16.24, 22 x 0.955417 = 21.02 an hour.
    assert body["entry"] == body["progression"][0]
    assert (body["entry"]["hourly"]["low"], body["entry"]["hourly"]["high"]) == (16.24, 21.02)
    assert body["progression"][-1]["open_top"] is True
    assert body["location_notes"] == []


def test_ladder_carries_the_official_texas_medians_with_their_rows(client: TestClient):
    body = client.get("/careers?state=TX").json()
    assert [i["occupation"]["soc_code"] for i in body["ladder"]] == LADDER
    for item in body["ladder"]:
        number, row = seed_row("Texas", item["occupation"]["soc_code"])  # type: ignore[misc]
        assert item["occupation"]["title"] == row["OCC_TITLE"]
        median = item["median"]
        assert (median["annual"], median["hourly"]) == (float(row["A_MEDIAN"]), float(row["H_MEDIAN"]))
        assert median["citation"] == (
            f"BLS OEWS file all_data_M_2025_extract.csv, row {number}: Texas, {row['OCC_TITLE']}"
        )
        assert item["release"] == "bls-oews-2025-05" and item["note"] is None
    assert {r["key"] for r in body["releases"]} == {"article", "bls-oews-2025-05"}
    assert {s["key"] for s in body["sources"]} == {"article", "bls"}


def test_the_article_claim_sits_beside_the_official_manager_figures(client: TestClient):
    body = client.get("/careers?state=TX").json()
    claims = {i["occupation"]["soc_code"]: i["article_claim"] for i in body["ladder"]}
    assert [code for code, claim in claims.items() if claim] == ["11-9111"]
    claim = claims["11-9111"]
    assert claim["kind"] == "article_claim" and "not an official figure" in claim["label"]
    assert (claim["source"], claim["release"]) == ("article", "article")
    said = article_factors()["education_bachelor"]
    assert claim["annual_low"] == said["amount_low"] and claim["open_top"] is said["amount_open"]
    assert (claim["statement"], claim["citation"]) == (said["description"], said["citation"])
    # Texas managers' official median (row 177) is beside it: $114,150 a year.
    managers = next(i for i in body["ladder"] if i["occupation"]["soc_code"] == "11-9111")
    assert managers["median"]["annual"] == 114150


def test_an_area_without_figures_says_so(client: TestClient):
    """Elmira, NY: BLS withheld 29-2072 wages ('*') and has no 29-9021 row; 43-3021 has a median."""
    body = client.get("/careers?metro=21300").json()
    assert body["area"]["name"] == "Elmira, NY"
    assert [n["factor"] for n in body["location_notes"]] == ["metro"]
    # No location factor: the entry band stays the article's $17.00-$22.00.
    assert (body["entry"]["hourly"]["low"], body["entry"]["hourly"]["high"]) == (17.0, 22.0)
    assert len(body["entry"]["citations"]) == 1
    ladder = {i["occupation"]["soc_code"]: i for i in body["ladder"]}
    assert ladder["29-2072"]["median"] is None and "wages withheld" in ladder["29-2072"]["note"]
    assert ladder["29-9021"]["median"] is None and ladder["29-9021"]["note"].startswith("BLS publishes no")
    _, clerks = seed_row("Elmira, NY", "43-3021")  # type: ignore[misc]
    assert ladder["43-3021"]["median"]["annual"] == float(clerks["A_MEDIAN"])


def test_card_shows_the_same_figures_each_footnoted(client: TestClient):
    data = client.get("/careers?state=TX").json()
    r = client.get("/embed/careers?state=TX")
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/html")
    html = r.text
    assert html.count("<script") == 1 and "wage-range:height" in html and not re.search(r"<h[1-6]", html)
    assert not re.search(r'(src|href)="(https?:)?//', html)
    assert "default-src 'none'" in r.headers["content-security-policy"]
    text = unescape(html)
    # Entry $33,779.20-$43,721.60 a year, shown to the dollar.
    assert "$33,779 \u2013 $43,722 a year" in text and "$16.24 \u2013 $21.02 an hour" in text
    for code in LADDER:
        _, row = seed_row("Texas", code)  # type: ignore[misc]
        rung = re.search(rf'<tr class="cc-rung" data-soc="{code}">(.*?)</tr>', text).group(1)
        assert f"${int(row['A_MEDIAN']):,} a year" in rung and f"${row['H_MEDIAN']} an hour" in rung
        assert re.search(r"<sup>\[\d+\]</sup>", rung)
    claim = re.search(r'<p class="cc-claim" data-kind="article_claim">(.*?)</p>', text).group(1)
    said = article_factors()["education_bachelor"]
    assert re.sub(r"<sup>.*?</sup>", "", claim) == (
        f"<strong>The article's claim, not an official figure:</strong> {said['description']}"
    )
    cites = re.findall(r"<li>(.*?)</li>", text)
    for item in data["ladder"]:
        assert any(item["median"]["citation"] in c for c in cites)
    assert any(str(said["citation"]) in c for c in cites)
    assert 'class="cc cc-light"' in html
    # The steps in words, on the wage card's human page (same origin as the card).
    link = re.search(r'<a href="([^"]+)"[^>]*>How the ranges by experience are estimated</a>', html)
    method = link.group(1)
    assert unescape(method) == "/embed/wage-range/method?level=entry&state=TX"
    page = client.get(unescape(method))
    assert page.status_code == 200 and "Texas" in page.text


def test_the_nation_by_default(client: TestClient):
    """No area: the article's bands as they are (no location factor), the ladder's national medians."""
    body = client.get("/careers").json()
    assert body["area"]["code"] == "US"
    for step, (_, low, high) in zip(body["progression"], BANDS, strict=True):
        assert (step["hourly"]["low"], step["hourly"]["high"]) == (low, high)
        assert [c["source"] for c in step["citations"]] == ["article"]
    for item in body["ladder"]:
        number, row = seed_row("U.S.", item["occupation"]["soc_code"])  # type: ignore[misc]
        assert item["median"]["annual"] == float(row["A_MEDIAN"])
        assert f"row {number}: U.S." in item["median"]["citation"]


@pytest.mark.parametrize("theme", ["dark", "auto"])
def test_card_themes(client: TestClient, theme: str):
    html = client.get(f"/embed/careers?metro=41940&theme={theme}").text
    assert f'class="cc cc-{theme}"' in html and "San Jose-Sunnyvale-Santa Clara, CA" in html


@pytest.mark.parametrize("path", ["/careers", "/embed/careers"])
@pytest.mark.parametrize(
    ("query", "status", "words"),
    [
        ("state=ZZ", 404, "state=ZZ names no state or territory we know"),
        ("metro=99999", 404, "metro=99999 is not the code of a metropolitan or nonmetropolitan area"),
        ("state=TX&metro=41940", 422, "metro=41940 means San Jose-Sunnyvale-Santa Clara, CA (41940, in CA)"),
        ("state=TX&colour=red", 400, "Unknown query parameter 'colour'"),
    ],
)
def test_bad_input_uses_the_one_error_shape(
    client: TestClient, path: str, query: str, status: int, words: str
):
    r = client.get(f"{path}?{query}", headers={"Accept": "application/json"})
    assert r.status_code == status
    assert words in r.json()["error"]["message"]
    if path.startswith("/embed/"):
        # Inside the iframe the reader gets a small HTML card, the API's words for the site owner.
        card = client.get(f"{path}?{query}")
        assert card.status_code == status and card.headers["content-type"].startswith("text/html")
        assert words in unescape(card.text) and "wr-error" in card.text
