"""Ranks, differences from national and tiers, from the release being served.

Every expected value is computed here from the seed's official OEWS rows (the CSV, read with the csv module)
with the definitions the issue gives, never from the code under test: competition ranking ("1, 2, 2, 4")
among areas of one kind, area minus nation, and the 1% band of the median.
"""

import csv
import io
from decimal import Decimal

import pytest
from fastapi.testclient import TestClient

from tests.conftest import make_client
from tests.domain.seed_files import oews
from tests.oews.conftest import FIXTURES, fixture_row, fixture_rows, money, run_import

OFFICIAL = "bls-oews-2025-05"
ARTICLE = "bls-oews-2023-05-article"
OCCUPATIONS = ["29-2072", "43-3021", "29-9021", "11-9111"]
# BLS AREA_TYPE codes of each kind ranked among itself.
KINDS = {"state": ("2", "3"), "metro": ("4",), "nonmetro": ("6",)}


def number(cell: str) -> float | None:
    return None if cell in ("*", "**", "#", "") else float(cell.replace(",", ""))


def rows_of(occupation: str, area_types: tuple[str, ...]) -> list[dict[str, str]]:
    return [r for (_, occ), r in oews().items() if occ == occupation and r["AREA_TYPE"] in area_types]


def national(occupation: str) -> dict[str, str]:
    return oews()[("99", occupation)]


def code_of(row: dict[str, str]) -> str:
    return row["PRIM_STATE"] if row["AREA_TYPE"] in ("2", "3") else row["AREA"]


def expected_ranks(rows: list[dict[str, str]], column: str) -> dict[str, int | None]:
    """Competition ranking by definition: one more than the number of areas with a strictly higher value."""
    values = {code_of(r): number(r[column]) for r in rows}
    present = [v for v in values.values() if v is not None]
    return {c: None if v is None else 1 + sum(1 for o in present if o > v) for c, v in values.items()}


def items(client: TestClient, path: str, occupation: str) -> dict[str, dict]:
    body = client.get(f"{path}?occupation={occupation}&limit=1000").json()
    return {i["code"]: i for i in body["items"]}


@pytest.mark.parametrize("occupation", OCCUPATIONS)
@pytest.mark.parametrize("kind", list(KINDS))
def test_ranks_follow_the_release_figures(client: TestClient, occupation: str, kind: str):
    rows = rows_of(occupation, KINDS[kind])
    path = "/states" if kind == "state" else "/metros"
    got = {c: i for c, i in items(client, path, occupation).items() if i["area_type"] in (kind, "territory")}
    assert set(got) == {code_of(r) for r in rows}
    for column, field in (("A_MEDIAN", "rank_median"), ("A_MEAN", "rank_mean")):
        assert {c: i[field] for c, i in got.items()} == expected_ranks(rows, column), field


def test_states_rank_among_the_53_with_ties_sharing_a_rank(client: TestClient):
    got = items(client, "/states", "29-2072")
    assert len(got) == 53 and {"DC", "PR", "GU"} <= set(got)
    # Idaho and Oklahoma publish the same median ($53,460): one rank for both, and the next one skipped.
    rows = {code_of(r): r for r in rows_of("29-2072", KINDS["state"])}
    assert rows["ID"]["A_MEDIAN"] == rows["OK"]["A_MEDIAN"]
    shared = got["ID"]["rank_median"]
    assert got["OK"]["rank_median"] == shared
    assert not [c for c, i in got.items() if i["rank_median"] == shared + 1]
    assert sorted(i["rank_median"] for i in got.values()).count(shared + 2) == 1
    # The reading: New Jersey's May 2025 median ranks 33rd of 53.
    assert got["NJ"]["rank_median"] == 33


def test_an_area_without_a_published_figure_has_no_rank(client: TestClient):
    # Elmira, NY: employment published, every wage withheld ('*').
    assert number(oews()[("21300", "29-2072")]["A_MEDIAN"]) is None
    item = client.get("/metros/21300").json()["item"]
    assert (item["rank_median"], item["rank_mean"], item["tier"], item["vs_national"]) == (None,) * 4


def _difference(area: dict[str, str], nation: dict[str, str], stat: str) -> dict[str, float]:
    a, n = float(area[f"A_{stat}"]), float(nation[f"A_{stat}"])
    # Decimal: the difference of two printed figures, as printed (no float residue).
    hourly = Decimal(area[f"H_{stat}"]) - Decimal(nation[f"H_{stat}"])
    return {"hourly": float(hourly), "annual": a - n, "percent": round((a - n) / n * 100, 2)}


