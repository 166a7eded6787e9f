"""The explorer's two free-text boxes over HTTP: a place and an occupation as people type them, how the page
says it read them, and the candidates of an ambiguous one as links. Expected areas come from the seed's
HUD-USPS crosswalk and BLS extract (tests/domain/seed_files.py), never from the code under test."""

import re
from html import unescape
from urllib.parse import quote

import pytest
from fastapi.testclient import TestClient

from tests.domain.seed_files import by_rule, city_weights, crosswalk, oews_areas, shares, states

METROS = oews_areas("4")


def area_name(area_type: str, code: str) -> str:
    """An area's name as the seed files give it (OEWS title of a metro; seed/areas.csv of a state)."""
    return METROS[code] if area_type == "metro" else states()[code]["name"]


def understood(html: str, field: str) -> str | None:
    """The 'Read as' line under a box, or None when hidden."""
    found = re.search(rf'<p class="understood" id="f-{field}-understood"( hidden)?[^>]*>(.*?)</p>', html)
    assert found, field
    return None if found.group(1) else unescape(found.group(2))


def candidate_links(html: str, field: str) -> list[tuple[str, str, str]]:
    """(href, value, label) of each candidate link under a box."""
    found = re.search(rf'<ul class="candidates" id="f-{field}-candidates"[^>]*>(.*?)</ul>', html, re.S)
    assert found, field
    return [
        (unescape(h), unescape(v), unescape(lab))
        for h, v, lab in re.findall(
            rf'<a href="([^"]*)" data-field="{field}" data-value="([^"]*)">([^<]*)</a>', found.group(1)
        )
    ]


def estimate_heading(html: str) -> str:
    found = re.search(r'<h2 id="estimate-h">(.*?)</h2>', html)
    assert found
    return unescape(found.group(1))


def zip_outside_every_metro() -> str:
    """A ZIP of one of the fifty states whose addresses lie wholly outside the OEWS metros."""
    return next(
        z
        for z, rows in crosswalk().items()
        if states().get(rows[0]["state"], {}).get("area_type") == "state"
        and by_rule(shares(rows), rows[0]["state"])[0] == "state"
        and not any(r["cbsa"] in METROS for r in rows)
    )


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("Houston, TX", lambda: by_rule(city_weights("HOUSTON", "TX"), "TX")),
        ("77001", lambda: by_rule(shares(crosswalk()["77001"]), "TX")),
        ("outside", None),
    ],
)
def test_a_place_typed_as_people_write_it(client: TestClient, typed: str, expected):  # type: ignore[no-untyped-def]
    if expected is None:
        typed = zip_outside_every_metro()
        rows = crosswalk()[typed]
        area_type, code = by_rule(shares(rows), rows[0]["state"])
    else:
        area_type, code = expected()
    html = client.get(f"/?location={quote(typed)}").text
    name = area_name(area_type, code)
    # The figures are the area's, and the box says how the words were read, in the API's own sentence.
    assert estimate_heading(html) == f"Estimate: {name}"
    assert f'<h2 id="pct-h">Percentile range: {name}</h2>' in unescape(html)
    line = understood(html, "location")
    assert line is not None and line.startswith("Read as: ")
    api = client.get(f"/estimate?location={quote(typed)}").json()["location"]
    assert line.removeprefix("Read as: ") in api["explanation"]
    if area_type == "metro":
        assert f"CBSA {code}" in line and "HUD-USPS ZIP-CBSA crosswalk" in line
    else:
        assert "outside every OEWS metropolitan area" in line and name in line
    # The box keeps the words as typed.
    assert 'name="location" type="text"' in html and f'value="{typed}"' in unescape(html)
    assert candidate_links(html, "location") == []


