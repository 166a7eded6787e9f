"""The official BLS OEWS May 2025 figures shipped in the seed are served by default, as published.

Expected values are typed from the BLS file rows or read from the seed's CSV with the csv module (the data
file, not our code), so a broken import, store or route fails here.
"""

import csv
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

OFFICIAL = "bls-oews-2025-05"
ARTICLE = "bls-oews-2023-05-article"
SEED_CSV = Path(__file__).resolve().parents[2] / "seed" / "oews" / "all_data_M_2025_extract.csv"

# 29-2072, United States, row 3 of the extract: (statistic, hourly, annual) as BLS prints them.
NATIONAL = [
    ("p10", 17.79, 37000),
    ("p25", 20.91, 43490),
    ("median", 24.59, 51140),
    ("p75", 31.17, 64820),
    ("p90", 39.01, 81150),
]

# National annual medians of the neighbours, from their rows in the extract.
NEIGHBOURS = [("43-3021", 48500), ("29-9021", 68020), ("11-9111", 123860)]


def seed_rows(occupation: str, area_types: set[str]) -> list[dict[str, str]]:
    with SEED_CSV.open(newline="") as fh:
        return [r for r in csv.DictReader(fh) if r["OCC_CODE"] == occupation and r["AREA_TYPE"] in area_types]


def median(row: dict[str, str]) -> float | None:
    return None if row["A_MEDIAN"] in ("*", "#", "") else float(row["A_MEDIAN"])


@pytest.mark.parametrize(("statistic", "hourly", "annual"), NATIONAL)
def test_national_percentiles_default_to_the_official_release(
    client: TestClient, statistic: str, hourly: float, annual: int
):
    body = client.get("/percentiles").json()
    assert body["release"]["key"] == OFFICIAL and body["release"]["via"] is None
    fig = body["percentiles"][statistic]
    assert (fig["hourly"], fig["annual"]) == (hourly, annual)
    assert (fig["hourly_derived"], fig["annual_derived"]) == (False, False)
    assert fig["citation"] == (
        "BLS OEWS file all_data_M_2025_extract.csv, row 3: U.S., Medical Records Specialists"
    )
    assert [r["key"] for r in body["releases"]] == [OFFICIAL]
    assert [s["key"] for s in body["sources"]] == ["bls"]


def test_national_employment_is_served(client: TestClient):
    body = client.get("/percentiles").json()
    assert body["employment"]["employment"] == 194720
    assert body["employment"]["employment_rse"] == 1.1
    # BLS gives no location quotient for the nation as a whole.
    assert body["employment"]["location_quotient"] is None
    assert body["mean"]["annual"] == 56790 and body["wages_released"] is True and body["note"] is None


@pytest.mark.parametrize(("occupation", "annual_median"), NEIGHBOURS)
def test_neighbouring_occupations_have_official_figures(
    client: TestClient, occupation: str, annual_median: int
):
    body = client.get(f"/percentiles?occupation={occupation}").json()
    assert body["occupation"]["soc_code"] == occupation
    assert body["percentiles"]["median"]["annual"] == annual_median
    assert body["release"]["key"] == OFFICIAL


@pytest.mark.parametrize("direction", ["", "-"])
def test_states_sort_by_official_median(client: TestClient, direction: str):
    rows = seed_rows("29-2072", {"2", "3"})
    published = [(r["PRIM_STATE"], median(r)) for r in rows]
    with_median = sorted(
        (p for p in published if p[1] is not None), key=lambda p: p[1], reverse=direction == "-"
    )
    body = client.get(f"/states?sort={direction}median,code&limit=100").json()
    assert body["total"] == len(rows)
    got = [
        (i["code"], i["wages"]["median"]["annual"] if i["wages"]["median"] else None) for i in body["items"]
    ]
    assert [g[1] for g in got[: len(with_median)]] == [p[1] for p in with_median]
    assert dict(got) == dict(published)
    # Nulls last in both directions.
    assert all(g[1] is None for g in got[len(with_median) :])


def test_metros_sort_by_official_median(client: TestClient):
    rows = seed_rows("29-2072", {"4", "6"})
    expected = sorted(median(r) for r in rows if median(r) is not None)
    body = client.get("/metros?sort=median&limit=1000").json()
    assert body["total"] == len(rows)
    medians = [i["wages"]["median"]["annual"] for i in body["items"] if i["wages"]["median"]]
    assert medians == expected


