"""Reference lists: experience, factors, certifications, sources, occupations, including CSV."""

import csv
import io
import json
import tomllib

import pytest
from fastapi.testclient import TestClient

from seed.load import SEED_DIR

# The article's sources, and one source per reference file (places, SOC crosswalk, O*NET titles).
ARTICLE = tomllib.loads((SEED_DIR / "article.toml").read_text(encoding="utf-8"))
REFERENCE_FILES = [
    name
    for folder in ("geo", "occupations")
    for name in json.loads((SEED_DIR / folder / "manifest.json").read_text(encoding="utf-8"))["files"]
]


@pytest.mark.parametrize(
    ("path", "first_column", "rows"),
    [
        ("/sources?format=csv", "key", len(ARTICLE["source"]) + len(REFERENCE_FILES)),
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
        "true",
    )
    assert senior["years_max"] == ""


def test_sources_attribute_the_reference_data(client: TestClient):
    """O*NET's titles are used under CC BY 4.0: /sources carries its attribution, as its manifest words it."""
    manifest = json.loads((SEED_DIR / "occupations" / "manifest.json").read_text(encoding="utf-8"))
    onet = manifest["files"]["onet_titles.csv"]
    items = {i["key"]: i for i in client.get("/sources").json()["items"]}
    assert items["onet"]["license"] == onet["attribution"] and "CC BY 4.0" in items["onet"]["license"]
    assert items["onet"]["publisher"] == onet["publisher"]
    assert (
        items["hud-usps"]["releases"][0]["checksum"]
        == json.loads((SEED_DIR / "geo" / "manifest.json").read_text(encoding="utf-8"))["files"][
            "zip_cbsa.csv"
        ]["sha256"]
    )
