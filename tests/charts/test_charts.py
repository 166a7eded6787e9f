"""SVG charts: well-formed SVG with a title, axis labels and a source line; bars carry the API's figures."""

import xml.etree.ElementTree as ET

import pytest
from fastapi.testclient import TestClient

SVG = "{http://www.w3.org/2000/svg}"


def parse(text: str) -> ET.Element:
    root = ET.fromstring(text)
    assert root.tag == f"{SVG}svg"
    return root


def texts(root: ET.Element, cls: str) -> list[str]:
    return ["".join(e.itertext()) for e in root.iter(f"{SVG}text") if e.get("class") == cls]


def bars(root: ET.Element) -> list[ET.Element]:
    return [e for e in root.iter(f"{SVG}rect") if e.get("class") == "bar"]


@pytest.mark.parametrize("unit", ["annual", "hourly"])
def test_percentiles_chart_matches_percentiles_json(client: TestClient, unit: str):
    body = client.get("/percentiles").json()
    r = client.get(f"/charts/percentiles.svg?unit={unit}")
    assert r.status_code == 200 and r.headers["content-type"].startswith("image/svg+xml")
    root = parse(r.text)
    assert root.find(f"{SVG}title").text.startswith("Wage percentiles, United States")
    assert root.get("role") == "img"
    assert texts(root, "x-label") == ["Percentile"]
    assert texts(root, "y-label") == [f"{unit.capitalize()} wage (USD)"]
    assert texts(root, "source") == [
        "Source: BLS OEWS, May 2025 (official files; the seed's occupations, every area)"
    ]
    drawn = {b.get("data-key"): float(b.get("data-value")) for b in bars(root)}
    assert drawn == {k: v[unit] for k, v in body["percentiles"].items()}
    # Taller bar, higher value.
    heights = [float(b.get("height")) for b in bars(root)]
    assert heights == sorted(heights)
    # The text equivalent names every figure.
    desc = root.find(f"{SVG}desc").text
    assert "$51,140 a year" in desc and "$24.59 an hour" in desc
    if unit == "annual":
        assert "$51,140" in texts(root, "value")


def test_states_chart_follows_states_sort(client: TestClient):
    items = client.get("/states?sort=-mean").json()["items"]
    root = parse(client.get("/charts/states.svg?sort=-mean").text)
    with_mean = [i for i in items if i["wages"]["mean"] is not None]
    assert [b.get("data-code") for b in bars(root)] == [i["code"] for i in with_mean]
    assert [float(b.get("data-value")) for b in bars(root)] == [
        i["wages"]["mean"]["annual"] for i in with_mean
    ]
    assert "States by mean annual wage" in texts(root, "title")[0]
    assert texts(root, "x-label") == ["Mean annual wage (USD)"]
    assert texts(root, "y-label") == ["State"]
    # The official figures only: the article's tiers belong to its own release, not beside these.
    assert texts(root, "source")[0].startswith("Source: BLS OEWS, May 2025")
    assert "May 2023" not in texts(root, "source")[0]


def test_states_chart_names_states_without_a_figure(client: TestClient):
    pin = "release=bls-oews-2023-05-article"
    items = client.get(f"/states?sort=-mean&{pin}").json()["items"]
    root = parse(client.get(f"/charts/states.svg?sort=-mean&{pin}").text)
    assert texts(root, "source")[0].startswith("Source: BLS OEWS, May 2023")
    # States listed with a tier but no mean are named, not silently dropped.
    note = texts(root, "note")[0]
    without = [i["name"] for i in items if i["wages"]["mean"] is None]
    assert len(without) == 5 and all(name in note for name in without)


def test_states_chart_ascending_and_hourly(client: TestClient):
    root = parse(client.get("/charts/states.svg?sort=mean&unit=hourly").text)
    values = [float(b.get("data-value")) for b in bars(root)]
    assert values == sorted(values)
    hourly = {
        i["code"]: i["wages"]["mean"]["hourly"]
        for i in client.get("/states").json()["items"]
        if i["wages"]["mean"]
    }
    assert {b.get("data-code"): float(b.get("data-value")) for b in bars(root)} == hourly


def test_charts_are_inert_and_cacheable(client: TestClient):
    r = client.get("/charts/states.svg?sort=-mean")
    assert "<script" not in r.text and "href" not in r.text
    assert "default-src 'none'" in r.headers["content-security-policy"]
    assert (
        client.get("/charts/states.svg?sort=-mean", headers={"If-None-Match": r.headers["etag"]}).status_code
        == 304
    )


@pytest.mark.parametrize(
    ("path", "status"),
    [
        ("/charts/states.svg?sort=bogus", 422),
        # In the article NJ has a mean but no percentiles; the 404 says so.
        ("/charts/percentiles.svg?state=NJ&release=bls-oews-2023-05-article", 404),
        # Elmira, NY: BLS published employment but no wages.
        ("/charts/percentiles.svg?metro=21300", 404),
        ("/charts/percentiles.svg?unit=weekly", 422),
        ("/charts/percentiles.svg?width=9", 400),
    ],
)
def test_chart_errors_use_the_one_error_shape(client: TestClient, path: str, status: int):
    r = client.get(path)
    assert r.status_code == status
    assert set(r.json()["error"]) == {"status", "type", "message", "details", "request_id"}
