"""Places and titles as people type them, in headless Chromium: the explorer's two free-text boxes, and
embed.js with data-location and data-occupation on another origin. Expected areas come from the seed's
HUD-USPS crosswalk and BLS extract (tests/domain/seed_files.py), never from the code under test."""

import re
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import expect

from tests.browser.conftest import ApiServer, StaticHost
from tests.domain.seed_files import by_rule, city_weights, crosswalk, oews_areas, shares

pytestmark = pytest.mark.browser
METROS = oews_areas("4")
EN_DASH = "\u2013"


def type_place(page, words: str) -> None:  # type: ignore[no-untyped-def]
    page.fill("#f-location", words)
    page.press("#f-location", "Enter")


def test_explorer_reads_a_city_a_zip_and_offers_candidates(page, api: ApiServer, artifacts):  # type: ignore[no-untyped-def]
    page.goto(f"{api.base}/")
    # "Houston, TX": the metro holding most of the city's ZIPs, by the crosswalk's shares.
    _, houston = by_rule(city_weights("HOUSTON", "TX"), "TX")
    type_place(page, "Houston, TX")
    expect(page.locator("#estimate-h")).to_have_text(f"Estimate: {METROS[houston]}", timeout=15_000)
    line = page.locator("#f-location-understood")
    expect(line).to_contain_text(f"CBSA {houston}")
    assert line.inner_text().startswith("Read as: Houston, TX: ")
    assert "location=Houston%2C+TX" in page.url
    page.locator("#profile").screenshot(path=str(artifacts / "explorer-location-city.png"))

    # A ZIP split between CBSAs goes where most of its addresses are.
    split = next(
        z
        for z, rows in crosswalk().items()
        if rows[0]["state"] == "CA"
        and sum(r["cbsa"] in METROS and float(r["tot_ratio"]) > 0.1 for r in rows) >= 2
    )
    _, code = by_rule(shares(crosswalk()[split]), "CA")
    type_place(page, split)
    expect(page.locator("#estimate-h")).to_have_text(f"Estimate: {METROS[code]}", timeout=15_000)
    expect(line).to_contain_text(f"ZIP {split}")
    assert f"CBSA {code}" in line.inner_text()
    # The whole explanation is on the line's title (the alternatives sentence included).
    api_line = httpx.get(f"{api.base}/percentiles?location={split}", timeout=10).json()["location"]
    assert line.get_attribute("title") == api_line["explanation"]

    # "Springfield": several metros; each is a link, and following one reads it.
    type_place(page, "Springfield")
    links = page.locator("#f-location-candidates a")
    expect(links.first).to_be_visible(timeout=15_000)
    starting = {c for c, title in METROS.items() if re.split(r"[-,]", title)[0] == "Springfield"}
    offered = {re.search(r"\((\d{5})\)$", t).group(1) for t in links.all_inner_texts()}  # type: ignore[union-attr]
    assert starting <= offered
    expect(page.locator("#f-location-error")).to_contain_text("could mean several")
    assert page.locator("#est-hourly").count() == 0
    page.locator("#profile").screenshot(path=str(artifacts / "explorer-location-candidates.png"))
    chosen = links.nth(1)
    label, value = chosen.inner_text(), chosen.get_attribute("data-value")
    picked = re.search(r"\((\d{5})\)$", label).group(1)  # type: ignore[union-attr]
    chosen.click()
    expect(page.locator("#estimate-h")).to_have_text(f"Estimate: {METROS[picked]}", timeout=15_000)
    assert page.input_value("#f-location") == value
    expect(page.locator("#f-location-candidates a")).to_have_count(0)
    expect(page.locator("#f-location-error")).to_be_hidden()
    assert page.page_errors == []


def test_explorer_takes_an_occupation_in_peoples_words(page, api: ApiServer, artifacts):  # type: ignore[no-untyped-def]
    page.goto(f"{api.base}/?location=Texas&years=3")
    expect(page.locator("#f-years")).to_be_enabled()
    # A title from the suggestions counts as soon as it is picked: billing clerks get Texas's official range.
    page.fill("#f-occupation", "Billing and Posting Clerks")
    expect(page.locator("#f-years")).to_be_disabled(timeout=15_000)
    pct = httpx.get(f"{api.base}/percentiles?occupation=43-3021&location=TX", timeout=10).json()[
        "percentiles"
    ]
    expect(page.locator("#official-annual")).to_have_text(
        f"${pct['p25']['annual']:,.0f} {EN_DASH} ${pct['p75']['annual']:,.0f}", timeout=15_000
    )
    expect(page.locator("#method-only-note")).to_be_visible()
    assert "covers medical coders" in page.locator("#method-only-note").inner_text()
    page.locator("#profile").screenshot(path=str(artifacts / "explorer-occupation-other.png"))
    # Back to coders in people's words: the details apply again, and the years kept in the box count.
    page.fill("#f-occupation", "medical coder")
    page.press("#f-occupation", "Enter")
    expect(page.locator("#f-years")).to_be_enabled(timeout=15_000)
    body = httpx.get(f"{api.base}/estimate?occupation=29-2072&location=TX&years=3", timeout=10).json()
    expect(page.locator("#est-annual")).to_have_text(
        f"${body['annual']['low']:,.0f} {EN_DASH} ${body['annual']['high']:,.0f}", timeout=15_000
    )
    expect(page.locator("#f-occupation-understood")).to_contain_text("by the alias 'medical coder'")
    assert "years=3" in page.url
    assert page.page_errors == []


