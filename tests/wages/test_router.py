"""Wage read endpoints over HTTP: sorting, paging, CSV, area look-ups and their 404s.

The mechanics (sorting with nulls, filters, paging) are checked on the article's release, pinned: ten states,
five of them with no figure at all. tests/wages/test_official.py checks the default, official figures.
"""

import csv
import io

import pytest
from fastapi.testclient import TestClient

from tests.conftest import make_client

# Top-paying states by the article's mean annual wage, highest first.
MEAN_DESC = ["DC", "NJ", "MD", "CA", "MA"]
LOWER_PAYING = {"MS", "AL", "AR", "WV", "OK"}
RELEASE = "bls-oews-2023-05-article"
ARTICLE = f"release={RELEASE}"


def codes(resp) -> list[str]:
    assert resp.status_code == 200, resp.text
    return [i["code"] for i in resp.json()["items"]]


def test_states_sort_by_mean_descending_nulls_last(client: TestClient):
    got = codes(client.get(f"/states?{ARTICLE}&sort=-mean"))
    assert got[:5] == MEAN_DESC
    assert set(got[5:]) == LOWER_PAYING


def test_states_sort_by_mean_ascending_nulls_still_last(client: TestClient):
    got = codes(client.get(f"/states?{ARTICLE}&sort=mean"))
    assert got[:5] == list(reversed(MEAN_DESC))
    assert set(got[5:]) == LOWER_PAYING


def test_states_sort_by_median_works_when_all_medians_are_null(client: TestClient):
    # The article gives no state medians: every state sorts as null, in the default (name) order.
    body = client.get(f"/states?{ARTICLE}&sort=median").json()
    assert body["total"] == 10
    assert all(i["wages"]["median"] is None for i in body["items"])
    names = [i["name"] for i in body["items"]]
    assert names == sorted(names)


def test_multi_key_sort(client: TestClient):
    # tier ascending ("lower_paying" < "top_paying"), then name descending inside each tier.
    got = codes(client.get(f"/states?{ARTICLE}&sort=tier,-name"))
    assert got[:5] == ["WV", "OK", "MS", "AR", "AL"]
    assert got[5:] == ["NJ", "MA", "MD", "DC", "CA"]  # New Jersey, Massachusetts, Maryland, ...


def test_paging_total_and_next(client: TestClient):
    first = client.get(f"/states?{ARTICLE}&sort=-mean&limit=2").json()
    assert first["total"] == 10 and [i["code"] for i in first["items"]] == ["DC", "NJ"]
    assert first["next"] == "/states?limit=2&offset=2&release=bls-oews-2023-05-article&sort=-mean"
    second = client.get(first["next"]).json()
    assert [i["code"] for i in second["items"]] == ["MD", "CA"]
    last = client.get(f"/states?{ARTICLE}&sort=-mean&limit=2&offset=8").json()
    assert last["next"] is None and len(last["items"]) == 2


def test_state_lists_its_metros(client: TestClient):
    nj = client.get(f"/states/NJ?{ARTICLE}").json()["item"]
    assert [m["code"] for m in nj["metros"]] == ["45940"]
    # MD has no metro of its own but lies in Washington-Arlington-Alexandria.
    assert [m["code"] for m in client.get(f"/states/MD?{ARTICLE}").json()["item"]["metros"]] == ["47900"]


def test_state_code_is_case_insensitive(client: TestClient):
    assert client.get("/states/nj").json()["item"]["code"] == "NJ"


def test_known_state_without_figures_is_404_saying_what_exists(client: TestClient):
    r = client.get(f"/states/TX?{ARTICLE}")
    assert r.status_code == 404
    msg = r.json()["error"]["message"]
    assert "Texas" in msg and "DC" in msg


def test_unknown_state_is_404(client: TestClient):
    r = client.get("/states/ZZ")
    assert r.status_code == 404 and "ZZ" in r.json()["error"]["message"]


def test_percentiles_for_state_without_percentiles_names_what_is_available(client: TestClient):
    r = client.get(f"/percentiles?state=NJ&{ARTICLE}")
    assert r.status_code == 404
    err = r.json()["error"]
    assert err["details"][0]["available"] == ["mean"]
    assert "69380" in err["message"] and "/states/NJ" in err["message"]


def test_percentiles_for_a_state_the_article_only_ranks_is_404_naming_its_tier(client: TestClient):
    r = client.get(f"/percentiles?location=MS&{ARTICLE}")
    assert r.status_code == 404, r.text
    err = r.json()["error"]
    assert err["details"][0]["available"] == []
    assert "tier" in err["message"] and "/states/MS" in err["message"]


