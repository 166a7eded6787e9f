"""Places as people write them, resolved once for every endpoint: over HTTP on the seeded database. Expected
areas and figures come from the seed's HUD-USPS crosswalk and BLS extract (tests/domain/seed_files.py)."""

import re
from urllib.parse import quote

import pytest
from fastapi.testclient import TestClient

from tests.domain.seed_files import (
    OCCUPATION,
    by_rule,
    city_weights,
    crosswalk,
    median,
    oews,
    oews_areas,
    shares,
    states,
)

NO_JARGON = re.compile(r"String should|Input should|pattern|\^|\$\)|\\d")


def located(client: TestClient, query: str) -> dict:
    r = client.get(f"/percentiles?{query}")
    assert r.status_code == 200, r.text
    return r.json()


def served_median(body: dict) -> float:
    return body["percentiles"]["median"]["annual"]


def expected_median(area_type: str, code: str) -> float:
    return median(states()[code]["fips"] if area_type == "state" else code)


def first_zip(predicate) -> str:  # type: ignore[no-untyped-def]
    return next(z for z, rows in crosswalk().items() if predicate(rows))


metros = oews_areas("4")


def in_a_state(rows: list[dict[str, str]]) -> bool:
    """A ZIP of one of the fifty states or DC (territories have other area types, and some no figures)."""
    return states().get(rows[0]["state"], {}).get("area_type") == "state"


def lies_in(rows: list[dict[str, str]], *, least: float = 0.0) -> int:
    """How many OEWS metros hold more than ``least`` of the ZIP's addresses."""
    return sum(r["cbsa"] in metros and float(r["tot_ratio"]) > least for r in rows)


WHOLE = first_zip(lambda rows: in_a_state(rows) and len(rows) == 1 and lies_in(rows) == 1)
SPLIT = first_zip(lambda rows: in_a_state(rows) and lies_in(rows, least=0.1) >= 2)
OUTSIDE_WITH_SHARE = first_zip(
    lambda rows: (
        in_a_state(rows) and by_rule(shares(rows), rows[0]["state"])[0] == "state" and lies_in(rows) > 0
    )
)
NO_METRO = first_zip(lambda rows: in_a_state(rows) and lies_in(rows) == 0)


@pytest.mark.parametrize("zip_code", [WHOLE, SPLIT, OUTSIDE_WITH_SHARE, NO_METRO, "77001"])
def test_a_zip_goes_to_the_metro_holding_most_of_its_addresses_else_its_state(
    client: TestClient, zip_code: str
):
    rows = crosswalk()[zip_code]
    area_type, code = by_rule(shares(rows), rows[0]["state"])
    body = located(client, f"location={zip_code}")
    loc = body["location"]
    assert (loc["area"]["area_type"], loc["area"]["code"]) == (area_type, code)
    assert loc["method"] == ("zip" if area_type == "metro" else "state_fallback")
    assert loc["input"] == zip_code and "HUD-USPS ZIP-CBSA crosswalk" in loc["explanation"]
    assert served_median(body) == expected_median(area_type, code)
    # Every other OEWS metro the ZIP touches is listed, with its share as published.
    listed = {a["code"]: a["share"] for a in loc["alternatives"] if a["area_type"] == "metro"}
    assert listed == {
        r["cbsa"]: float(r["tot_ratio"]) for r in rows if r["cbsa"] in metros and r["cbsa"] != code
    }
    if area_type == "state":
        assert "outside every OEWS metropolitan area" in loc["explanation"]


def test_zip_plus_four_is_its_zip(client: TestClient):
    plain = located(client, "location=77001")["location"]["area"]
    for spelled in ("77001-1234", "770011234", "77001 1234"):
        assert located(client, f"location={quote(spelled)}")["location"]["area"] == plain


def test_the_example_explanation(client: TestClient):
    loc = located(client, "location=77001")["location"]
    assert loc["explanation"].startswith("ZIP 77001 (Houston, TX): all of its addresses lie in CBSA 26420, ")
    assert loc["explanation"].endswith("(HUD-USPS ZIP-CBSA crosswalk, 2025).")


@pytest.mark.parametrize(
    ("typed", "city", "state"), [("Houston, TX", "HOUSTON", "TX"), ("houston tx", "HOUSTON", "TX")]
)
def test_city_state_goes_to_the_metro_holding_most_of_its_zips(
    client: TestClient, typed: str, city: str, state: str
):
    area_type, code = by_rule(city_weights(city, state), state)
    loc = located(client, f"location={quote(typed)}")["location"]
    assert (loc["area"]["area_type"], loc["area"]["code"], loc["method"]) == (area_type, code, "city")