@pytest.mark.parametrize(
    ("usps", "median_annual", "p25", "p75"), [("NJ", 50240, 35640, 64700), ("TX", 48860, 39470, 63970)]
)
def test_state_official_figures(client: TestClient, usps: str, median_annual: int, p25: int, p75: int):
    body = client.get(f"/percentiles?state={usps}").json()
    assert body["release"]["key"] == OFFICIAL
    got = body["percentiles"]
    assert (got["p25"]["annual"], got["median"]["annual"], got["p75"]["annual"]) == (p25, median_annual, p75)
    assert body["employment"]["location_quotient"] is not None


def test_article_tiers_only_where_the_article_release_is_served(client: TestClient):
    item = client.get("/states/NJ").json()["item"]
    assert item["release"] == OFFICIAL and item["wages"]["median"]["annual"] == 50240
    # Beside May 2025 figures, NJ's tier is May 2025's own: its median is below the national 51,140.
    assert (item["tier"], item["tier_basis"], item["tier_release"]) == (
        "below_national",
        "computed",
        OFFICIAL,
    )
    assert (item["rank"], item["tier_citation"]) == (None, None)
    # The article's claim (second-highest paying state) where its release is pinned, marked as its claim.
    pinned = client.get(f"/states/NJ?release={ARTICLE}").json()
    item = pinned["item"]
    assert item["wages"]["mean"]["annual"] == 69380 and item["wages"]["median"] is None
    assert (item["tier"], item["tier_basis"], item["rank"], item["tier_release"]) == (
        "top_paying",
        "article_claim",
        2,
        ARTICLE,
    )
    assert item["tier_citation"].endswith("2. New Jersey: $69,380")
    assert (item["rank_median"], item["rank_mean"], item["vs_national"]) == (None, None, None)
    assert [r["key"] for r in pinned["releases"]] == [ARTICLE]


def test_metro_principal_states_come_from_its_title(client: TestClient):
    item = client.get("/metros/35620").json()["item"]
    assert item["name"] == "New York-Newark-Jersey City, NY-NJ"
    assert item["principal_states"] == ["NY", "NJ"]
    nj_metros = [m["code"] for m in client.get("/states/NJ").json()["item"]["metros"]]
    assert "35620" in nj_metros and "45940" in nj_metros


def test_nonmetropolitan_areas_are_served(client: TestClient):
    rows = [r for r in seed_rows("29-2072", {"6"}) if median(r) is not None]
    row = rows[0]
    item = client.get(f"/metros/{row['AREA']}").json()["item"]
    assert item["area_type"] == "nonmetro" and item["name"] == row["AREA_TITLE"]
    assert item["wages"]["median"]["annual"] == median(row)


def test_employment_without_wages_is_served_with_null_wages(client: TestClient):
    # Elmira, NY: BLS publishes employment 80 for 29-2072 but no wage estimates (every wage cell '*').
    item = client.get("/metros/21300").json()["item"]
    assert item["employment"]["employment"] == 80
    assert item["wages_released"] is False
    assert all(v is None for v in item["wages"].values())
    body = client.get("/percentiles?metro=21300").json()
    assert body["wages_released"] is False and body["employment"]["employment"] == 80
    assert all(v is None for v in body["percentiles"].values())
    assert "did not release" in body["note"]


@pytest.mark.parametrize(
    ("q", "first"),
    [
        ("medical coder", "29-2072"),
        ("billing specialist", "43-3021"),
        ("Cancer Registrar", "29-9021"),
        ("practice manager", "11-9111"),
        ("29-2072", "29-2072"),
        ("292072", "29-2072"),
        ("records", "29-2072"),
    ],
)
def test_occupation_search(client: TestClient, q: str, first: str):
    body = client.get("/occupations", params={"q": q}).json()
    assert body["items"][0]["soc_code"] == first
    assert body["items"][0]["matched"]


def test_occupation_search_ranks_the_exact_alias_first_and_finds_nothing_for_nonsense(client: TestClient):
    items = client.get("/occupations", params={"q": "billing specialist"}).json()["items"]
    # "medical billing and coding specialist" (29-2072) contains both words too, but is not the exact alias.
    assert [i["soc_code"] for i in items] == ["43-3021", "29-2072"]
    assert client.get("/occupations", params={"q": "astronaut"}).json()["items"] == []
