"""/trends, /trends.csv and /charts/trends.svg over releases imported in the official layout.

Expected figures are read from the imported files and the seed's extract with the csv module; expected
changes are computed here from those figures with the issue's definitions (later minus earlier, percent of
the earlier, compound annual rate over the years between the periods), never taken from the code under test.
"""

import csv
import io
from pathlib import Path
from xml.etree import ElementTree

import pytest
from fastapi.testclient import TestClient

from tests.conftest import make_client
from tests.domain.seed_files import oews
from tests.oews.conftest import FIXTURES, copy_fixture, fixture_row, money, run_import

BOTH = pytest.mark.parametrize("fresh_database", ["sqlite", "postgres"], indirect=True)
SEED_FILE = "all_data_M_2025_extract.csv"
OFFICIAL = "bls-oews-2025-05"
ARTICLE = "bls-oews-2023-05-article"
SVG = "{http://www.w3.org/2000/svg}"
STATS = {"p10": "PCT10", "p25": "PCT25", "median": "MEDIAN", "p75": "PCT75", "p90": "PCT90", "mean": "MEAN"}


def seed_row(area: str) -> tuple[int, dict[str, str]]:
    """(spreadsheet row number, row) of 29-2072 in the seed's extract."""
    with (Path(__file__).resolve().parents[2] / "seed" / "oews" / SEED_FILE).open(newline="") as fh:
        for number, row in enumerate(csv.DictReader(fh), start=2):
            if row["AREA"] == area and row["OCC_CODE"] == "29-2072":
                return number, row
    raise KeyError(area)


def assert_figures(item: dict, row: dict[str, str], file: str, number: int) -> None:
    """Every statistic of the item is the file row's, as printed, citing that row."""
    for stat, column in STATS.items():
        fig = item["wages"][stat]
        assert (fig["hourly"], fig["annual"]) == (money(row[f"H_{column}"]), money(row[f"A_{column}"])), stat
        assert fig["citation"].startswith(f"BLS OEWS file {file}, row {number}: ")
    assert item["employment"]["employment"] == money(row["TOT_EMP"])
    assert item["citation"] == item["wages"]["median"]["citation"]


def expected_change(earlier: dict[str, str], later: dict[str, str], column: str, years: float) -> dict:
    a, b = money(earlier[f"A_{column}"]), money(later[f"A_{column}"])
    ha, hb = money(earlier[f"H_{column}"]), money(later[f"H_{column}"])
    return {
        "hourly": round(hb - ha, 2),
        "annual": round(b - a, 2),
        "percent": round((b - a) / a * 100, 2),
        "annual_rate": round(((b / a) ** (1 / years) - 1) * 100, 2),
    }


@pytest.fixture
def imported(fresh_database: str) -> str:
    """The seed plus a national file of May 2023 and a state file of May 2022, as an operator imports them."""
    run_import(fresh_database, FIXTURES / "national_M2023_dl.csv")
    run_import(fresh_database, FIXTURES / "state_M2022_dl.csv")
    return fresh_database


@BOTH
def test_national_trend_prefers_the_official_file_over_the_quote(imported: str):
    with make_client(imported) as client:
        body = client.get("/trends?occupation=29-2072&location=US").json()
    n23, row23 = fixture_row("national_M2023_dl.csv", area="99", occ="29-2072")
    n25, row25 = seed_row("99")
    items = body["items"]
    # May 2023 twice (the file and the article's quote): one row, the official figure.
    assert [(i["period"], i["release"], i["quoted"]) for i in items] == [
        ("May 2023", "bls-oews-2023-05-national", False),
        ("May 2025", OFFICIAL, False),
    ]
    assert_figures(items[0], row23, "national_M2023_dl.csv", n23)
    assert_figures(items[1], row25, SEED_FILE, n25)
    assert items[0]["change"] is None
    change = items[1]["change"]
    assert (change["from_release"], change["to_release"], change["years"]) == (
        "bls-oews-2023-05-national",
        OFFICIAL,
        2.0,
    )
    assert change["median"] == expected_change(row23, row25, "MEDIAN", 2.0)
    assert change["mean"] == expected_change(row23, row25, "MEAN", 2.0)
    assert change["derived"] is True and change["comparable"] is True and change["caveats"] == []
    assert body["span"] == change
    assert [r["key"] for r in body["releases"]] == ["bls-oews-2023-05-national", OFFICIAL]
    assert ARTICLE not in [r["key"] for r in body["releases"]]


