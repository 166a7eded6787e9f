"""GET /compare over HTTP on the seeded database: where a posted range sits among the published percentiles.

Expected percentiles are computed here by the issue's rule (linear between the published p10, p25, median,
p75 and p90) from the rows of the seed's BLS file, read with the csv module; never from our code.
"""

import csv
import time
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from urllib.parse import quote

import pytest
from fastapi.testclient import TestClient

from tests.conftest import make_client
from tests.oews.conftest import BOTH, FIXTURES, fixture_row, money, run_import

SEED_CSV = Path(__file__).resolve().parents[2] / "seed" / "oews" / "all_data_M_2025_extract.csv"
STATS = ("p10", "p25", "median", "p75", "p90")
RANKS = (10, 25, 50, 75, 90)
COLUMNS = {"annual": ("A_PCT10", "A_PCT25", "A_MEDIAN", "A_PCT75", "A_PCT90"),
           "hourly": ("H_PCT10", "H_PCT25", "H_MEDIAN", "H_PCT75", "H_PCT90")}  # fmt: skip


def seed_row(title: str, occupation: str = "29-2072") -> tuple[int, dict[str, str]]:
    """(spreadsheet row number, row) of the seed file's row for an area title and occupation."""
    with SEED_CSV.open(newline="") as fh:
        for number, row in enumerate(csv.DictReader(fh), start=2):
            if row["AREA_TITLE"] == title and row["OCC_CODE"] == occupation:
                return number, row
    raise KeyError(title)


def by_hand(value: float, row: dict[str, str], unit: str) -> float:
    """The percentile of a value strictly inside p10-p90: linear between the published points around it."""
    points = [float(row[c].replace(",", "")) for c in COLUMNS[unit]]
    for i in range(len(RANKS) - 1):
        (r0, r1), (v0, v1) = RANKS[i : i + 2], points[i : i + 2]
        if v0 < value < v1:
            return r0 + (r1 - r0) * (value - v0) / (v1 - v0)
    raise ValueError(value)


def whole(value: float) -> int:
    return int(Decimal(repr(value)).quantize(Decimal("1"), rounding=ROUND_HALF_UP))


def test_texas_range_sits_between_the_interpolated_percentiles(client: TestClient):
    number, tx = seed_row("Texas")
    r = client.get("/compare?occupation=29-2072&state=TX&low=45000&high=60000&unit=annual")
    assert r.status_code == 200
    body = r.json()
    # Texas row: p25 39,470, median 48,860, p75 63,970 a year.
    low, high = by_hand(45000, tx, "annual"), by_hand(60000, tx, "annual")
    assert body["low"]["percentile"] == pytest.approx(low, abs=0.05)
    assert body["high"]["percentile"] == pytest.approx(high, abs=0.05)
    assert (body["low"]["between"], body["high"]["between"]) == (["p25", "median"], ["median", "p75"])
    assert body["low"]["position"] == body["high"]["position"] == "within"
    assert body["low"]["value"] == 45000 and body["high"]["value"] == 60000
    assert body["low"]["top_coded"] is False and body["low"]["note"] is None
    assert body["summary"] == (
        f"This range sits between the {whole(low)}th and {whole(high)}th percentile "
        "for Medical Records Specialists in Texas."
    )
    assert body["area"] == {"area_type": "state", "code": "TX", "name": "Texas"}
    assert body["unit"] == "annual"
    # The answer names the release and cites every figure it compared against, as /percentiles does.
    assert body["release"]["key"] == "bls-oews-2025-05" and body["release"]["source"] == "bls"
    citation = f"BLS OEWS file all_data_M_2025_extract.csv, row {number}: Texas, Medical Records Specialists"
    for stat, hourly, annual in zip(STATS, COLUMNS["hourly"], COLUMNS["annual"], strict=True):
        fig = body["percentiles"][stat]
        assert (fig["annual"], fig["hourly"]) == (float(tx[annual]), float(tx[hourly]))
        assert fig["citation"] == citation and fig["annual_capped"] is False
    assert [x["key"] for x in body["releases"]] == ["bls-oews-2025-05"]
    assert [s["key"] for s in body["sources"]] == ["bls"]
    assert body["percentiles"] == client.get("/percentiles?state=TX").json()["percentiles"]


