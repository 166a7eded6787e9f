"""Occupations as people write them (SOC and O*NET-SOC codes, SOC 2010 codes, job titles), over HTTP on the
seeded database and on one with an imported file. Expected codes come from the seed's article, O*NET and
crosswalk files, never from the code under test."""

import csv
import tomllib
from collections import defaultdict
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from app.db import make_engine
from app.oews import import_oews
from tests.conftest import make_client
from tests.domain.seed_files import SEED, median, oews

ARTICLE = tomllib.loads((SEED / "article.toml").read_text(encoding="utf-8"))
with (SEED / "occupations" / "onet_titles.csv").open(newline="") as fh:
    ONET = list(csv.DictReader(fh))
with (SEED / "occupations" / "soc_2010_to_2018.csv").open(newline="") as fh:
    SUCCESSORS: dict[str, set[str]] = defaultdict(set)
    for row in csv.DictReader(fh):
        SUCCESSORS[row["soc_2010"]].add(row["soc_2018"])


def occupation(client: TestClient, typed: str) -> dict:
    r = client.get("/percentiles", params={"occupation": typed})
    assert r.status_code == 200, r.text
    return r.json()["occupation"]


@pytest.mark.parametrize(
    ("typed", "code"),
    [
        ("29-2072", "29-2072"),
        ("292072", "29-2072"),
        ("29-2072.00", "29-2072"),
        (" 43-3021 ", "43-3021"),
        # An alias from the article's seed, and a title from O*NET's sample of reported titles.
        (ARTICLE["occupation"][0]["aliases"][0], ARTICLE["occupation"][0]["soc_code"]),
        (next(r["title"] for r in ONET if r["title"] == "Coder"), "29-2072"),
        ("billing and posting clerks", "43-3021"),
    ],
)
def test_codes_and_titles_as_people_write_them(client: TestClient, typed: str, code: str):
    got = occupation(client, typed)
    assert got["soc_code"] == code and got["input"] == typed
    # A SOC code as it is means itself with no note; any other form says how it was read.
    assert (got["matched"] is None) == (typed.strip() == code)


CODER = ARTICLE["occupation"][0]  # its first alias: "medical coder"


@pytest.mark.parametrize(
    ("heading", "title"),
    [
        ("Medical Coder II", "medical coder"),
        ("Senior Medical Coder", "medical coder"),
        ("Sr. Medical Coder", "medical coder"),
        ("Medical Coder - Remote", "medical coder"),
        ("Medical Coder (Hybrid)", "medical coder"),
        ("Medical coders", "medical coder"),
        ("Level 2 Medical Coder, full time", "medical coder"),
    ],
)
def test_a_job_postings_heading_is_read_as_its_title(client: TestClient, heading: str, title: str):
    assert CODER["aliases"][0] == title
    got = occupation(client, heading)
    assert got["soc_code"] == CODER["soc_code"] and got["input"] == heading
    # The answer says what was set aside, and which of our names the rest matched.
    assert f"read as the title '{title}'" in got["matched"] and f"'{title}'" in got["matched"]


def test_a_heading_that_names_a_title_is_not_trimmed(client: TestClient):
    got = occupation(client, "billing and posting clerks")
    assert got["soc_code"] == "43-3021" and "read as" not in got["matched"]


@pytest.mark.parametrize(
    ("typed", "nearest"),
    [("medcal coder", "medical coder"), ("Medical Coder IIII", "medical coder"), ("astronaut", None)],
)
def test_an_unknown_title_suggests_the_nearest_name(client: TestClient, typed: str, nearest: str | None):
    r = client.get("/percentiles", params={"occupation": typed})
    message = r.json()["error"]["message"]
    assert r.status_code == 404 and typed in message
    if nearest is None:
        assert "Did you mean" not in message
    else:
        assert f"Did you mean occupation={nearest}?" in message


def test_the_figures_follow_the_occupation_understood(client: TestClient):
    body = client.get("/percentiles", params={"occupation": "Billing Clerk", "location": "Texas"}).json()
    assert body["occupation"]["soc_code"] == "43-3021"
    assert body["percentiles"]["median"]["annual"] == median("48", "43-3021")


def test_a_split_soc_2010_code_names_every_successor(client: TestClient):
    assert SUCCESSORS["29-2071"] == {"29-2072", "29-9021"}
    r = client.get("/percentiles?occupation=29-2071")
    err = r.json()["error"]
    assert r.status_code == 422 and err["type"] == "ambiguous"
    assert {c["code"] for c in err["candidates"]} == SUCCESSORS["29-2071"]
    assert "was split in SOC 2018" in err["message"] and "(##)" not in err["message"]