def test_an_ambiguous_place_offers_its_candidates_as_links(client: TestClient):
    # Springfield: every OEWS metro whose title begins with the name (all_data_M_2025_extract.csv).
    starting = {code for code, title in METROS.items() if re.split(r"[-,]", title)[0] == "Springfield"}
    assert len(starting) >= 2
    html = client.get("/?location=Springfield&years=3").text
    assert "could mean several" in unescape(html) and 'id="est-hourly"' not in html
    links = candidate_links(html, "location")
    offered = {re.search(r"\((\d{5})\)$", label).group(1) for _, _, label in links}  # type: ignore[union-attr]
    assert starting <= offered
    assert understood(html, "location") is None
    # Each link is the page for that candidate, the rest of the profile kept.
    for href, value, label in links:
        code = re.search(r"\((\d{5})\)$", label).group(1)  # type: ignore[union-attr]
        assert f"location={quote(value).replace('%20', '+')}" in href and "years=3" in href
        picked = client.get(href).text
        assert estimate_heading(picked) == f"Estimate: {METROS[code]}"
        assert candidate_links(picked, "location") == []


def test_an_older_address_with_state_or_metro_fills_the_one_box(client: TestClient):
    houston = next(code for code, title in METROS.items() if title.startswith("Houston-"))
    html = client.get(f"/?metro={houston}").text
    assert f'value="CBSA {houston}"' in html and estimate_heading(html) == f"Estimate: {METROS[houston]}"
    assert 'value="TX"' in client.get("/?state=TX").text
    # Nothing but the two boxes names a place: no state or metro list is left in the form.
    assert 'id="f-state"' not in html and 'id="f-metro"' not in html


@pytest.mark.parametrize(
    ("typed", "code"),
    [("medical coder", "29-2072"), ("Medical Records Technician", "29-2072"), ("292072", "29-2072")],
)
def test_an_occupation_in_peoples_words(client: TestClient, typed: str, code: str):
    html = client.get(f"/?occupation={quote(typed)}&location=NJ&years=3").text
    line = understood(html, "occupation")
    api = client.get(f"/estimate?occupation={quote(typed)}&location=NJ&years=3").json()
    assert api["occupation"]["soc_code"] == code
    # The line is the API's own words for the match (or the code's title when the code was given).
    assert line is not None
    assert line == f"Read as: {api['occupation']['matched'] or api['occupation']['title'] + f' (SOC {code})'}"
    same = client.get(f"/?occupation={code}&location=NJ&years=3").text
    for element in ("est-hourly", "est-annual"):
        assert re.search(rf'id="{element}"[^>]*>([^<]*)<', html).group(1) == re.search(  # type: ignore[union-attr]
            rf'id="{element}"[^>]*>([^<]*)<', same
        ).group(1)


def test_an_ambiguous_title_offers_the_occupations_as_links(client: TestClient):
    r = client.get("/percentiles?occupation=billing")
    assert r.status_code == 422
    expected = [c["value"] for c in r.json()["error"]["candidates"]]
    html = client.get("/?occupation=billing&location=TX").text
    links = candidate_links(html, "occupation")
    assert [v for _, v, _ in links] == expected
    for href, value, _ in links:
        assert "location=TX" in href and f"occupation={value}" in href
        page = client.get(href).text
        assert understood(page, "occupation") is not None and candidate_links(page, "occupation") == []


def test_the_method_fields_apply_to_medical_coders_only(client: TestClient):
    """43-3021 in Texas: the official 25th-75th percentile (all_data_M_2025_extract.csv), years set aside."""
    clerks = client.get("/?occupation=Billing%20and%20Posting%20Clerks&location=Texas&years=3").text
    assert '<fieldset class="method" id="method-fields" disabled>' in clerks
    assert "set aside: Years of experience" in unescape(clerks)
    assert "Pay range: Texas" in clerks and "estimate-error" not in clerks
    # The title typed as it is, read back without a sentence on how it matched.
    assert understood(clerks, "occupation") == "Read as: Billing and Posting Clerks (SOC 43-3021)"
    coders = client.get("/?occupation=medical%20coder&location=Texas&years=3").text
    assert '<fieldset class="method" id="method-fields">' in coders and 'id="est-hourly"' in coders
