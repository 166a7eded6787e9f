"""The /estimate `summary` sentence over HTTP: amounts formatted with their unit, the source named.

Expected amounts are typed from the BLS file rows (seed/oews/all_data_M_2025_extract.csv) and the article's
band table, and computed by hand here."""

import pytest
from fastapi.testclient import TestClient

BLS = "BLS OEWS, May 2025"
ARTICLE = "Medical billing and coding salary guide (source article)"


def test_texas_percentiles_in_one_sentence(client: TestClient):
    """Texas, 29-2072, row 178: p25 $39,470 ($18.98), median $48,860, p75 $63,970 ($30.76)."""
    body = client.get("/estimate?state=TX").json()
    assert body["summary"].startswith(
        "Half of Medical Records Specialists in Texas earn between $39,470 and $63,970 a year "
        "($18.98 to $30.76 an hour); the median is $48,860 a year. Source: BLS OEWS, May 2025"
    )
    assert ARTICLE not in body["summary"] and body["summary"].endswith(").")


def test_other_hours_say_the_annual_range_is_hourly_times_hours(client: TestClient):
    # 18.98 x 2000 = 37,960; 30.76 x 2000 = 61,520.
    summary = client.get("/estimate?state=TX&hours_per_year=2000").json()["summary"]
    assert "between $18.98 and $30.76 an hour; at 2,000 hours a year that is $37,960 to $61,520." in summary


def test_a_band_estimate_names_level_area_and_both_sources(client: TestClient):
    """Mid band $23-$30 x NJ median 50,240 / US median 51,140 (rows 126 and 3): $22.60-$29.47 an hour,
    x 2080 = $47,008.00-$61,297.60 a year."""
    summary = client.get("/estimate?years=5&certifications=CPC&state=NJ").json()["summary"]
    assert summary.startswith(
        "Estimated pay for Medical Records Specialists in New Jersey, Mid-Career (3\u20139 years of "
        "experience): $47,008 to $61,298 a year, or $22.60 to $29.47 an hour. Source: "
    )
    assert BLS in summary and ARTICLE in summary


def test_an_open_top_says_or_more(client: TestClient):
    # Senior band $31.00-$45.00+ nationally: $64,480 to $93,600 or more a year.
    summary = client.get("/estimate?level=senior").json()["summary"]
    assert "in the United States, Senior/Experienced (10+ years of experience)" in summary
    assert "$64,480 to $93,600 or more a year, or $31.00 to $45.00 or more an hour." in summary
    assert BLS not in summary and ARTICLE in summary


@pytest.mark.parametrize(
    ("hours", "annual"),
    # Mid band $22.60-$29.47 in New Jersey (above) x hours; 2080 is the default, so no hours are named.
    [
        (2080, "$47,008 to $61,298 a year,"),
        (1000, "$22,600 to $29,470 a year at 1,000 hours,"),
        (2080, "$47,008 to $61,298 a year,"),
        (1500, "$33,900 to $44,205 a year at 1,500 hours,"),
    ],
)
def test_one_band_asked_at_other_hours_names_those_hours(client: TestClient, hours: int, annual: str):
    # The same profile in turn: what is worded once per band must not carry one request's hours to the next.
    query = f"years=5&certifications=CPC&state=NJ&hours_per_year={hours}"
    summary = client.get(f"/estimate?{query}").json()["summary"]
    assert f"(3\u20139 years of experience): {annual} or $22.60 to $29.47 an hour. Source: " in summary


@pytest.mark.parametrize("query", ["state=TX", "years=5&state=NJ", "level=entry&metro=41940"])
def test_post_and_get_give_the_same_summary(client: TestClient, query: str):
    get = client.get(f"/estimate?{query}").json()
    fields = dict(p.split("=") for p in query.split("&"))
    fields = {k: int(v) if k == "years" else v for k, v in fields.items()}
    assert client.post("/estimate", json=fields).json()["summary"] == get["summary"]