def test_a_city_split_between_metros_lists_the_others(client: TestClient):
    # The first USPS city (in file order) whose ZIPs lie in two OEWS metros.
    city, state = next(
        (rows[0]["city"], rows[0]["state"])
        for rows in crosswalk().values()
        if len({r["cbsa"] for r in rows if r["cbsa"] in metros}) >= 2 and rows[0]["state"] != "PR"
    )
    weights = city_weights(city, state)
    area_type, code = by_rule(weights, state)
    loc = located(client, f"location={quote(f'{city.title()}, {state}')}")["location"]
    assert (loc["area"]["area_type"], loc["area"]["code"]) == (area_type, code)
    listed = {a["code"]: a["share"] for a in loc["alternatives"] if a["area_type"] == "metro"}
    expected = {c: w for c, w in weights.items() if c in metros and c != code}
    assert listed.keys() == expected.keys()
    assert all(listed[c] == pytest.approx(w) for c, w in expected.items())


@pytest.mark.parametrize(
    ("typed", "code"),
    [
        ("Texas", "TX"),
        ("tx", "TX"),
        ("new jersey", "NJ"),
        ("District of Columbia", "DC"),
        ("Puerto Rico", "PR"),
    ],
)
def test_a_state_by_code_or_name(client: TestClient, typed: str, code: str):
    assert states()[code]["name"].casefold() == typed.casefold() or typed.upper() == code
    body = located(client, f"location={quote(typed)}")
    assert body["location"]["area"]["code"] == code and body["location"]["method"] == "state"
    assert served_median(body) == expected_median("state", code)
    assert located(client, f"state={quote(typed)}")["location"]["area"]["code"] == code


@pytest.mark.parametrize(
    ("typed", "code"),
    [
        *[
            ("Calif.", "CA"),
            ("Colo.", "CO"),
            ("Ark.", "AR"),
            ("N.J.", "NJ"),
            ("Tex.", "TX"),
            ("W. Va.", "WV"),
        ],
        # AP's abbreviations spelled as the USPS code and a dot
        *[("Ga.", "GA"), ("Ky.", "KY"), ("La.", "LA"), ("Md.", "MD"), ("Mo.", "MO"), ("Pa.", "PA")],
        *[("Va.", "VA"), ("Vt.", "VT")],
    ],
)
def test_a_newspapers_abbreviation_of_a_state(client: TestClient, typed: str, code: str):
    # AP style, as postings write it: 'Colo.' was read as the town of Colo, Iowa, and 'Ark.' as Ark, Virginia.
    for query in (f"location={quote(typed)}", f"state={quote(typed)}"):
        loc = located(client, query)["location"]
        assert (loc["area"]["code"], loc["method"]) == (code, "state")


@pytest.mark.parametrize(
    ("typed", "plain"),
    [("Austin, Tex.", "Austin, TX"), ("Atlanta, Ga.", "Atlanta, GA"), ("Erie, Pa.", "Erie, PA")],
)
def test_a_city_with_a_newspapers_state_abbreviation(client: TestClient, typed: str, plain: str):
    by_code = located(client, f"location={quote(plain)}")["location"]
    loc = located(client, f"location={quote(typed)}")["location"]
    assert (loc["method"], loc["area"]) == ("city", by_code["area"])


@pytest.mark.parametrize("typed", ["US", "national", "remote", "Remote", "United States"])
def test_national_words(client: TestClient, typed: str):
    loc = located(client, f"location={quote(typed)}")["location"]
    assert loc["area"]["code"] == "US" and loc["method"] == "national"


@pytest.mark.parametrize(
    "typed", ["Remote - US", "Remote (US)", "US Remote", "Remote, USA", "Anywhere", "Work from home"]
)
def test_a_postings_way_of_saying_remote_is_national(client: TestClient, typed: str):
    loc = located(client, f"location={quote(typed)}")["location"]
    assert loc["area"]["code"] == "US" and loc["method"] == "national"
    assert loc["explanation"].startswith(f"{typed}: a remote job is tied to no one place")