@pytest.mark.parametrize(("stat", "rank"), list(zip(STATS, RANKS, strict=True)))
def test_a_value_at_a_published_percentile_gets_that_percentile(client: TestClient, stat: str, rank: int):
    _, tx = seed_row("Texas")
    value = tx[COLUMNS["annual"][STATS.index(stat)]]
    body = client.get(f"/compare?state=TX&low={value}&high={value}").json()
    assert body["low"]["percentile"] == rank and body["low"]["position"] == "within"
    assert body["low"]["between"] == [stat, stat]


def test_texas_p25_gives_25(client: TestClient):
    """The issue's example: Texas's p25, $39,470, gives 25."""
    body = client.get("/compare?state=TX&low=39470&high=48860").json()
    assert (body["low"]["percentile"], body["high"]["percentile"]) == (25, 50)
    assert body["summary"] == (
        "This range sits between the 25th and 50th percentile for Medical Records Specialists in Texas."
    )


def test_beyond_p10_and_p90_there_is_no_percentile(client: TestClient):
    _, tx = seed_row("Texas")
    p10, p90 = float(tx["A_PCT10"]), float(tx["A_PCT90"])
    body = client.get(f"/compare?state=TX&low={p10 - 1}&high={p90 + 1}").json()
    assert body["low"] == {
        "value": p10 - 1, "percentile": None, "position": "below_p10", "between": None,
        "top_coded": False, "note": None,
    }  # fmt: skip
    assert body["high"]["percentile"] is None and body["high"]["position"] == "above_p90"
    assert body["summary"] == (
        "This range runs from below the 10th percentile to above the 90th percentile "
        "for Medical Records Specialists in Texas."
    )
    under = client.get(f"/compare?state=TX&low=1000&high={p10 - 1}").json()
    assert under["summary"].startswith("This range sits entirely below the 10th percentile")


def test_hourly_in_a_metro(client: TestClient):
    number, sj = seed_row("San Jose-Sunnyvale-Santa Clara, CA")
    body = client.get("/compare?metro=41940&low=35&high=50.5&unit=hourly").json()
    assert body["unit"] == "hourly" and body["area"]["code"] == "41940"
    assert body["low"]["percentile"] == pytest.approx(by_hand(35, sj, "hourly"), abs=0.05)
    assert body["high"]["percentile"] == pytest.approx(by_hand(50.5, sj, "hourly"), abs=0.05)
    assert body["percentiles"]["median"]["hourly"] == float(sj["H_MEDIAN"])
    assert f"row {number}:" in body["percentiles"]["median"]["citation"]
    assert body["summary"].endswith("for Medical Records Specialists in San Jose-Sunnyvale-Santa Clara, CA.")


def test_another_occupation_and_the_nation_by_default(client: TestClient):
    number, us = seed_row("U.S.", "11-9111")
    body = client.get("/compare?occupation=11-9111&low=100000&high=130000").json()
    assert body["area"]["code"] == "US" and body["occupation"]["soc_code"] == "11-9111"
    assert body["low"]["percentile"] == pytest.approx(by_hand(100000, us, "annual"), abs=0.05)
    assert body["high"]["percentile"] == pytest.approx(by_hand(130000, us, "annual"), abs=0.05)
    cited = body["percentiles"]["p90"]["citation"]
    assert f"row {number}: U.S., Medical and Health Services Managers" in cited


@pytest.mark.parametrize(
    ("low", "high", "read_as", "unit"),
    [
        ("$45,000", "$60,000", (45000, 60000), "annual"),
        ("45k", "60K", (45000, 60000), "annual"),
        ("USD 45,000", "60,000.00", (45000, 60000), "annual"),
        ("$22.50/hr", "$28 per hour", (22.5, 28), "hourly"),
    ],
)
def test_a_posted_range_as_a_posting_writes_it(
    client: TestClient, low: str, high: str, read_as: tuple[float, float], unit: str
):
    typed = client.get("/compare", params={"state": "TX", "low": low, "high": high})
    plain = client.get("/compare", params={"state": "TX", "low": read_as[0], "high": read_as[1]})
    assert typed.status_code == 200, typed.text
    assert typed.json() == plain.json() and typed.json()["unit"] == unit
    assert (typed.json()["low"]["value"], typed.json()["high"]["value"]) == read_as


