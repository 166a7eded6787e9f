"""GET / (the explorer) over HTTP: server-rendered figures equal the JSON API's; no external resources."""

import re
from decimal import ROUND_HALF_UP, Decimal
from html import unescape
from urllib.parse import quote

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, text

from tests.conftest import make_client
from tests.domain.seed_files import oews_areas, states
from tests.oews.conftest import FIXTURES, run_import

EN_DASH = "\u2013"


def usd(value: float, places: str = "0.01") -> str:
    return f"${Decimal(repr(value)).quantize(Decimal(places), rounding=ROUND_HALF_UP):,}"


def in_words(explanation: str, body: dict) -> str:
    """An explanation as the page words it: each 'release <key>' named by the release's label."""
    for release in body["releases"]:
        explanation = explanation.replace(f"release {release['key']}", release["label"])
    return explanation


def text_of(html: str, element_id: str) -> str:
    m = re.search(rf'id="{element_id}"[^>]*>([^<]*)<', html)
    assert m, element_id
    return m.group(1)


@pytest.mark.parametrize(
    "query", ["", "state=TX", "state=NJ&years=3", "metro=47900&level=mid&certifications=none"]
)
def test_estimate_on_the_page_matches_estimate_json(client: TestClient, query: str):
    body = client.get(f"/estimate?{query}").json()
    html = client.get(f"/?{query}").text
    h, a = body["hourly"], body["annual"]
    plus = "+" if body["open_top"] else ""
    assert text_of(html, "est-hourly") == f"{usd(h['low'])} {EN_DASH} {usd(h['high'])}{plus}"
    assert text_of(html, "est-annual") == f"{usd(a['low'], '1')} {EN_DASH} {usd(a['high'], '1')}{plus}"
    for adj in body["adjustments"]:
        assert in_words(adj["explanation"], body) in unescape(html)
    for note in body["notes"]:
        assert note["message"].replace("'", "&#x27;").replace('"', "&quot;")[:60] in html
    for step in body["progression"]:
        assert usd(step["hourly"]["low"]) in html


def test_texas_without_experience_shows_its_published_percentiles(client: TestClient):
    """BLS May 2025, Texas (file row 178): p25 / median / p75 $39,470 / $48,860 / $63,970 a year."""
    html = client.get("/?state=TX").text
    assert text_of(html, "est-annual") == f"$39,470 {EN_DASH} $63,970"
    assert text_of(html, "est-hourly") == f"$18.98 {EN_DASH} $30.76"
    assert "Texas 25th\u201375th percentile" in html and "mid $48,860" in html


def test_percentiles_and_states_on_the_page(client: TestClient):
    html = client.get("/").text
    pct = client.get("/percentiles").json()["percentiles"]
    for key, fig in pct.items():
        assert f'data-key="{key}">{usd(fig["annual"], "1")}<' in html
    states = client.get("/states?sort=-mean").json()["items"]
    assert re.findall(r'<tr data-code="(\w+)">', html) == [s["code"] for s in states]
    by_name = client.get("/?sort=name").text
    assert re.findall(r'<tr data-code="(\w+)">', by_name) == sorted(
        [s["code"] for s in states], key=lambda c: next(s["name"] for s in states if s["code"] == c)
    )
    assert 'aria-sort="ascending"' in by_name
    assert 'src="/charts/percentiles.svg?occupation=29-2072"' in html
    assert 'src="/charts/states.svg?occupation=29-2072&amp;sort=-mean"' in html


def test_states_table_shows_the_served_release_rank_and_tier(client: TestClient):
    """The explorer serves May 2025: its own rank and tier per state, never the article's 2023 claims."""
    html = client.get("/").text
    states = {s["code"]: s for s in client.get("/states").json()["items"]}
    rows = dict(re.findall(r'<tr data-code="(\w+)">(.*?)</tr>', html))
    for code in ("NJ", "OK", "DC"):
        cells = re.findall(r"<td[^>]*>([^<]*)</td>", rows[code])
        assert cells[1:3] == [str(states[code]["rank_median"]), states[code]["tier"].replace("_", " ")]
    assert "top paying" not in html and "lower paying" not in html


