"""Reference lists: experience, factors, certifications, sources, occupations, including CSV."""

import csv
import io

import pytest
from fastapi.testclient import TestClient


@pytest.mark.parametrize(
    ("path", "first_column", "rows"),
    [
        ("/sources?format=csv", "key", 6),
        ("/certifications?format=csv", "code", 7),
        ("/experience?format=csv", "key", 3),
        ("/occupations?format=csv", "soc_code", 4),  # 29-2072 and its three neighbours
    ],
)
def test_reference_csv(client: TestClient, path: str, first_column: str, rows: int):
    r = client.get(path)
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv")
    parsed = list(csv.DictReader(io.StringIO(r.text)))
    assert len(parsed) == rows and first_column == r.text.split(",")[0]


def test_sources_csv_lists_release_keys(client: TestClient):
    rows = {r["key"]: r for r in csv.DictReader(io.StringIO(client.get("/sources?format=csv").text))}
    assert rows["bls"]["releases"] == "bls-oews-2023-05-article;bls-oews-2025-05"


def test_certifications_sort_desc(client: TestClient):
    codes = [c["code"] for c in client.get("/certifications?sort=-code").json()["items"]]
    assert codes == ["RHIT", "CPMA", "CPC-A", "CPC", "CGSC", "CCS", "CCC"]


def test_experience_csv_round_trips_ranges(client: TestClient):
    rows = list(csv.DictReader(io.StringIO(client.get("/experience?format=csv").text)))
    senior = next(r for r in rows if r["key"] == "senior")
    assert (senior["hourly_low"], senior["hourly_high"], senior["hourly_high_open"]) == (
        "31.0",
        "45.0",
        "True",
    )
    assert senior["years_max"] == ""