# A fraction of a thousand is the amount written: 32.2k is 32,200, where 32.2 * 1000 in floating point is
# 32,200.000000000004 (the answer's value said so, and an amount at a published figure missed its rank).
@pytest.mark.parametrize(
    ("low", "high", "read_as"), [("32.2k", "64.1k", (32200, 64100)), ("$2.01k", "4.03K", (2010, 4030))]
)
def test_thousands_with_a_fraction_are_the_amount_written(
    client: TestClient, low: str, high: str, read_as: tuple[float, float]
):
    typed = client.get("/compare", params={"state": "TX", "low": low, "high": high})
    plain = client.get("/compare", params={"state": "TX", "low": read_as[0], "high": read_as[1]})
    assert typed.status_code == 200, typed.text
    assert typed.json() == plain.json()
    assert (typed.json()["low"]["value"], typed.json()["high"]["value"]) == read_as


# Two numbers a space apart are two numbers, not one: '22 25' was read as 2225.
@pytest.mark.parametrize("low", ["4,5000", "45kk", "$", "45 thousand", "22 25", "4 5k"])
def test_an_amount_that_is_not_one_is_refused_as_typed(client: TestClient, low: str):
    r = client.get("/compare", params={"state": "TX", "low": low, "high": 60000})
    assert r.status_code == 422 and f"low={low} should be a number" in r.json()["error"]["message"]


# An amount out of bounds is refused as typed, not as the number read from it (low=0.0, low=20000000.0).
@pytest.mark.parametrize(
    ("path", "name", "typed"),
    [
        ("/compare?state=TX&high=60000&low=", "low", "0"),
        ("/compare?state=TX&high=60000&low=", "low", "$0/hr"),
        ("/compare?state=TX&low=45000&high=", "high", "20000k"),
        ("/compare?state=TX&low=45000&high=", "high", "10000001"),
        ("/embed/wage-range?state=TX&compare_high=60000&compare_low=", "compare_low", "0k"),
    ],
)
def test_an_amount_out_of_bounds_is_refused_as_typed(client: TestClient, path: str, name: str, typed: str):
    r = client.get(path + quote(typed), headers={"Accept": "application/json"})
    err = r.json()["error"]
    assert r.status_code == 422 and err["message"].startswith(f"Invalid request: {name}={typed} should be ")
    assert err["details"][0]["parameter"] == name and err["details"][0]["value"] == typed


@pytest.mark.parametrize("typed", ["nan", "inf", "-inf", "1e400"])
def test_an_amount_that_is_no_finite_number_is_refused_as_such(client: TestClient, typed: str):
    for path, name in (
        ("/compare?state=TX&high=60000&low=", "low"),
        ("/embed/wage-range?compare_high=9&compare_low=", "compare_low"),
    ):
        r = client.get(path + typed, headers={"Accept": "application/json"})
        assert r.status_code == 422
        assert r.json()["error"]["message"] == f"Invalid request: {name}={typed} should be a finite number."


def test_the_largest_amount_is_said_in_digits(client: TestClient):
    for path in (
        "/compare?state=TX&low=45000&high=",
        "/embed/wage-range?state=TX&compare_low=45000&compare_high=",
    ):
        r = client.get(path + "10000001", headers={"Accept": "application/json"})
        assert r.status_code == 422 and r.json()["error"]["message"].endswith(
            "=10000001 should be at most 10000000."
        ), r.text


@pytest.mark.parametrize(
    ("query", "status", "words"),
    [
        ("state=TX&low=60000&high=45000", 422, "low (60000) is greater than high (45000)"),
        ("state=TX&low=1234567&high=1234566", 422, "low (1234567) is greater than high (1234566)"),
        ("state=TX&low=22&high=1234567", 422, "low=22 and high=1234567 lie on both sides of 1,000"),
        ("state=TX&low=%2422%2Fhr&high=45k", 422, "low=$22/hr and high=45k lie on both sides of 1,000"),
        ("state=ZZ&low=1&high=2", 404, "state=ZZ names no state or territory we know"),
        (
            "metro=99999&low=1&high=2",
            404,
            "metro=99999 is not the code of a metropolitan or nonmetropolitan area",
        ),
        # Elmira, NY: BLS published employment for 29-2072 but no wages ('*' in every wage column).
        ("metro=21300&low=1&high=2", 422, "No official hourly percentiles for Medical Records Specialists"),
        ("state=TX&metro=41940&low=1&high=2", 422, "state=TX means Texas, but metro=41940 means San Jose"),
        ("state=TX&low=0&high=2", 422, "low"),
        ("state=TX&low=abc&high=2", 422, "low"),
        ("state=TX&high=2", 422, "low"),
        ("state=TX&low=1&high=2&unit=weekly", 422, "unit"),
        ("state=TX&low=1&high=2&colour=red", 400, "Unknown query parameter 'colour'"),
        ("state=TX&low=1&high=2&low=3", 400, "more than once"),
        ("occupation=99-9999&low=1&high=2", 404, "No data for occupation 99-9999"),
    ],
)
def test_bad_input_uses_the_one_error_shape(client: TestClient, query: str, status: int, words: str):
    r = client.get(f"/compare?{query}")
    assert r.status_code == status
    error = r.json()["error"]
    assert set(error) == {"status", "type", "message", "details", "request_id"} and error["status"] == status
    assert words in error["message"]


