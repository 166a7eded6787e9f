"""Every figure of the article is served exactly, with its source and the sentence it came from.

Expected values are typed from the article text, not read from the seed file. The official May 2025 figures
are the default now, so wage figures of the article are read with the article's release pinned.
"""

import pytest
from fastapi.testclient import TestClient

ARTICLE_BLS = "bls-oews-2023-05-article"
PIN = f"release={ARTICLE_BLS}"

# (statistic, hourly, annual) -- "10th Percentile: $16.14 per hour ($33,570 annually)" etc.
NATIONAL = [
    ("p10", 16.14, 33570),
    ("p25", 18.91, 39330),
    ("median", 23.45, 48780),
    ("p75", 30.82, 64110),
    ("p90", 39.54, 82250),
]

# (USPS, rank, mean annual) -- "1. District of Columbia: $75,690" ...
TOP_STATES = [("DC", 1, 75690), ("NJ", 2, 69380), ("MD", 3, 63660), ("CA", 4, 61500), ("MA", 5, 60280)]
LOWER_PAYING = ["MS", "AL", "AR", "WV", "OK"]

# (CBSA, mean annual, a principal state)
METROS = [("41940", 76060, "CA"), ("45940", 75000, "NJ"), ("47900", 70270, "VA")]

# (level, years_min, years_max, hourly low, hourly high, annual low, annual high, open top)
EXPERIENCE = [
    ("entry", 0, 2, 17.00, 22.00, 35000, 46000, False),
    ("mid", 3, 9, 23.00, 30.00, 47000, 62000, False),
    ("senior", 10, None, 31.00, 45.00, 64000, 93000, True),
]

# (source, statistic, unit, value, low, high, job title, as of)
BENCHMARKS = [
    (
        "salary_com",
        "median",
        "annual",
        49002,
        None,
        None,
        "Medical Billing and Coding Specialist",
        "late 2023",
    ),
    (
        "salary_com",
        "typical_range",
        "annual",
        None,
        45618,
        53607,
        "Medical Billing and Coding Specialist",
        "late 2023",
    ),
    ("payscale", "average", "hourly", 22.01, None, None, "Medical Coder", None),
    ("payscale", "reported_range", "hourly", None, 16.50, 32.00, "Medical Coder", None),
    ("glassdoor", "average_total_pay", "annual", 56926, None, None, "Medical Coder", None),
    ("glassdoor", "average_additional_pay", "annual", 3584, None, None, "Medical Coder", None),
]

# (factor key, pct low, pct high, amount low, amount high, source, words in the citation)
FACTORS = [
    ("certification_premium", 29, 29, None, None, "aapc", "29% more than their non-certified"),
    ("education_associate", 5, 10, None, None, "article", "5-10% higher than that of a certificate holder"),
    ("specialty_inpatient", 10, 20, None, None, "article", "10-20% more than outpatient coders"),
    ("education_bachelor", None, None, 100000, None, "article", "often exceeding $100,000 annually"),
    ("entry_start_hourly", None, None, 17, 19, "article", "start around $17-$19 per hour"),
    ("experienced_upwards_hourly", None, None, 35, 45, "article", "upwards of $35-$45 per hour or more"),
    ("path_over_30_40_hourly", None, None, 30, 40, "article", "over $30 or even $40 per hour"),
    ("cost_of_living_example", None, None, 45000, 60000, "article", "$45,000 salary in Tulsa, OK"),
    ("retirement_match_example", 5, 5, None, None, "article", "up to 5% of your salary"),
]

CERTIFICATIONS = [
    ("CPC", "AAPC"),
    ("CPC-A", "AAPC"),
    ("CCS", "AHIMA"),
    ("RHIT", "AHIMA"),
    ("CCC", None),
    ("CGSC", None),
    ("CPMA", "AAPC"),
]


def _source_keys(body: dict) -> set[str]:
    return {s["key"] for s in body["sources"]}


@pytest.mark.parametrize(("statistic", "hourly", "annual"), NATIONAL)
def test_national_percentiles_exact_with_source(
    client: TestClient, statistic: str, hourly: float, annual: int
):
    body = client.get(f"/percentiles?{PIN}").json()
    fig = body["percentiles"][statistic]
    assert (fig["hourly"], fig["annual"]) == (hourly, annual)
    assert not fig["hourly_derived"] and not fig["annual_derived"]
    assert f"${hourly:.2f}" in fig["citation"]
    assert f"${annual:,}" in fig["citation"]
    assert body["release"]["key"] == ARTICLE_BLS
    assert body["release"]["period"] == "May 2023"
    assert {"bls", "article"} <= _source_keys(body)