def _tier(area: dict[str, str], nation: dict[str, str]) -> str:
    a, n = float(area["A_MEDIAN"]), float(nation["A_MEDIAN"])
    if abs(a - n) <= n / 100:
        return "at_national"
    return "above_national" if a > n else "below_national"


@pytest.mark.parametrize("occupation", OCCUPATIONS)
def test_vs_national_and_tier_from_the_same_release(client: TestClient, occupation: str):
    nation = national(occupation)
    got = {**items(client, "/states", occupation), **items(client, "/metros", occupation)}
    checked = 0
    for row in rows_of(occupation, ("2", "3", "4", "6")):
        item = got[code_of(row)]
        if number(row["A_MEDIAN"]) is None:
            continue
        vs = item["vs_national"]
        assert vs["national_release"] == OFFICIAL == item["release"]
        assert vs["median"] == _difference(row, nation, "MEDIAN")
        assert vs["mean"] == _difference(row, nation, "MEAN")
        assert (item["tier"], item["tier_basis"], item["tier_release"]) == (
            _tier(row, nation),
            "computed",
            OFFICIAL,
        )
        assert (item["rank"], item["tier_citation"]) == (None, None)
        checked += 1
    assert checked > 50


@pytest.mark.parametrize("tier", ["above_national", "at_national", "below_national"])
def test_tier_filter(client: TestClient, tier: str):
    nation = national("29-2072")
    expected = sorted(code_of(r) for r in rows_of("29-2072", KINDS["state"]) if _tier(r, nation) == tier)
    got = client.get(f"/states?tier={tier}&sort=code&limit=100").json()["items"]
    assert [i["code"] for i in got] == expected and expected


def test_article_tiers_are_not_served_beside_official_figures(client: TestClient):
    """The issue's three contradictions on a default run are gone."""
    got = items(client, "/states", "29-2072")
    nation = national("29-2072")
    assert all(i["tier"] not in ("top_paying", "lower_paying") for i in got.values())
    assert all(i["tier_release"] in (None, OFFICIAL) for i in got.values())
    # Oklahoma's median is above the national one: not "lower paying".
    assert float(oews()[("40", "29-2072")]["A_MEDIAN"]) > float(nation["A_MEDIAN"])
    assert got["OK"]["tier"] == "above_national"
    # No 2023 sentence ("$75,690") beside DC's May 2025 mean.
    assert got["DC"]["tier_citation"] is None and got["DC"]["wages"]["mean"]["annual"] == 80250
    body = client.get("/states?occupation=29-2072").json()
    assert [r["key"] for r in body["releases"]] == [OFFICIAL]


@pytest.mark.parametrize("path", ["/states", "/states.csv"])
def test_an_article_tier_without_its_release_is_refused_naming_it(client: TestClient, path: str):
    # Silently empty before: the official release served has computed tiers only.
    r = client.get(f"{path}?tier=top_paying")
    assert r.status_code == 422
    error = r.json()["error"]
    assert error["message"] == (
        "tier=top_paying is the article's claim, served only with the article's release: "
        f"give release={ARTICLE}."
    )
    assert error["details"] == [
        {"parameter": "tier", "value": "top_paying", "suggestion": f"release={ARTICLE}"}
    ]
    followed = client.get(f"/states?tier=top_paying&{error['details'][0]['suggestion']}").json()
    assert followed["total"] == 5


@pytest.mark.parametrize(
    ("query", "said"),
    [
        (
            f"/states?release={ARTICLE}&tier=above_national",
            "tier=above_national is computed from an official",
        ),
        (
            f"/metros?release={ARTICLE}&tier=below_national",
            "tier=below_national is computed from an official",
        ),
        (
            "/metros?tier=top_paying",
            "the article claims no tier for these areas for Medical Records Specialists",
        ),
    ],
)
def test_a_tier_the_served_release_cannot_have_is_refused(client: TestClient, query: str, said: str):
    r = client.get(query)
    assert r.status_code == 422 and said in r.json()["error"]["message"]


def test_a_tier_no_area_is_in_is_an_empty_list_not_a_refusal(client: TestClient):
    # A computed tier of the served release's kind: its emptiness is an answer, not an error.
    got = client.get("/metros?state=NJ&tier=at_national&min_median=1000000").json()
    assert got["total"] == 0 and got["items"] == []