HOST = """<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Job board</title></head><body>
<div class="post"><h2>Medical coder, Houston</h2>
  <div id="w-zip" data-wage-range data-location="77001" data-occupation="medical coder"></div></div>
<div class="post"><h2>Billing clerk, Houston</h2>
  <div id="w-city" data-wage-range data-location="Houston, TX" data-occupation="Billing and Posting Clerks"
       data-compact="true"></div></div>
<div class="post"><h2>Coder, Springfield</h2>
  <div id="w-amb" data-wage-range data-location="Springfield" data-fallback="No pay range"></div></div>
<script src="{api}/embed.js" async></script>
</body></html>
"""


def test_embed_js_takes_data_location(browser, api: ApiServer, tmp_path: Path, artifacts):  # type: ignore[no-untyped-def]
    (tmp_path / "index.html").write_text(HOST.replace("{api}", api.base), encoding="utf-8")
    host = StaticHost(tmp_path)
    context = browser.new_context(viewport={"width": 800, "height": 900})
    try:
        page = context.new_page()
        page.goto(f"{host.base}/index.html")
        for wid in ("w-zip", "w-city"):
            page.wait_for_selector(f"#{wid}[data-wage-range-status=ready]", timeout=15_000)
        page.wait_for_selector("#w-amb[data-wage-range-status=unavailable]", timeout=15_000)
        _, zip_metro = by_rule(shares(crosswalk()["77001"]), "TX")
        body = httpx.get(f"{api.base}/estimate?occupation=29-2072&location=77001", timeout=10).json()
        card = page.locator("#w-zip .wr")
        assert METROS[zip_metro] in card.locator(".wr-title").inner_text()
        assert card.locator(".wr-annual").inner_text() == (
            f"${body['annual']['low']:,.0f} {EN_DASH} ${body['annual']['high']:,.0f}"
        )
        where = card.locator(".wr-where")
        assert where.inner_text().startswith("ZIP 77001 (Houston, TX): ")
        assert f"CBSA {zip_metro}" in where.inner_text()
        # One line: the text does not wrap (it is cut with an ellipsis where the card is narrow).
        height = where.evaluate("el => el.getBoundingClientRect().height")
        size = where.evaluate("el => parseFloat(getComputedStyle(el).lineHeight)")
        assert height <= size + 1
        _, city_metro = by_rule(city_weights("HOUSTON", "TX"), "TX")
        city = page.locator("#w-city .wr")
        assert "Billing and Posting Clerks" in city.locator(".wr-title").inner_text()
        assert city.locator(".wr-where").inner_text().startswith("Houston, TX: ")
        assert f"CBSA {city_metro}" in city.locator(".wr-where").inner_text()
        # The compact card still fits its documented 150 px with the line.
        assert city.evaluate("el => el.getBoundingClientRect().height") <= 150
        assert page.locator("#w-amb .wr-fallback").inner_text() == "No pay range"
        page.screenshot(path=str(artifacts / "widget-data-location.png"), full_page=True)
    finally:
        context.close()
        host.stop()


def test_an_iframe_card_with_location_shows_the_line(page, api: ApiServer, artifacts):  # type: ignore[no-untyped-def]
    _, code = by_rule(shares(crosswalk()["77001"]), "TX")
    for query, name in (("location=77001", "card"), ("location=77001&compact=true", "compact")):
        page.goto(f"{api.base}/embed/wage-range?{query}")
        where = page.locator(".wr-where")
        assert f"CBSA {code}, {METROS[code]}" in where.get_attribute("title")  # type: ignore[operator]
        assert where.is_visible()
        assert page.locator(".wr").evaluate("el => el.getBoundingClientRect().height") <= (
            150 if name == "compact" else 300
        )
        page.locator(".wr").screenshot(path=str(artifacts / f"card-location-{name}.png"))