@pytest.mark.parametrize(("usps", "rank", "annual"), TOP_STATES)
def test_top_paying_states_exact(client: TestClient, usps: str, rank: int, annual: int):
    body = client.get(f"/states/{usps}?{PIN}").json()
    item = body["item"]
    assert (item["tier"], item["rank"]) == ("top_paying", rank)
    mean = item["wages"]["mean"]
    assert mean["annual"] == annual
    assert mean["hourly"] == round(annual / 2080, 2) and mean["hourly_derived"] is True
    assert item["wages"]["median"] is None  # the article gives only the average for states
    assert f"${annual:,}" in mean["citation"]
    assert "bls" in _source_keys(body)


@pytest.mark.parametrize("usps", LOWER_PAYING)
def test_lower_paying_states_have_group_but_no_figures(client: TestClient, usps: str):
    item = client.get(f"/states/{usps}?{PIN}").json()["item"]
    assert item["tier"] == "lower_paying" and item["rank"] is None
    assert all(v is None for v in item["wages"].values())
    assert "Lower-Paying States" in item["tier_citation"]


@pytest.mark.parametrize(("cbsa", "annual", "state"), METROS)
def test_metros_exact(client: TestClient, cbsa: str, annual: int, state: str):
    item = client.get(f"/metros/{cbsa}?{PIN}").json()["item"]
    assert item["wages"]["mean"]["annual"] == annual
    assert item["wages"]["mean"]["hourly_derived"] is True
    assert state in item["principal_states"]
    assert f"${annual:,}" in item["wages"]["mean"]["citation"]
    state_body = client.get(f"/states/{state}?{PIN}")
    if state_body.status_code == 200:
        assert cbsa in [m["code"] for m in state_body.json()["item"]["metros"]]


@pytest.mark.parametrize(("key", "ymin", "ymax", "hlo", "hhi", "alo", "ahi", "open_top"), EXPERIENCE)
def test_experience_levels_exact(client: TestClient, key, ymin, ymax, hlo, hhi, alo, ahi, open_top):
    items = {i["key"]: i for i in client.get("/experience").json()["items"]}
    level = items[key]
    assert (level["years_min"], level["years_max"]) == (ymin, ymax)
    assert (level["hourly"]["low"], level["hourly"]["high"]) == (hlo, hhi)
    assert (level["annual"]["low"], level["annual"]["high"]) == (alo, ahi)
    assert level["hourly"]["high_open"] is open_top and level["annual"]["high_open"] is open_top
    assert f"${alo:,}" in level["citation"]


@pytest.mark.parametrize(
    ("source", "statistic", "unit", "value", "low", "high", "title", "as_of"), BENCHMARKS
)
def test_benchmarks_exact(client: TestClient, source, statistic, unit, value, low, high, title, as_of):
    items = client.get("/benchmarks").json()["items"]
    (item,) = [i for i in items if i["source"] == source and i["statistic"] == statistic]
    assert item["unit"] == unit and item["job_title"] == title and item["as_of"] == as_of
    assert item[unit] == value
    assert (item[f"{unit}_low"], item[f"{unit}_high"]) == (low, high)
    other = "hourly" if unit == "annual" else "annual"
    assert item[f"{other}_derived"] is True and item[f"{unit}_derived"] is False
    if value is not None:
        expected_other = round(value / 2080, 2) if unit == "annual" else round(value * 2080, 2)
        assert item[other] == expected_other


@pytest.mark.parametrize(("key", "plo", "phi", "alo", "ahi", "source", "words"), FACTORS)
def test_pay_factors_exact(client: TestClient, key, plo, phi, alo, ahi, source, words):
    items = {i["key"]: i for i in client.get("/factors").json()["items"]}
    f = items[key]
    assert (f["pct_low"], f["pct_high"], f["amount_low"], f["amount_high"]) == (plo, phi, alo, ahi)
    assert f["source"] == source
    assert words in f["citation"]


def test_qualitative_factors_carry_no_number(client: TestClient):
    items = client.get("/factors").json()["items"]
    qualitative = [i for i in items if i["kind"] == "qualitative"]
    assert {i["value"] for i in qualitative} >= {
        "hospital",
        "government",
        "surgical",
        "auditing",
        "risk_adjustment",
    }
    for i in qualitative:
        assert (i["pct_low"], i["pct_high"], i["amount_low"], i["amount_high"]) == (None, None, None, None)


@pytest.mark.parametrize(("code", "issuer"), CERTIFICATIONS)
def test_certifications(client: TestClient, code: str, issuer: str | None):
    items = {i["code"]: i for i in client.get("/certifications").json()["items"]}
    assert items[code]["issuer"] == issuer
    assert code in items[code]["citation"]