@pytest.mark.parametrize("typed", ["Houston, TX 77001", "Houston, TX 77001-1234", "TX 77001", "ZIP 77001"])
def test_a_zip_beside_the_city_is_read_as_the_zip(client: TestClient, typed: str):
    zip_alone = located(client, "location=77001")["location"]
    loc = located(client, f"location={quote(typed)}")["location"]
    assert (loc["area"], loc["method"], loc["input"]) == (zip_alone["area"], zip_alone["method"], typed)
    assert "ZIP 77001 (Houston, TX)" in loc["explanation"]


@pytest.mark.parametrize("typed", ["Houston, TX, USA", "Houston, TX, US", "Houston, TX (Hybrid)"])
def test_a_country_or_work_mode_after_the_place_is_set_aside(client: TestClient, typed: str):
    plain = located(client, f"location={quote('Houston, TX')}")["location"]
    loc = located(client, f"location={quote(typed)}")["location"]
    assert loc["area"] == plain["area"] and loc["alternatives"] == plain["alternatives"]
    assert loc["input"] == typed and loc["explanation"] == f"{typed}: read as {plain['explanation']}"


def test_a_decorated_place_that_names_nothing_is_refused_as_typed(client: TestClient):
    r = client.get(f"/percentiles?location={quote('Atlantis, NJ, USA')}")
    message = r.json()["error"]["message"]
    assert r.status_code == 404 and "location=Atlantis, NJ, USA names no place" in message


def test_codes_and_unique_names_of_metros(client: TestClient):
    houston = next(code for code, title in metros.items() if title.startswith("Houston"))
    for query in ("location=Houston", "metro=Houston", f"location=CBSA%20{houston}", f"metro={houston}"):
        assert located(client, query)["location"]["area"]["code"] == houston, query
    nonmetro = sorted(oews_areas("6"))[0]
    loc = located(client, f"location={nonmetro}")["location"]
    assert (loc["area"]["code"], loc["method"]) == (nonmetro, "nonmetro")


@pytest.mark.parametrize("name", ["Springfield", "Portland"])
def test_an_ambiguous_name_lists_the_candidates(client: TestClient, name: str):
    starting = {code for code, title in metros.items() if re.split(r"[-,]", title)[0] == name}
    assert len(starting) >= 2
    r = client.get(f"/percentiles?location={name}")
    err = r.json()["error"]
    assert r.status_code == 422 and err["type"] == "ambiguous"
    assert name in err["message"] and starting <= {c["code"] for c in err["candidates"]}
    # Each candidate's value is what to send instead, and it resolves.
    first = err["candidates"][0]
    assert located(client, f"location={quote(first['value'])}")["location"]["area"]["code"] == first["code"]


@pytest.mark.parametrize(
    ("query", "words"),
    [
        ("location=Texsa", "Did you mean Texas (TX)?"),
        ("location=Huston,%20TX", "Did you mean Houston, TX?"),
        ("state=Nwe%20Jersey", "Did you mean New Jersey (NJ)?"),
        ("location=00000", "ZIP 00000"),
        ("metro=99999", "/metros"),
    ],
)
def test_a_place_that_names_nothing_is_a_404_suggesting_the_nearest(
    client: TestClient, query: str, words: str
):
    r = client.get(f"/percentiles?{query}")
    err = r.json()["error"]
    assert r.status_code == 404 and words in err["message"]
    assert err["details"][0]["value"] == query.split("=", 1)[1].replace("%20", " ")
    assert not NO_JARGON.search(err["message"])


# Every endpoint that takes a place, and what else it needs to answer.
PLACE_ENDPOINTS = [
    "/percentiles",
    "/estimate",
    "/compare?low=45000&high=60000",
    "/careers",
    "/charts/percentiles.svg",
    "/embed/wage-range",
    "/embed/wage-range/method",
    "/embed/careers",
    "/embed/wage-range?compare_low=45000&compare_high=60000",
]