@pytest.mark.parametrize(
    "path",
    [
        "/percentiles?occupation=29-9021&location=27886",
        "/metros/44420?occupation=health+information+technologist",
    ],
)
def test_an_area_without_figures_of_the_occupation_asked_names_that_occupation(client: TestClient, path: str):
    r = client.get(path)
    assert r.status_code == 404, r.text
    message = r.json()["error"]["message"]
    assert "29-9021" in message and "Health Information Technologists" in message, message


def test_every_area_in_every_release_is_an_answer_or_a_404(seeded_database: str):
    with make_client(seeded_database, rate_limit_per_minute=0) as client:
        _sweep(client)


def _sweep(client: TestClient) -> None:
    releases = [
        None,
        *(s["releases"][0]["key"] for s in client.get("/sources").json()["items"] if s["releases"]),
    ]
    states = [i["code"] for i in client.get("/states?limit=100").json()["items"]]
    metros = [i["code"] for i in client.get("/metros?limit=20").json()["items"]]
    for release in releases:
        pin = f"&release={release}" if release else ""
        for query in [*(f"state={code}" for code in states), *(f"metro={code}" for code in metros)]:
            for path in (f"/percentiles?{query}{pin}", f"/{query.replace('=', 's/', 1)}?{pin[1:]}"):
                r = client.get(path)
                assert r.status_code in (200, 404), (path, r.status_code, r.text[:200])
                if r.status_code == 404:
                    assert r.json()["error"]["type"] == "not_found", path


def test_percentiles_for_metro_without_percentiles(client: TestClient):
    r = client.get(f"/percentiles?metro=41940&{ARTICLE}")
    assert r.status_code == 404 and r.json()["error"]["details"][0]["available"] == ["mean"]


def test_percentiles_unknown_state_is_404(client: TestClient):
    r = client.get("/percentiles?state=ZZ")
    assert r.status_code == 404 and "ZZ" in r.json()["error"]["message"]


def test_metros_sorted(client: TestClient):
    assert codes(client.get(f"/metros?{ARTICLE}&sort=-mean")) == ["41940", "45940", "47900"]


def test_release_pin(client: TestClient):
    body = client.get("/percentiles?release=bls-oews-2023-05-article").json()
    assert body["percentiles"]["median"]["annual"] == 48780
    r = client.get("/percentiles?release=no-such-release")
    assert r.status_code == 404 and "bls-oews-2023-05-article" in r.json()["error"]["message"]


def test_unknown_occupation(client: TestClient):
    r = client.get("/states?occupation=11-1011")
    assert r.status_code == 404 and "29-2072" in r.json()["error"]["message"]


@pytest.mark.parametrize("how", ["format", "accept"])
def test_states_csv(client: TestClient, how: str):
    if how == "format":
        r = client.get(f"/states?{ARTICLE}&sort=-mean&format=csv")
    else:
        r = client.get(f"/states?{ARTICLE}&sort=-mean", headers={"Accept": "text/csv"})
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv")
    assert "bls-oews-2023-05-article" in r.headers["content-disposition"]
    rows = list(csv.DictReader(io.StringIO(r.text)))
    assert [row["code"] for row in rows[:5]] == MEAN_DESC
    assert rows[0]["wages_mean_annual"] == "75690.0" and rows[0]["wages_mean_hourly_derived"] == "true"
    assert len(rows) == 10  # every matching row, not one page


def test_benchmarks_name_their_sources(client: TestClient):
    body = client.get("/benchmarks?sort=-annual").json()
    assert {s["key"] for s in body["sources"]} >= {"salary_com", "payscale", "glassdoor", "article"}
    assert body["items"][0]["statistic"] == "average_total_pay"  # Glassdoor $56,926 is the largest


@pytest.mark.parametrize(
    ("years", "level"), [(0, "entry"), (2, "entry"), (3, "mid"), (9, "mid"), (10, "senior"), (40, "senior")]
)
def test_experience_years(client: TestClient, years: int, level: str):
    items = client.get(f"/experience?years={years}").json()["items"]
    assert [i["key"] for i in items] == [level]


def test_sources_and_occupations(client: TestClient):
    sources = {s["key"]: s for s in client.get("/sources").json()["items"]}
    assert sources["bls"]["kind"] == "official_statistics"
    assert sources["aapc"]["kind"] == "member_survey"
    assert sources["salary_com"]["period"] == "late 2023"
    assert "bls-oews-2023-05-article" in [r["key"] for r in sources["bls"]["releases"]]
    occ = client.get("/occupations").json()["items"]
    assert occ[0]["soc_code"] == "29-2072" and "medical coder" in occ[0]["aliases"]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("min_mean=63000", ["DC", "NJ", "MD"]),  # 75,690 69,380 63,660 are >= 63,000
        ("max_mean=62000", ["CA", "MA"]),  # 61,500 and 60,280
        ("min_mean=61500&max_mean=69380", ["NJ", "MD", "CA"]),  # bounds are inclusive
        ("tier=lower_paying", ["AL", "AR", "MS", "OK", "WV"]),
        ("q=new", ["NJ"]),
        ("q=COLUMBIA", ["DC"]),
        ("min_median=1", []),  # no state median in the article: nulls never pass a bound
    ],
)
def test_state_filters(client: TestClient, query: str, expected: list[str]):
    got = codes(client.get(f"/states?{ARTICLE}&{query}&sort=-mean,code"))
    assert got == expected