def datalist(html: str, list_id: str) -> list[tuple[str, str]]:
    """(value, label) of each suggestion in a datalist."""
    found = re.search(rf'<datalist id="{list_id}">(.*?)</datalist>', html, re.S)
    assert found, list_id
    return [
        (unescape(v), unescape(lab))
        for v, lab in re.findall(r'<option value="([^"]*)" label="([^"]*)">', found.group(1))
    ]


def test_form_offers_every_choice_from_the_data(client: TestClient):
    html = client.get("/").text
    places = [value for value, _ in datalist(html, "location-words")]
    # Every state and territory with figures, by name (seed/areas.csv), and every area of /metros by title.
    for state in client.get("/states").json()["items"]:
        assert states()[state["code"]]["name"] in places
    for metro in client.get("/metros?limit=1000").json()["items"]:
        assert metro["name"] in places
    assert "US" in places and "Remote" in places
    for cert in client.get("/certifications").json()["items"]:
        assert f'value="{cert["code"]}"' in html
    for level in ("entry", "mid", "senior"):
        assert f'value="{level}"' in html


def test_form_asks_for_the_profile_within_the_apis_limits(client: TestClient):
    """Every /estimate parameter but the older state= and metro= has its labelled control, and a number box
    takes what the API takes (the bounds of /openapi.json)."""
    html = client.get("/").text
    for parameter in client.get("/openapi.json").json()["paths"]["/estimate"]["get"]["parameters"]:
        name, schema = parameter["name"], parameter["schema"]
        if name in ("state", "metro"):
            assert f'id="f-{name}"' not in html
            continue
        assert re.search(rf'<label for="f-{name}">[^<]+', html), name
        number = re.search(
            rf'<input id="f-{name}" name="{name}" type="number" min="([^"]*)" max="([^"]*)"', html
        )
        bounds = next((s for s in schema.get("anyOf", [schema]) if "maximum" in s), None)
        if bounds is None:
            assert number is None, name
        else:
            assert number and (float(number[1]), float(number[2])) == (bounds["minimum"], bounds["maximum"])


def test_every_suggestion_leads_back_to_what_it_is_offered_for(client: TestClient):
    """A suggestion the box offers is read as the area it names: a sample of each kind (/percentiles)."""
    suggested = datalist(client.get("/").text, "location-words")
    houston = next(code for code, title in oews_areas("4").items() if title.startswith("Houston-"))
    assert ("Houston", f"Metro area {houston}: {oews_areas('4')[houston]}") in suggested
    for value, label in suggested[:3] + suggested[60:63] + [s for s in suggested if s[0] == "Houston"]:
        r = client.get(f"/percentiles?location={quote(value)}")
        assert r.status_code == 200, value
        area = r.json()["location"]["area"]
        assert area["code"] in label or area["area_type"] == "national", (value, label)


def page_error(html: str) -> str:
    found = re.search(r'<p class="estimate-error">(.*?)</p>', html, re.S)
    return found.group(1) if found else ""


def field_error(html: str, name: str) -> str | None:
    """The message shown beside a form field, or None when the field is not flagged."""
    control = re.search(rf'<(?:input|select) id="f-{name}"([^>]*)>', html)
    assert control, name
    message = re.search(rf'<p class="field-error" id="f-{name}-error"( hidden)?>([^<]*)</p>', html)
    assert message, name
    flagged = f'aria-invalid="true" aria-describedby="f-{name}-error"' in control.group(1)
    assert flagged == (message.group(1) is None), name  # flagged exactly when its message shows
    return unescape(message.group(2)) if flagged else None


