"""After an import the API serves the imported figures: newest release by default, ``?release=`` pins.

The fixtures are synthetic May 2022/2023 files; the seed's official May 2025 release is newer and stays the
default, so the imported figures are read with their release pinned.
"""

import time

from tests.conftest import make_client
from tests.oews.conftest import BOTH, FIXTURES, fixture_row, fixture_rows, money, run_import

STATE_2023 = {"release": "bls-oews-2023-05-state"}
USPS = {"01": "AL", "06": "CA", "11": "DC", "34": "NJ", "48": "TX", "56": "WY", "72": "PR"}


def _medians(name: str) -> list[tuple[str, float]]:
    """(USPS, annual median) of the file's 29-2072 rows that publish a median, highest first."""
    rows = [r for r in fixture_rows(name) if r["OCC_CODE"] == "29-2072" and r["A_MEDIAN"] != "*"]
    return sorted(((USPS[r["AREA"]], money(r["A_MEDIAN"])) for r in rows), key=lambda p: -p[1])


def _with_median(items: list[dict]) -> list[tuple[str, float]]:
    return [(i["code"], i["wages"]["median"]["annual"]) for i in items if i["wages"]["median"] is not None]


@BOTH
def test_states_sorted_by_imported_median(fresh_database: str) -> None:
    run_import(fresh_database, FIXTURES / "state_M2023_dl.csv")
    with make_client(fresh_database) as client:
        response = client.get("/states", params={"sort": "-median", "limit": 1000, **STATE_2023})
        default_dc = client.get("/states/DC").json()["item"]
    assert response.status_code == 200
    items = response.json()["items"]
    expected = _medians("state_M2023_dl.csv")
    assert _with_median(items) == expected
    # States with figures but no median (Wyoming's is '*') come last.
    assert [i["code"] for i in items[: len(expected)]] == [code for code, _ in expected]
    by_code = {i["code"]: i for i in items}
    assert by_code["WY"]["wages"]["median"] is None
    assert by_code["WY"]["release"] == "bls-oews-2023-05-state"
    assert by_code["PR"]["area_type"] == "territory"
    assert {by_code[c]["release"] for c, _ in expected} == {"bls-oews-2023-05-state"}
    _, dc = fixture_row("state_M2023_dl.csv", area="11", occ="29-2072")
    assert by_code["DC"]["employment"]["employment"] == money(dc["TOT_EMP"])
    assert by_code["DC"]["wages"]["mean"]["annual"] == money(dc["A_MEAN"])
    assert [r["key"] for r in response.json()["releases"]] == ["bls-oews-2023-05-state"]
    # An import of an older period does not displace the newer official release, nor the tier computed from
    # it (DC's May 2025 median is above the national one); the article's tier belongs to its own release.
    assert default_dc["release"] == "bls-oews-2025-05"
    assert (default_dc["tier"], default_dc["tier_basis"]) == ("above_national", "computed")


@BOTH
def test_release_pins_an_older_period(fresh_database: str) -> None:
    run_import(fresh_database, FIXTURES / "state_M2023_dl.csv")
    run_import(fresh_database, FIXTURES / "state_M2022_dl.csv")
    with make_client(fresh_database) as client:
        newest = client.get("/states", params={"sort": "-median", **STATE_2023}).json()["items"]
        pinned = client.get(
            "/states", params={"sort": "-median", "release": "bls-oews-2022-05-state", "limit": 1000}
        ).json()["items"]
        article = client.get("/states/DC", params={"release": "bls-oews-2023-05-article"}).json()["item"]
    assert _with_median(newest) == _medians("state_M2023_dl.csv")
    assert _with_median(pinned) == _medians("state_M2022_dl.csv")
    assert [i["code"] for i in pinned] == [c for c, _ in _medians("state_M2022_dl.csv")]
    assert {i["release"] for i in pinned} == {"bls-oews-2022-05-state"}
    assert article["release"] == "bls-oews-2023-05-article"
    assert article["wages"]["mean"]["annual"] == 75690.0


@BOTH
def test_second_occupation_and_top_coded_wages(fresh_database: str) -> None:
    run_import(fresh_database, FIXTURES / "state_M2023_dl.csv")
    with make_client(fresh_database) as client:
        body = client.get("/states/CA", params={"occupation": "29-1228"}).json()["item"]
    # 29-1228 is not in the seed: the imported file is its only release.
    assert body["release"] == "bls-oews-2023-05-state"
    median = body["wages"]["median"]
    assert (median["hourly"], median["annual"], median["hourly_capped"], median["annual_capped"]) == (
        115.0,
        239200.0,
        True,
        True,
    )
    _, row = fixture_row("state_M2023_dl.csv", area="06", occ="29-1228")
    assert body["wages"]["p10"]["annual"] == money(row["A_PCT10"])
    assert body["wages"]["p10"]["annual_capped"] is False


@BOTH
def test_national_and_metro_imports_are_served_beside_the_article(fresh_database: str) -> None:
    run_import(fresh_database, FIXTURES / "national_M2023_dl.csv")
    run_import(fresh_database, FIXTURES / "MSA_M2023_dl.csv")
    with make_client(fresh_database) as client:
        default = client.get("/percentiles").json()
        national = client.get("/percentiles", params={"release": "bls-oews-2023-05-national"}).json()
        quoted = client.get("/percentiles", params={"release": "bls-oews-2023-05-article"}).json()
        metros = client.get("/metros", params={"limit": 1000, "release": "bls-oews-2023-05-metro"}).json()[
            "items"
        ]
    assert default["release"]["key"] == "bls-oews-2025-05"
    assert national["release"]["key"] == "bls-oews-2023-05-national"
    assert national["release"]["origin"] == "import"
    _, us = fixture_row("national_M2023_dl.csv", area="99", occ="29-2072")
    assert national["percentiles"]["p75"]["annual"] == money(us["A_PCT75"])
    assert quoted["release"]["key"] == "bls-oews-2023-05-article"
    codes = {m["code"]: m for m in metros}
    assert codes["0100001"]["area_type"] == "nonmetro"
    assert codes["12060"]["principal_states"] == ["GA"]


def test_a_running_api_picks_up_an_import(fresh_database: str) -> None:
    with make_client(fresh_database, refresh_interval=0.1) as client:
        version = client.get("/states").json()["data_version"]
        run_import(fresh_database, FIXTURES / "state_M2023_dl.csv")
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            if client.get("/states").json()["data_version"] > version:
                break
            time.sleep(0.1)
        body = client.get("/states", params={"sort": "-median", **STATE_2023}).json()
    assert body["data_version"] == version + 1
    assert _with_median(body["items"]) == _medians("state_M2023_dl.csv")
