"""The cards take ``location=`` (and ``occupation=``) as people write them and say in one short line how the
place was read. Expected areas come from the seed's HUD-USPS crosswalk and BLS extract
(tests/domain/seed_files.py), never from the code under test."""

import re
from html import unescape
from urllib.parse import quote

import pytest
from fastapi.testclient import TestClient

from tests.domain.seed_files import by_rule, city_weights, crosswalk, oews_areas, shares

METROS = oews_areas("4")
ZIP_AREA = by_rule(shares(crosswalk()["77001"]), "TX")
CITY_AREA = by_rule(city_weights("HOUSTON", "TX"), "TX")


def where_line(html: str, css_class: str) -> tuple[str, str, str]:
    """(shown text, title, method) of a card's location line."""
    found = re.search(rf'<p class="{css_class}" title="([^"]*)" data-method="([^"]*)">([^<]*)</p>', html)
    assert found, css_class
    return unescape(found.group(3)), unescape(found.group(1)), found.group(2)


@pytest.mark.parametrize(
    "path",
    [
        "/embed/wage-range?location=77001",
        "/embed/wage-range?location=77001&compact=true&occupation=medical%20coder",
        "/embed/wage-range?location=77001&occupation=Billing%20and%20Posting%20Clerks",
        "/embed/wage-range?location=77001&compare_low=40000&compare_high=50000",
    ],
)
def test_a_card_for_a_zip_says_how_the_zip_was_read(client: TestClient, path: str):
    area_type, code = ZIP_AREA
    assert area_type == "metro"
    r = client.get(path)
    assert r.status_code == 200
    shown, full, method = where_line(r.text, "wr-where")
    # The line is the location block's own sentence, naming the ZIP, the CBSA and its title, and its source.
    api = client.get("/percentiles?location=77001").json()["location"]
    assert full == api["explanation"] and shown == full and method == "zip"
    assert shown.startswith("ZIP 77001 (Houston, TX): ")
    assert f"CBSA {code}, {METROS[code]}" in shown and "(HUD-USPS ZIP-CBSA crosswalk, 2025)" in shown
    # The card's figures are for that metro.
    assert f"\u00b7 {METROS[code]}" in unescape(r.text) or f"in {METROS[code]}" in unescape(r.text)


def test_a_card_for_a_city_and_the_method_page(client: TestClient):
    _, code = CITY_AREA
    card = client.get(f"/embed/wage-range?location={quote('Houston, TX')}&years=3").text
    shown, _, method = where_line(card, "wr-where")
    assert method == "city" and shown.startswith("Houston, TX: ") and f"CBSA {code}" in shown
    # The card's link carries the place as typed, and the page it opens says the whole of it.
    link = unescape(re.search(r'<a href="(/embed/wage-range/method\?[^"]*)"', card).group(1))  # type: ignore[union-attr]
    assert "location=Houston%2C+TX" in link or "location=Houston%2C%20TX" in link
    page = client.get(link).text
    api = client.get(f"/estimate?location={quote('Houston, TX')}&years=3").json()
    assert (
        unescape(re.search(r'<p class="where" id="where">([^<]*)</p>', page).group(1))
        == (  # type: ignore[union-attr]
            api["location"]["explanation"]
        )
    )


def test_the_line_skips_the_sentence_that_only_says_the_inputs_agree(client: TestClient):
    _, code = ZIP_AREA
    shown, full, _ = where_line(client.get("/embed/wage-range?location=77001&state=TX").text, "wr-where")
    assert full.startswith("location=77001; state=TX agree. ") and shown.startswith("ZIP 77001 ")
    assert METROS[code] in shown


def test_no_place_given_no_line(client: TestClient):
    html = client.get("/embed/wage-range").text
    assert 'class="wr-where"' not in html


def test_the_careers_card_says_how_the_place_was_read_and_passes_it_on(client: TestClient):
    _, code = ZIP_AREA
    html = client.get("/embed/careers?location=77001").text
    shown, full, method = where_line(html, "cc-where")
    assert method == "zip" and f"CBSA {code}" in shown and "HUD-USPS" in full
    assert f"Career outcomes \u00b7 {METROS[code]}" in unescape(html)
    link = unescape(re.search(r'<a href="(/embed/wage-range/method\?[^"]*)"', html).group(1))  # type: ignore[union-attr]
    assert link == "/embed/wage-range/method?level=entry&location=77001"
    page = client.get(link)
    assert page.status_code == 200 and METROS[code] in unescape(page.text)