def test_bad_profile_is_flagged_in_the_field(client: TestClient):
    r = client.get("/?years=1&level=senior")
    assert r.status_code == 200
    assert "check Years of experience, Or experience level" in page_error(r.text)
    for name in ("years", "level"):
        assert "contradict each other" in field_error(r.text, name)
    assert field_error(r.text, "location") is None
    html = client.get("/?years=abc").text
    assert field_error(html, "years") == "Enter whole years, from 0 to 50."
    # The fields that are right still count: a good state keeps its percentiles beside a bad year.
    assert "Percentile range: New Jersey" in client.get("/?years=abc&state=NJ").text
    assert "Input should be" not in html  # the validator's words stay in the API
    assert field_error(client.get("/?hours_per_year=0").text, "hours_per_year") == (
        "Enter whole hours a year, from 1 to 4000."
    )
    assert field_error(client.get("/?retirement_match_pct=11").text, "retirement_match_pct") == (
        "Enter a percentage from 0 to 10."
    )
    for query, name in (("education=phd", "education"), ("certifications=XYZ", "certifications")):
        assert (
            field_error(client.get(f"/?{query}").text, name)
            == "Not one of the choices; pick one from the list."
        )
    # A place is free text: what it names nothing of, its one box says in the resolver's words, also for
    # the state= and metro= of an older address.
    assert "state=zz names no state or territory" in field_error(client.get("/?state=zz").text, "location")
    assert "location=Texsa names no place" in field_error(client.get("/?location=Texsa").text, "location")
    assert "they disagree" in field_error(client.get("/?state=NJ&metro=41940").text, "location")
    assert all(field_error(client.get("/?state=NJ&years=3").text, n) is None for n in ("years", "location"))


def words(html: str) -> str:
    """What a reader sees: the text without tags, styles or scripts, spaces collapsed."""
    text = unescape(re.sub(r"<[^>]+>", "", re.sub(r"(?s)<(style|script)\b.*?</\1>", "", html)))
    return " ".join(text.split())


def test_labels_are_plain_words(client: TestClient):
    text = words(client.get("/?state=NJ&years=3&certifications=CPC").text)
    # No release keys, source keys or sort syntax in what a reader sees.
    for release in client.get("/estimate?state=NJ&years=3&certifications=CPC").json()["releases"]:
        if "-" in release["key"]:  # a key such as bls-oews-2025-05 (the key 'article' is a plain word)
            assert release["key"] not in text
    assert "bls-oews-" not in text and "source: bls" not in text and "-mean" not in text
    assert "Sorted by mean wage, highest first" in text
    assert "Source: BLS OEWS, May 2025 (official files" in text
    assert "Sorted by state name, A to Z" in words(client.get("/?sort=name").text)
    assert "Sorted by median wage, lowest first" in words(client.get("/?sort=median").text)


@pytest.mark.parametrize(
    "query",
    [
        "education=phd",
        "setting=moon",
        "specialty=xyz",
        "years=3.5",
        "retirement_match_pct=nan",
        "state=NJ&metro=41940",
        "location=Springfield",
    ],
)
def test_the_page_rejects_what_estimate_rejects(client: TestClient, query: str):
    api = client.get(f"/estimate?{query}")
    assert api.status_code == 422
    html = client.get(f"/?{query}").text
    assert page_error(html), query
    assert 'id="est-hourly"' not in html
    # A rejected area is not reported as an area without figures.
    assert "No percentile figures for" not in html
    # An empty form (no JavaScript) is the national estimate, not an error.
    empty = client.get("/?state=&metro=&years=&level=&certifications=&hours_per_year=&sort=-mean").text
    assert 'id="est-hourly"' in empty
    assert client.get("/?bogus=1").status_code == 400


def test_page_is_self_contained_under_the_csp(client: TestClient):
    r = client.get("/")
    html = r.text
    assert not re.search(r'(src|href)="(https?:)?//', html)
    assert re.findall(r"<script[^>]*>", html) == ['<script src="/explorer.js" defer>']
    assert "script-src 'self'" in r.headers["content-security-policy"]
    js = client.get("/explorer.js")
    assert js.status_code == 200 and js.headers["content-type"].startswith("text/javascript")
    assert "http" not in js.text.replace("history", "")


NATIONAL = FIXTURES / "national_M2023_dl.csv"