@BOTH
def test_top_coded_boundary_is_said_to_be_top_coded(fresh_database: str):
    """An imported OEWS file with '#' (top-coded) median, p75 and p90 for 29-1228 in California.

    The file is a synthetic fixture in the official layout; BLS's top code from May 2023 on is $239,200 a
    year ($115.00 an hour), per the OEWS technical notes."""
    run_import(fresh_database, FIXTURES / "state_M2023_dl.csv")
    _, row = fixture_row("state_M2023_dl.csv", area="06", occ="29-1228")
    assert (row["A_MEDIAN"], row["A_PCT75"], row["A_PCT90"]) == ("#", "#", "#")
    p25, top = money(row["A_PCT25"]), 239_200.0
    with make_client(fresh_database) as client:
        body = client.get("/compare?occupation=29-1228&state=CA&low=200000&high=250000").json()
    assert body["percentiles"]["median"]["annual"] == top
    assert body["percentiles"]["median"]["annual_capped"] is True
    assert body["low"]["percentile"] == pytest.approx(25 + 25 * (200000 - p25) / (top - p25), abs=0.05)
    assert body["low"]["top_coded"] is True and "upper bound" in body["low"]["note"]
    assert body["high"]["position"] == "top_coded" and body["high"]["percentile"] is None
    assert body["high"]["top_coded"] is True and "$239,200" in body["high"]["note"]
    assert "at or above BLS's top-coded wage" in body["summary"]
    assert body["release"]["key"] == "bls-oews-2023-05-state"


def test_two_published_points_with_one_value_give_the_lower_percentile(client: TestClient):
    """Delaware, 29-9021: BLS prints the same median and p75 ($68,890 a year); the value gets 50."""
    _, de = seed_row("Delaware", "29-9021")
    assert de["A_MEDIAN"] == de["A_PCT75"]
    value = float(de["A_MEDIAN"])
    body = client.get(f"/compare?occupation=29-9021&state=DE&low={value}&high={value + 100}").json()
    assert body["low"]["percentile"] == 50 and body["low"]["between"] == ["median", "median"]
    # Just above it, the value lies between p75 and p90.
    assert body["high"]["between"] == ["p75", "p90"]
    expected = 75 + 15 * 100 / (float(de["A_PCT90"]) - value)
    assert body["high"]["percentile"] == pytest.approx(expected, abs=0.05)


def test_one_call_for_a_job_board(client: TestClient):
    """A posting's title, place and pay range, as the board holds them: no codes, no unit."""
    _, houston = seed_row("Houston-Pasadena-The Woodlands, TX")
    r = client.get("/compare?occupation=medical%20coder&location=Houston,%20TX&low=45000&high=60000")
    body = r.json()
    assert r.status_code == 200 and body["area"]["code"] == houston["AREA"]
    assert body["occupation"]["soc_code"] == "29-2072" and body["location"]["method"] == "city"
    assert (body["unit"], body["unit_inferred"]) == ("annual", True)
    assert body["low"]["percentile"] == pytest.approx(by_hand(45000, houston, "annual"), abs=0.05)
    assert body["high"]["percentile"] == pytest.approx(by_hand(60000, houston, "annual"), abs=0.05)