def test_metro_state_filter(client: TestClient):
    assert codes(client.get(f"/metros?{ARTICLE}&state=VA")) == ["47900"]
    assert codes(client.get(f"/metros?{ARTICLE}&state=ca")) == ["41940"]


@pytest.mark.parametrize(
    ("query", "named"),
    [
        ("min_mean=abc", "min_mean"),
        ("max_p90=-5", "max_p90"),
        ("min_mean=inf", "min_mean"),
        ("tier=middle", "tier"),
        ("fields=code,salary", "fields"),
    ],
)
def test_invalid_filters_are_422_naming_them(client: TestClient, query: str, named: str):
    r = client.get(f"/states?{query}")
    assert r.status_code == 422
    assert named in r.json()["error"]["message"]


def test_an_empty_wage_range_keeps_nothing(client: TestClient):
    body = client.get("/states?min_mean=70000&max_mean=60000").json()
    assert body["total"] == 0 and body["items"] == []


def test_metro_state_filter_unknown_is_404(client: TestClient):
    r = client.get("/metros?state=ZZ")
    assert r.status_code == 404 and "ZZ" in r.json()["error"]["message"]


def test_fields_projection_json_and_csv(client: TestClient):
    body = client.get(f"/states?{ARTICLE}&fields=code,mean&sort=-mean&limit=1").json()
    identity = {"code": "DC", "name": "District of Columbia", "area_type": "state"}
    assert (
        body["items"] == [{**identity, "mean": body["items"][0]["mean"]}]
        and body["items"][0]["mean"]["annual"] == 75690
    )
    header = client.get(f"/states?{ARTICLE}&fields=code,name,mean&format=csv").text.splitlines()[0]
    assert header.split(",")[:4] == ["code", "name", "area_type", "mean_hourly"]


@pytest.mark.parametrize("sort", ["-Mean", "-MEAN", " -mean ", "-mean , Code"])
def test_a_sort_field_is_read_whatever_its_case_and_spaces(client: TestClient, sort: str):
    assert codes(client.get("/states", params={"release": RELEASE, "sort": sort}))[:5] == MEAN_DESC


def test_fields_are_read_whatever_their_case_and_spaces(client: TestClient):
    asked = {"release": RELEASE, "sort": "-mean", "limit": "1", "fields": "Code, mean"}
    body = client.get("/states", params=asked).json()
    assert list(body["items"][0]) == ["code", "name", "area_type", "mean"]
    assert body["items"][0]["mean"]["annual"] == 75690  # DC, the article's highest mean


@pytest.mark.parametrize(
    ("sort", "meant"),
    [
        ("median desc", "-median"),
        ("median:desc", "-median"),
        ("MEAN DESC, name", "-mean,name"),
        ("name asc", "name"),
        ("Medain", "median"),
    ],
)
def test_a_sort_written_otherwise_is_refused_with_the_sort_meant(client: TestClient, sort: str, meant: str):
    r = client.get("/states", params={"sort": sort})
    assert r.status_code == 422
    error = r.json()["error"]
    assert f"sort={sort} " in error["message"] and f"(did you mean {meant}?)" in error["message"]
    assert error["details"][0]["value"] == sort


@pytest.mark.parametrize(
    ("paging", "page"), [("limit=5", MEAN_DESC), ("offset=5", ["AL", "AR", "MS", "OK", "WV"])]
)
def test_the_csv_twin_refuses_paging_and_names_the_json_list_that_pages(
    client: TestClient, paging: str, page: list[str]
):
    r = client.get(f"/states.csv?{ARTICLE}&sort=-mean&{paging}")
    assert r.status_code == 400
    error = r.json()["error"]
    name = paging.split("=")[0]
    assert error["message"].startswith(
        f"Unknown query parameter '{name}': /states.csv answers every matching row"
    )
    suggestion = error["details"][0]["suggestion"]
    assert suggestion.startswith("/states?") and suggestion in error["message"]
    # The JSON list, paged as asked: the article's five means, or the five states without one (by name:
    # Alabama, Arkansas, Mississippi, Oklahoma, West Virginia).
    assert codes(client.get(suggestion)) == page


def test_a_long_refused_sort_gets_no_suggestion_and_costs_little(client: TestClient):
    sort = ",".join(["medain"] * 40)  # every name near one: a suggestion would fuzzy-match each
    error = client.get("/states", params={"sort": sort}).json()["error"]
    assert error["details"][0]["value"].startswith("medain,medain") and "did you mean" not in error["message"]