@pytest.mark.parametrize("fresh_database", ["sqlite"], indirect=True)
def test_another_occupation_gets_its_figures_and_no_coder_estimate(fresh_database: str):
    run_import(fresh_database, NATIONAL, occupations=["00-0000"], groups=["total"])
    with make_client(fresh_database) as c:
        # The medical-coder details are set aside (disabled in the form, and said), not refused.
        aside = c.get("/?occupation=00-0000&years=3").text
        assert field_error(aside, "years") is None and not page_error(aside)
        assert '<fieldset class="method" id="method-fields" disabled>' in aside
        assert "covers medical coders (29-2072) only" in unescape(text_of(aside, "method-only-note"))
        assert "set aside: Years of experience" in unescape(text_of(aside, "method-only-note"))
        html = c.get("/?occupation=00-0000").text
        assert "All Occupations (SOC 00-0000)" in html
        assert 'id="est-hourly"' not in html and not page_error(html)
        # The nation's official 25th-75th percentile instead (national_M2023_dl.csv, 00-0000 row), and why.
        assert text_of(html, "official-hourly") == f"$17.21 {EN_DASH} $36.62"
        assert text_of(html, "official-annual") == f"$35,790 {EN_DASH} $76,170"
        assert "median $23.11 an hour ($48,060 a year)" in html
        assert "experience method applies to 29-2072" in unescape(text_of(html, "method-note"))
        coder = c.get("/?occupation=29-2072&years=3").text
        assert 'id="est-hourly"' in coder and not page_error(coder)
        assert '<fieldset class="method" id="method-fields">' in coder


@pytest.mark.parametrize("fresh_database", ["sqlite"], indirect=True)
def test_occupation_list_shows_only_occupations_with_figures(fresh_database: str):
    engine = create_engine(fresh_database)
    with engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO occupation (soc_code, title, aliases) "
                "VALUES ('15-1252', 'Software Developers', '[]')"
            )
        )
    engine.dispose()
    with make_client(fresh_database) as c:
        assert any(o["soc_code"] == "15-1252" for o in c.get("/occupations").json()["items"])
        html = c.get("/").text
        offered = sorted(
            {
                re.search(r"\((\d\d-\d{4})\)$", label).group(1)
                for _, label in datalist(html, "occupation-words")
            }
        )  # type: ignore[union-attr]
        # The four occupations of the seed's official BLS extract (seed/oews/manifest.json), by code.
        assert offered == ["11-9111", "29-2072", "29-9021", "43-3021"]
        # The card refuses it the same way.
        card = c.get("/embed/wage-range?occupation=15-1252")
        assert card.status_code == 404 and "No wage figures for occupation 15-1252" in unescape(card.text)


def test_another_seed_occupation_shows_its_areas_official_range(client: TestClient):
    """BLS May 2025, Texas, 43-3021 Billing and Posting Clerks (all_data_M_2025_extract.csv line 180)."""
    html = client.get("/?occupation=43-3021&state=TX").text
    assert text_of(html, "official-hourly") == f"$18.51 {EN_DASH} $25.99"
    assert text_of(html, "official-annual") == f"$38,500 {EN_DASH} $54,050"
    assert "Pay range: Texas" in html and "Percentile range: Texas" in html
    assert "experience method applies to 29-2072" in unescape(text_of(html, "method-note"))
    assert "names no state or territory" in field_error(
        client.get("/?occupation=43-3021&state=zz").text, "location"
    )


@pytest.mark.parametrize(
    ("code", "words"), [("99-9999", "No data for occupation 99-9999"), ("abc", "abc matches no")]
)
def test_an_unknown_occupation_is_flagged_in_its_field(client: TestClient, code: str, words: str):
    r = client.get(f"/?occupation={code}&state=TX")
    assert r.status_code == 200
    assert words in field_error(r.text, "occupation")
    # Meanwhile the page shows the default occupation; the box keeps what was typed.
    assert (
        'id="f-occupation" aria-invalid="true" aria-describedby="f-occupation-error" name="occupation" '
        in r.text
    )
    assert f'value="{code}"' in r.text and "(SOC 29-2072)" in r.text and 'id="est-hourly"' in r.text


def test_an_unknown_sort_order_is_said_in_words(client: TestClient):
    text = words(client.get("/?sort=-salary").text)
    assert "The order asked for in the address is not one this table knows. Sorted by mean wage" in text
    assert "Cannot sort by" not in text