@pytest.mark.parametrize(
    ("amounts", "unit"),
    [("low=22&high=30", "hourly"), ("low=999&high=999.99", "hourly"), ("low=1000&high=60000", "annual")],
)
def test_the_unit_is_read_from_the_amounts_when_not_given(client: TestClient, amounts: str, unit: str):
    _, tx = seed_row("Texas")
    body = client.get(f"/compare?state=TX&{amounts}").json()
    assert (body["unit"], body["unit_inferred"]) == (unit, True) and "no unit was given" in body[
        "unit_reason"
    ]
    # Read as hourly, $22-$30 sits among the hourly percentiles, not 'entirely below the 10th percentile'.
    if amounts == "low=22&high=30":
        assert body["low"]["percentile"] == pytest.approx(by_hand(22, tx, "hourly"), abs=0.05)
    given = client.get(f"/compare?state=TX&{amounts}&unit=annual").json()
    assert (given["unit"], given["unit_inferred"], given["unit_reason"]) == (
        "annual",
        False,
        "annual, as given",
    )


def test_a_range_straddling_1000_asks_for_the_unit(client: TestClient):
    for path in (
        "/compare?state=TX&low=22&high=45000",
        "/embed/wage-range?state=TX&compare_low=22&compare_high=45000",
    ):
        r = client.get(path, headers={"Accept": "application/json"})
        err = r.json()["error"]
        assert r.status_code == 422 and "on both sides of 1,000" in err["message"]
        assert err["details"][0]["allowed"] == ["annual", "hourly"]


@pytest.mark.parametrize(
    ("words", "unit"),
    [
        ("hr", "hourly"),
        ("hour", "hourly"),
        ("per hour", "hourly"),
        ("Per Hour", "hourly"),
        ("year", "annual"),
        ("per year", "annual"),
        ("yr", "annual"),
        ("salary", "annual"),
        ("annually", "annual"),
    ],
)
def test_the_unit_in_words(client: TestClient, words: str, unit: str):
    # 900 is read as an hourly or an annual amount only as the unit says.
    asked = client.get("/compare", params={"state": "TX", "low": 500, "high": 900, "unit": words})
    assert asked.status_code == 200, asked.text
    assert asked.json() == client.get(f"/compare?state=TX&low=500&high=900&unit={unit}").json()
    assert (asked.json()["unit"], asked.json()["unit_inferred"]) == (unit, False)


@pytest.mark.parametrize(
    ("path", "typed", "suggested"),
    [
        ("/compare?state=TX&low=", "45k-55k", "low=45k&high=55k"),
        ("/compare?state=TX&high=60000&low=", "45,000 to 55,000", "low=45,000&high=55,000"),
        ("/compare?state=TX&low=", "$22 \u2013 $28/hr", "low=$22&high=$28/hr"),
    ],
)
def test_a_range_in_one_amount_is_refused_naming_the_two_parameters(
    client: TestClient, path: str, typed: str, suggested: str
):
    r = client.get(path + quote(typed))
    err = r.json()["error"]
    assert (
        r.status_code == 422
        and f"={typed} is a range: send its ends as two amounts, {suggested}" in err["message"]
    )


@pytest.mark.parametrize(
    ("query", "words"),
    [
        ("low=$22/hr&high=$28/hr&unit=annual", "low=$22/hr is written as hourly pay, but unit=annual"),
        (
            "low=40,000&high=50k a year&unit=hourly",
            "high=50k a year is written as annual pay, but unit=hourly",
        ),
        # No unit: 45,000 is read as annual, which its own words contradict.
        (
            "low=$45,000/hr&high=$55,000",
            "low=$45,000/hr is written as hourly pay, but amounts of 1,000 or more",
        ),
    ],
)
def test_an_amounts_unit_words_that_contradict_the_unit_are_refused(
    client: TestClient, query: str, words: str
):
    params = dict(pair.split("=", 1) for pair in query.split("&"))
    r = client.get("/compare", params={"state": "TX", **params})
    assert r.status_code == 422 and words in r.json()["error"]["message"], r.text


def test_spaces_in_an_amount_cost_no_more_than_their_length(client: TestClient):
    # Spaces between an amount's optional parts once made the regular expression cubic in their number.
    started = time.perf_counter()
    r = client.get("/compare", params={"state": "TX", "low": "1" + " " * 1000 + "x", "high": 2})
    assert r.status_code == 422 and "should be a number" in r.json()["error"]["message"]
    assert time.perf_counter() - started < 2