@pytest.mark.parametrize("path", PLACE_ENDPOINTS)
def test_one_rule_for_state_and_metro_everywhere(client: TestClient, path: str):
    joiner = "&" if "?" in path else "?"
    # New York-Newark-Jersey City lies partly in New Jersey: accepted, and the metro is served.
    ok = client.get(f"{path}{joiner}state=NJ&metro=35620", headers={"Accept": "application/json"})
    assert ok.status_code == 200, ok.text
    if ok.headers["content-type"].startswith("application/json"):
        assert ok.json()["location"]["area"]["code"] == "35620"
    # A metro outside the state is the same 422, in the same words, for JSON, cards and charts.
    bad = client.get(f"{path}{joiner}state=CA&metro=35620", headers={"Accept": "application/json"})
    err = bad.json()["error"]
    assert bad.status_code == 422 and err["type"] == "invalid_input"
    assert "state=CA means California, but metro=35620 means" in err["message"]
    assert "they disagree" in err["message"]
    # location= with state: served when they agree, 422 naming both when they do not.
    agree = client.get(
        f"{path}{joiner}location=Houston,%20TX&state=TX", headers={"Accept": "application/json"}
    )
    assert agree.status_code == 200
    disagree = client.get(
        f"{path}{joiner}location=Houston,%20TX&state=CA", headers={"Accept": "application/json"}
    )
    message = disagree.json()["error"]["message"]
    assert disagree.status_code == 422 and "location=Houston, TX means" in message and "state=CA" in message


def test_the_state_filter_of_metros_takes_names_too(client: TestClient):
    by_code = client.get("/metros?state=TX&limit=1000").json()
    by_name = client.get("/metros?state=texas&limit=1000").json()
    assert [i["code"] for i in by_name["items"]] == [i["code"] for i in by_code["items"]]
    assert by_name["location"]["area"]["code"] == "TX" and by_name["location"]["input"] == "texas"
    # Every metro BLS titles with TX is there.
    texan = {
        code
        for code, title in metros.items()
        if re.search(r", (?:[A-Z]{2}-)*TX(?:-|$)", title) and (code, OCCUPATION) in oews()
    }
    assert texan <= {i["code"] for i in by_code["items"]}
    csv_codes = [line.split(",")[0] for line in client.get("/metros.csv?state=Texas").text.splitlines()[1:]]
    assert csv_codes == [i["code"] for i in by_code["items"]]


def test_states_and_metros_by_name_in_the_path(client: TestClient):
    assert client.get("/states/texas").json()["item"]["code"] == "TX"
    assert client.get("/metros/Houston").json()["item"]["code"] == "26420"


def metro_titled(start: str) -> str:
    """The code of the one seeded BLS metro whose title begins with ``start``."""
    (code,) = (code for code, title in metros.items() if title.startswith(start))
    return code


# What people call a metro, and the BLS title it is (common usage: Northern Virginia lies in the Washington
# metro, the Twin Cities are Minneapolis and St. Paul, Chicagoland is Chicago's metro).
@pytest.mark.parametrize(
    ("typed", "title"),
    [
        ("NoVA", "Washington-Arlington-Alexandria, DC-VA-MD-WV"),
        ("Northern Virginia", "Washington-Arlington-Alexandria, DC-VA-MD-WV"),
        ("NYC", "New York-Newark-Jersey City, NY-NJ"),
        ("New York City", "New York-Newark-Jersey City, NY-NJ"),
        ("Bay Area", "San Francisco-Oakland-Fremont, CA"),
        ("SF", "San Francisco-Oakland-Fremont, CA"),
        ("Silicon Valley", "San Jose-Sunnyvale-Santa Clara, CA"),
        ("DFW", "Dallas-Fort Worth-Arlington, TX"),
        ("Philly", "Philadelphia-Camden-Wilmington, PA-NJ-DE-MD"),
        ("L.A.", "Los Angeles-Long Beach-Anaheim, CA"),
        ("Twin Cities", "Minneapolis-St. Paul-Bloomington, MN-WI"),
        ("Chicagoland", "Chicago-Naperville-Elgin, IL-IN"),
        ("Inland Empire", "Riverside-San Bernardino-Ontario, CA"),
        ("NOLA", "New Orleans-Metairie, LA"),
        ("Manhattan", "New York-Newark-Jersey City, NY-NJ"),
        ("Queens", "New York-Newark-Jersey City, NY-NJ"),
        ("Staten Island", "New York-Newark-Jersey City, NY-NJ"),
    ],
)
def test_a_metros_nickname_is_read_as_the_metro(client: TestClient, typed: str, title: str):
    code = metro_titled(title)
    body = located(client, f"location={quote(typed)}")
    loc = body["location"]
    assert (loc["area"]["code"], loc["area"]["name"], loc["method"]) == (code, title, "name")
    assert (
        loc["explanation"]
        == f"{typed}: read as a common name for the {title} metropolitan area (CBSA {code})."
    )
    assert served_median(body) == expected_median("metro", code)