@BOTH
def test_state_trend_across_a_state_file_of_another_period(imported: str):
    with make_client(imported) as client:
        body = client.get("/trends?occupation=medical coder&state=Alabama").json()
        text = client.get("/trends.csv?occupation=29-2072&location=AL").text
    n22, row22 = fixture_row("state_M2022_dl.csv", area="01", occ="29-2072")
    n25, row25 = seed_row("01")
    assert body["area"] == {"area_type": "state", "code": "AL", "name": "Alabama"}
    items = body["items"]
    assert [(i["period_start"], i["release"]) for i in items] == [
        ("2022-05-01", "bls-oews-2022-05-state"),
        ("2025-05-01", OFFICIAL),
    ]
    assert_figures(items[0], row22, "state_M2022_dl.csv", n22)
    assert_figures(items[1], row25, SEED_FILE, n25)
    assert items[0]["area_title"] == "Alabama" == items[1]["area_title"]
    span = body["span"]
    assert span["years"] == 3.0
    assert span["median"] == expected_change(row22, row25, "MEDIAN", 3.0)
    assert span["mean"] == expected_change(row22, row25, "MEAN", 3.0)
    # The CSV: the same rows, one per period, with the change from the previous one.
    rows = list(csv.DictReader(io.StringIO(text)))
    assert [r["release"] for r in rows] == ["bls-oews-2022-05-state", OFFICIAL]
    assert [float(r["wages_median_annual"]) for r in rows] == [
        money(row22["A_MEDIAN"]),
        money(row25["A_MEDIAN"]),
    ]
    assert rows[0]["change_median_percent"] == "" and rows[0]["quoted"] == "false"
    expected = expected_change(row22, row25, "MEDIAN", 3.0)
    assert float(rows[1]["change_median_annual"]) == expected["annual"]
    assert float(rows[1]["change_median_annual_rate"]) == expected["annual_rate"]
    assert rows[1]["change_derived"] == "true"


def test_quoted_figures_stay_marked_as_quoted(client: TestClient):
    """On the seed alone, the national trend runs from the article's May 2023 quote to May 2025."""
    body = client.get("/trends").json()
    first, last = body["items"]
    assert (first["release"], first["quoted"], first["via"], first["source"]) == (
        ARTICLE,
        True,
        "article",
        "bls",
    )
    assert (first["wages"]["median"]["annual"], first["wages"]["median"]["hourly"]) == (48780, 23.45)
    assert "$48,780" in first["citation"] and first["wages"]["mean"] is None
    _, row25 = seed_row("99")
    assert (last["release"], last["quoted"]) == (OFFICIAL, False)
    a, b = 48780, money(row25["A_MEDIAN"])
    assert body["span"]["median"] == {
        "hourly": round(money(row25["H_MEDIAN"]) - 23.45, 2),
        "annual": b - a,
        "percent": round((b - a) / a * 100, 2),
        "annual_rate": round(((b / a) ** 0.5 - 1) * 100, 2),
    }
    # The article gives no national mean: no change in the mean.
    assert body["span"]["mean"] is None
    assert [s["key"] for s in body["sources"]] == ["bls", "article"]
    # 29-2072 exists since SOC 2018 (May 2021): said in the answer.
    assert [n["kind"] for n in body["notes"]] == ["soc_2018"]