def test_a_title_of_several_occupations_is_ambiguous(client: TestClient):
    # "medical biller": an alias of 29-2072 in the article's seed, a reported title of 43-3021 in O*NET's.
    holders = {o["soc_code"] for o in ARTICLE["occupation"] if "medical biller" in o["aliases"]}
    holders |= {r["soc_code"] for r in ONET if r["title"].lower() == "medical biller"}
    assert holders == {"29-2072", "43-3021"}
    err = client.get("/compare?occupation=medical%20biller&low=40000&high=50000").json()["error"]
    assert err["type"] == "ambiguous" and {c["code"] for c in err["candidates"]} == holders


@pytest.mark.parametrize(("typed", "words"), [("astronaut", "matches no occupation"), ("15-1252", "No data")])
def test_an_occupation_we_do_not_hold_is_a_404(client: TestClient, typed: str, words: str):
    r = client.get("/percentiles", params={"occupation": typed})
    assert r.status_code == 404 and words in r.json()["error"]["message"]
    assert "/occupations" in r.json()["error"]["message"]


@pytest.mark.parametrize("fresh_database", ["sqlite", "postgres"], indirect=True)
def test_a_one_to_one_soc_2010_code_is_served_with_a_note(fresh_database: str, tmp_path: Path):
    # 15-1111 became 15-1221 alone in the 2010-to-2018 crosswalk: an imported file holding 15-1221 serves it.
    assert SUCCESSORS["15-1111"] == {"15-1221"}
    source = oews()[("99", "29-2072")]
    path = tmp_path / "national_M2025_dl.csv"
    with path.open("w", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(source))
        writer.writeheader()
        writer.writerow(
            {**source, "OCC_CODE": "15-1221", "OCC_TITLE": "Computer and Information Research Scientists"}
        )
    engine = make_engine(fresh_database)
    import_oews(engine, path=path, release_key="one-to-one-test", period="May 2025")
    engine.dispose()
    with make_client(fresh_database) as c:
        body = c.get("/percentiles?occupation=15-1111").json()
        assert body["occupation"]["soc_code"] == "15-1221"
        assert (
            "SOC 2010 code 15-1111" in body["occupation"]["matched"]
            and "15-1221" in body["occupation"]["matched"]
        )
        assert body["percentiles"]["median"]["annual"] == float(source["A_MEDIAN"])


OCCUPATION_ENDPOINTS = [
    "/percentiles",
    "/states",
    "/states.csv",
    "/metros",
    "/benchmarks",
    "/compare?low=40000&high=50000",
    "/charts/percentiles.svg",
    "/charts/states.svg",
    "/embed/wage-range",
    "/estimate",
]


@pytest.mark.parametrize("path", OCCUPATION_ENDPOINTS)
def test_every_endpoint_takes_a_title(client: TestClient, path: str):
    joiner = "&" if "?" in path else "?"
    by_code = client.get(f"{path}{joiner}occupation=43-3021")
    by_title = client.get(f"{path}{joiner}occupation=billing%20clerk")
    assert by_code.status_code == by_title.status_code == 200
    if by_code.headers["content-type"].startswith("application/json"):
        code, title = by_code.json(), by_title.json()
        assert (
            title["occupation"]["soc_code"] == "43-3021" and title["occupation"]["input"] == "billing clerk"
        )
        # The same answer; only the occupation's echo and a next page's link repeat what was typed.
        assert {k: v for k, v in title.items() if k not in ("occupation", "next")} == {
            k: v for k, v in code.items() if k not in ("occupation", "next")
        }
    else:
        assert by_title.content == by_code.content


def test_estimate_for_another_occupation_is_its_areas_official_range(client: TestClient):
    body = client.get("/estimate?occupation=43-3021&location=Texas").json()
    row = oews()[("48", "43-3021")]
    assert body["base"]["kind"] == "area_percentiles" and body["level"] is None
    assert (body["annual"]["low"], body["annual"]["mid"], body["annual"]["high"]) == (
        float(row["A_PCT25"]),
        float(row["A_MEDIAN"]),
        float(row["A_PCT75"]),
    )
    assert body["progression"] == [] and body["notes"][0]["factor"] == "occupation"
    for asked in ("years=3", "level=mid", "certifications=CPC"):
        r = client.get(f"/estimate?occupation=43-3021&location=Texas&{asked}")
        assert r.status_code == 422 and "covers 29-2072" in r.json()["error"]["message"]
    batch = client.post(
        "/estimate/batch", json=[{"occupation": "billing clerk", "location": "TX"}, {"location": "77001"}]
    )
    assert [i["occupation"]["soc_code"] for i in batch.json()["items"]] == ["43-3021", "29-2072"]


def test_occupations_search_uses_the_same_matcher_and_lists_reported_titles(client: TestClient):
    items = client.get("/occupations", params={"q": "coder"}).json()["items"]
    assert items[0]["soc_code"] == "29-2072"
    assert set(items[0]["reported_titles"]) == {r["title"] for r in ONET if r["soc_code"] == "29-2072"}