@pytest.mark.parametrize(
    ("typed", "title"),
    [
        ("LA, CA", "Los Angeles-Long Beach-Anaheim, CA"),
        ("NYC, NY", "New York-Newark-Jersey City, NY-NJ"),
        ("NoVA, VA", "Washington-Arlington-Alexandria, DC-VA-MD-WV"),
        ("Philly, PA", "Philadelphia-Camden-Wilmington, PA-NJ-DE-MD"),
        # USPS names the boroughs' mail New York (or a neighbourhood), never Manhattan or Queens.
        ("Manhattan, NY", "New York-Newark-Jersey City, NY-NJ"),
        ("Queens, NY", "New York-Newark-Jersey City, NY-NJ"),
    ],
)
def test_a_nickname_beside_a_state_of_its_metro(client: TestClient, typed: str, title: str):
    loc = located(client, f"location={quote(typed)}")["location"]
    assert (loc["area"]["code"], loc["method"]) == (metro_titled(title), "name")
    assert "read as a common name" in loc["explanation"]


@pytest.mark.parametrize(
    ("typed", "city", "state"),
    [
        ("Nova, OH", "NOVA", "OH"),
        ("Long Island, VA", "LONG ISLAND", "VA"),
        ("Manhattan, KS", "MANHATTAN", "KS"),
    ],
)
def test_a_town_sharing_a_nickname_is_still_reached_with_its_state(
    client: TestClient, typed: str, city: str, state: str
):
    area_type, code = by_rule(city_weights(city, state), state)
    loc = located(client, f"location={quote(typed)}")["location"]
    assert (loc["area"]["area_type"], loc["area"]["code"]) == (area_type, code)
    assert loc["method"] in ("city", "state_fallback") and "common name" not in loc["explanation"]


@pytest.mark.parametrize(
    ("typed", "title"),
    [
        ("NYC", "New York-Newark-Jersey City, NY-NJ"),
        ("Bay Area", "San Francisco-Oakland-Fremont, CA"),
        ("LA", "Los Angeles-Long Beach-Anaheim, CA"),
        ("DFW", "Dallas-Fort Worth-Arlington, TX"),
    ],
)
def test_metro_takes_a_common_name_where_only_metros_are_meant(client: TestClient, typed: str, title: str):
    loc = located(client, f"metro={quote(typed)}")["location"]
    assert (loc["area"]["code"], loc["method"]) == (metro_titled(title), "name")
    assert "read as a common name" in loc["explanation"]


def test_la_alone_stays_louisiana(client: TestClient):
    # USPS codes keep their meaning: LA is Louisiana, and Los Angeles is 'L.A.' or 'LA, CA'.
    loc = located(client, "location=LA")["location"]
    assert (loc["area"]["code"], loc["area"]["name"], loc["method"]) == ("LA", "Louisiana", "state")


def test_every_nickname_names_a_seeded_metro_and_shadows_no_state_or_metro_name(client: TestClient):
    from app.domain.places import METRO_NICKNAMES, normalise

    titled = {
        normalise(piece)
        for title in metros.values()
        for piece in re.split(r"-|/", title.rpartition(", ")[0] or title)
    }
    state_words = {normalise(r["name"]) for r in states().values()} | {c.casefold() for c in states()}
    for code, names in METRO_NICKNAMES.items():
        assert code in metros, code
        for name in names:
            assert normalise(name) not in titled or name == "Manhattan", name  # Manhattan, KS: as LA
            if normalise(name) in state_words:  # only LA, whose nickname is read beside CA alone
                assert name == "LA"
                continue
            assert located(client, f"location={quote(name)}")["location"]["area"]["code"] == code, name


@pytest.mark.parametrize(
    ("typed", "title"),
    [
        ("Dallas-Fort Worth", "Dallas-Fort Worth-Arlington, TX"),
        ("Dallas/Fort Worth", "Dallas-Fort Worth-Arlington, TX"),
        ("Dallas-Fort Worth, TX", "Dallas-Fort Worth-Arlington, TX"),
        ("Minneapolis-St. Paul", "Minneapolis-St. Paul-Bloomington, MN-WI"),
        ("Minneapolis St Paul", "Minneapolis-St. Paul-Bloomington, MN-WI"),
        ("Washington-Arlington", "Washington-Arlington-Alexandria, DC-VA-MD-WV"),
        ("Nashville-Davidson--Murfreesboro", "Nashville-Davidson--Murfreesboro--Franklin, TN"),
    ],
)
def test_the_first_cities_of_a_metros_title(client: TestClient, typed: str, title: str):
    code = metro_titled(title)
    queries = [f"location={quote(typed)}"] + ([] if "," in typed else [f"metro={quote(typed)}"])
    for query in queries:
        loc = located(client, query)["location"]
        assert (loc["area"]["code"], loc["method"]) == (code, "name"), query
        assert title in loc["explanation"]