def _msa_2023(text: str) -> str:
    """The May 2023 metro file with San Jose under an older title and Atlanta under another code."""
    text = text.replace("San Jose-Sunnyvale-Santa Clara, CA", "San Jose-Sunnyvale-Santa Clara-Gilroy, CA")
    return text.replace("12060,", "12070,").replace(
        "Atlanta-Sandy Springs-Roswell", "Atlanta-Sandy Springs-Marietta"
    )


@BOTH
def test_metro_changes_across_the_2023_delineations_are_flagged(fresh_database: str, tmp_path: Path):
    run_import(fresh_database, copy_fixture("MSA_M2023_dl.csv", tmp_path, edit=_msa_2023))
    with make_client(fresh_database) as client:
        body = client.get("/trends?metro=41940").json()
        old_code = client.get("/trends?metro=12070").json()
        new_code = client.get("/trends?location=Atlanta-Sandy Springs-Roswell, GA").json()
    n23, row23 = fixture_row("MSA_M2023_dl.csv", area="41940", occ="29-2072")
    items = body["items"]
    # The official May 2023 file beats the article's quote of San Jose's mean for the same period.
    assert [(i["release"], i["quoted"]) for i in items] == [
        ("bls-oews-2023-05-metro", False),
        (OFFICIAL, False),
    ]
    assert items[0]["wages"]["median"]["annual"] == money(row23["A_MEDIAN"])
    assert items[0]["wages"]["median"]["citation"].startswith(f"BLS OEWS file MSA_M2023_dl.csv, row {n23}: ")
    assert items[0]["area_title"] == "San Jose-Sunnyvale-Santa Clara-Gilroy, CA"
    assert items[1]["area_title"] == "San Jose-Sunnyvale-Santa Clara, CA"
    change = items[1]["change"]
    assert change["comparable"] is False and change["caveats"] == ["metro_delineation", "area_title"]
    notes = {n["kind"]: n for n in body["notes"]}
    assert notes["metro_delineation"]["releases"] == ["bls-oews-2023-05-metro", OFFICIAL]
    assert "2023 OMB delineations" in notes["metro_delineation"]["message"]
    assert "Gilroy" in notes["area_title"]["message"]
    # A code held only before May 2024, and one only since: each says so.
    assert [i["release"] for i in old_code["items"]] == ["bls-oews-2023-05-metro"]
    assert "area_code" in [n["kind"] for n in old_code["notes"]] and old_code["span"] is None
    assert [i["release"] for i in new_code["items"]] == [OFFICIAL]
    assert "area_code" in [n["kind"] for n in new_code["notes"]]


def test_trends_chart_draws_the_same_figures(client: TestClient):
    body = client.get("/trends?location=San Jose, CA").json()
    root = ElementTree.fromstring(client.get("/charts/trends.svg?location=San Jose, CA").text)
    points = root.findall(f".//{SVG}circle")
    medians = [
        (p.get("data-release"), float(p.get("data-value"))) for p in points if p.get("data-stat") == "median"
    ]
    means = [(p.get("data-release"), p.get("data-quoted")) for p in points if p.get("data-stat") == "mean"]
    assert medians == [
        (i["release"], i["wages"]["median"]["annual"]) for i in body["items"] if i["wages"]["median"]
    ]
    # The article's quoted May 2023 mean is drawn hollow-marked as quoted; May 2025 is official.
    assert means == [(ARTICLE, "true"), (OFFICIAL, "false")]
    band = root.find(f".//{SVG}polygon")
    assert band is not None and band.get("class") == "band"
    title = root.find(f"{SVG}title")
    assert title is not None and "San Jose" in (title.text or "")


@pytest.mark.parametrize("query", ["occupation=29-9021&metro=11500", "location=Nowhere, ZZ"])
def test_no_trend_is_a_plain_4xx(client: TestClient, query: str):
    if "29-9021" in query:
        # Anniston-Oxford, AL: the seed holds 29-2072 there but no row for 29-9021.
        assert ("11500", "29-2072") in oews() and ("11500", "29-9021") not in oews()
    r = client.get(f"/trends?{query}")
    assert r.status_code in (404, 422)
    assert r.json()["error"]["message"]