def test_article_claims_where_its_release_is_pinned(client: TestClient):
    got = client.get(f"/states?release={ARTICLE}&tier=top_paying&sort=rank").json()["items"]
    assert [(i["code"], i["rank"]) for i in got] == [("DC", 1), ("NJ", 2), ("MD", 3), ("CA", 4), ("MA", 5)]
    assert all(i["tier_basis"] == "article_claim" and i["tier_release"] == ARTICLE for i in got)
    # A quoted release is no ranking of its own: nothing is computed from its five quoted means.
    assert all((i["rank_median"], i["rank_mean"], i["vs_national"]) == (None, None, None) for i in got)
    lower = client.get(f"/states?release={ARTICLE}&tier=lower_paying").json()["items"]
    assert sorted(i["code"] for i in lower) == ["AL", "AR", "MS", "OK", "WV"]
    assert all(i["tier_basis"] == "article_claim" and i["release"] is None for i in lower)


def test_sort_by_rank_median(client: TestClient):
    got = client.get("/states?sort=rank_median,code&limit=3").json()["items"]
    rows = rows_of("29-2072", KINDS["state"])
    top = sorted(rows, key=lambda r: (-float(r["A_MEDIAN"]), code_of(r)))[:3]
    assert [i["code"] for i in got] == [code_of(r) for r in top]
    assert got[0]["rank_median"] == 1


def test_csv_carries_ranks_tiers_and_plain_booleans(client: TestClient):
    text = client.get("/states.csv?sort=code").text
    rows = {r["code"]: r for r in csv.DictReader(io.StringIO(text))}
    nation = national("29-2072")
    nj = oews()[("34", "29-2072")]
    assert rows["NJ"]["tier"] == "below_national" and rows["NJ"]["tier_basis"] == "computed"
    assert rows["NJ"]["rank_median"] == "33" and rows["NJ"]["rank"] == ""
    assert float(rows["NJ"]["vs_national_median_annual"]) == float(nj["A_MEDIAN"]) - float(nation["A_MEDIAN"])
    assert rows["NJ"]["wages_released"] == "true" and rows["NJ"]["wages_median_annual_derived"] == "false"
    booleans = {v for r in rows.values() for k, v in r.items() if k.endswith(("_derived", "_capped"))}
    assert booleans <= {"true", "false"} and "True" not in text and "False" not in text


BOTH = pytest.mark.parametrize("fresh_database", ["sqlite", "postgres"], indirect=True)


@BOTH
def test_a_state_file_is_compared_with_the_national_file_of_its_period(fresh_database: str):
    """BLS's state and national files of one period are two imports here; vs_national pairs them."""
    run_import(fresh_database, FIXTURES / "national_M2023_dl.csv")
    run_import(fresh_database, FIXTURES / "state_M2023_dl.csv")
    run_import(fresh_database, FIXTURES / "state_M2022_dl.csv")
    nation = fixture_row("national_M2023_dl.csv", area="99", occ="29-2072")[1]
    rows = [r for r in fixture_rows("state_M2023_dl.csv") if r["OCC_CODE"] == "29-2072"]
    with make_client(fresh_database) as client:
        got = items(client, "/states", "29-2072&release=bls-oews-2023-05-state")
        alone = items(client, "/states", "29-2072&release=bls-oews-2022-05-state")
    assert set(got) == {r["PRIM_STATE"] for r in rows}
    ranks = expected_ranks(rows, "A_MEDIAN")
    for row in rows:
        item = got[row["PRIM_STATE"]]
        assert item["release"] == "bls-oews-2023-05-state" and item["rank_median"] == ranks[code_of(row)]
        vs = item["vs_national"]
        if number(row["A_MEDIAN"]) is None:  # Wyoming: every wage withheld
            assert (vs, item["tier"], item["rank_median"]) == (None, None, None)
            continue
        assert vs["national_release"] == "bls-oews-2023-05-national"
        assert vs["median"]["annual"] == money(row["A_MEDIAN"]) - money(nation["A_MEDIAN"])
        assert item["tier"] == _tier({k: v.replace(",", "") for k, v in row.items()}, nation_plain(nation))
    # A state file of a period whose national file is not held: ranks, but nothing to compare with.
    assert alone and all(i["vs_national"] is None and i["tier"] is None for i in alone.values())
    assert all(i["rank_median"] is not None for i in alone.values())


def nation_plain(row: dict[str, str]) -> dict[str, str]:
    return {k: v.replace(",", "") for k, v in row.items()}