def test_part_of_a_city_in_a_title_is_no_metro(client: TestClient):
    r = client.get(f"/percentiles?location={quote('Dallas-Fort')}")
    assert r.status_code == 404 and "location=Dallas-Fort names no place" in r.json()["error"]["message"]


def listed_metros(client: TestClient, q: str) -> set[str]:
    """The codes /metros lists for ``q``."""
    return {i["code"] for i in client.get("/metros", params={"q": q, "limit": 1000}).json()["items"]}


def seeded_metros_titled_with(words: str) -> set[str]:
    """The seeded metros with figures whose BLS title holds ``words``."""
    return {code for code, title in metros.items() if words in title and (code, OCCUPATION) in oews()}


@pytest.mark.parametrize(
    ("q", "spelled"),
    [
        ("St Louis", "St. Louis"),
        ("Saint Louis", "St. Louis"),
        ("st. louis, mo", "St. Louis, MO"),
        ("Ft Worth", "Fort Worth"),
        ("Mt Vernon", "Mount Vernon"),
        ("Port Saint Lucie", "Port St. Lucie"),
    ],
)
def test_metros_q_reads_saint_fort_and_mount_one_way(client: TestClient, q: str, spelled: str):
    expected = seeded_metros_titled_with(spelled)
    assert expected and listed_metros(client, q) == expected


def test_metros_q_still_finds_a_word_as_it_is_typed(client: TestClient):
    # 'Ste' is the start of Steubenville, not only 'Sainte'; 'Mount' is not Montana's USPS code.
    assert seeded_metros_titled_with("Steubenville") <= listed_metros(client, "Ste")
    montana = {code for code, title in metros.items() if title.endswith(", MT")}
    assert montana and not montana & listed_metros(client, "Mount")
    assert seeded_metros_titled_with(", MT") <= listed_metros(client, "MT")


def test_st_louis_with_its_state_is_the_city(client: TestClient):
    area_type, code = by_rule(city_weights("SAINT LOUIS", "MO"), "MO")
    for typed in ("St Louis, MO", "St. Louis, MO", "Saint Louis, MO"):
        loc = located(client, f"location={quote(typed)}")["location"]
        assert (loc["area"]["area_type"], loc["area"]["code"], loc["method"]) == (area_type, code, "city")


@pytest.mark.parametrize("typed", ["Washington D.C.", "Washington DC", "Washington, D.C.", "Washington D.C"])
def test_washington_dc_however_spelled(client: TestClient, typed: str):
    area_type, code = by_rule(city_weights("WASHINGTON", "DC"), "DC")
    loc = located(client, f"location={quote(typed)}")["location"]
    assert (loc["area"]["area_type"], loc["area"]["code"], loc["method"]) == (area_type, code, "city")
    assert loc["explanation"].startswith("Washington, DC: ")


# ZIP 07030 is Hoboken, NJ; 66101 is Kansas City, KS; 20001 is Washington, DC.
@pytest.mark.parametrize(
    "typed", ["07030, NJ", "07030 NJ", "07030, New Jersey", "Hoboken, NJ 07030", "Jersey City, NJ 07030"]
)
def test_a_zip_beside_its_own_state_is_the_zip(client: TestClient, typed: str):
    zip_alone = located(client, "location=07030")["location"]
    loc = located(client, f"location={quote(typed)}")["location"]
    assert (loc["area"], loc["method"], loc["input"]) == (zip_alone["area"], "zip", typed)
    assert "ZIP 07030 (Hoboken, NJ)" in loc["explanation"]


# Words without a comma are not a state written beside the ZIP ('LA' is Los Angeles as often as Louisiana,
# 'in' and 'oh' are words), and a nickname of the ZIP's own metro agrees with it: the ZIP is read.
# 90012 and 90028 are Los Angeles (downtown, Hollywood).
@pytest.mark.parametrize(
    ("typed", "zip_code"),
    [
        ("LA 90012", "90012"),
        ("Downtown LA 90012", "90012"),
        ("Hollywood, LA 90028", "90028"),
        ("in 07030", "07030"),
        ("Oh 07030", "07030"),
    ],
)
def test_words_beside_a_zip_that_are_no_state_written_as_one_leave_the_zip(
    client: TestClient, typed: str, zip_code: str
):
    zip_alone = located(client, f"location={zip_code}")["location"]
    loc = located(client, f"location={quote(typed)}")["location"]
    assert (loc["area"], loc["method"]) == (zip_alone["area"], "zip")


# state= beside a location reads it as 'location, ST', as one text would be read.
@pytest.mark.parametrize(
    ("location", "state", "same_as"),
    [("Nova", "OH", "Nova, OH"), ("Long Island", "KS", "Long Island, KS"), ("LA", "CA", "LA, CA")],
)
def test_state_beside_a_location_reads_it_in_that_state(
    client: TestClient, location: str, state: str, same_as: str
):
    one_text = located(client, f"location={quote(same_as)}")["location"]
    both = located(client, f"location={quote(location)}&state={state}")["location"]
    assert both["area"] == one_text["area"]
    assert both["input"] == f"location={location}; state={state}"


# What a posting writes around a place, which the place as typed alone reads the same without.
@pytest.mark.parametrize(
    ("typed", "plain"),
    [
        ("Houston area", "Houston"),
        ("Greater Boston", "Boston"),
        ("Greater Houston area (Hybrid)", "Houston"),
        ("Austin metro", "Austin"),
        ("Chicago metropolitan area", "Chicago"),
        ("Remote - NYC", "NYC"),
        ("Remote - Texas", "Texas"),
        ("Denver, CO - Hybrid", "Denver, CO"),
        ("Remote in Denver, CO", "Denver, CO"),
        ("Greater Denver, CO", "Denver, CO"),
        ("Hybrid - Austin, TX", "Austin, TX"),
    ],
)
def test_words_a_posting_writes_around_a_place_leave_the_place(client: TestClient, typed: str, plain: str):
    loc = located(client, f"location={quote(typed)}")["location"]
    assert loc["area"] == located(client, f"location={quote(plain)}")["location"]["area"]
    assert loc["input"] == typed and loc["explanation"].startswith(f"{typed}: read as {plain}")


@pytest.mark.parametrize(
    "typed",
    ["Area", "Greater", "Greater Nowhere area", "Houston, TX area - Remote -", "Remote in Atlantis, CO"],
)
def test_decoration_around_no_place_is_refused_as_typed(client: TestClient, typed: str):
    r = client.get(f"/percentiles?location={quote(typed)}")
    message = r.json()["error"]["message"]
    assert r.status_code == 404 and message.startswith(f"location={typed}") and "read as" not in message


def test_a_zip_beside_its_own_city_is_the_zip(client: TestClient):
    loc = located(client, f"location={quote('Washington 20001')}")["location"]
    assert (loc["area"]["code"], loc["method"]) == (crosswalk()["20001"][0]["cbsa"], "zip")


@pytest.mark.parametrize(
    ("typed", "zip_code", "zip_place", "state", "instead"),
    [
        (
            "Seattle, WA 07030",
            "07030",
            "Hoboken, NJ",
            "Washington (WA)",
            "location=07030 or location=Seattle, WA",
        ),
        ("07030, WA", "07030", "Hoboken, NJ", "Washington (WA)", "location=07030 or location=WA"),
        ("Atlantis, WA 07030", "07030", "Hoboken, NJ", "Washington (WA)", "location=07030."),
        ("Kansas City, MO 66101", "66101", "Kansas City, KS", "Missouri (MO)", "location=66101 or"),
    ],
)
def test_a_zip_beside_another_state_is_refused_naming_both(
    client: TestClient, typed: str, zip_code: str, zip_place: str, state: str, instead: str
):
    r = client.get(f"/percentiles?location={quote(typed)}")
    err = r.json()["error"]
    assert r.status_code == 422 and err["type"] == "invalid_input"
    message = err["message"]
    assert message.startswith(f"location={typed}: ZIP {zip_code} is in {zip_place}, ")
    assert f"the state typed beside it is {state}; they disagree. Send {instead}" in message
    assert err["details"][0]["parameter"] == "location" and err["details"][0]["value"] == typed
    assert err["details"][0]["allowed"][0] == zip_code
    assert not NO_JARGON.search(message)
