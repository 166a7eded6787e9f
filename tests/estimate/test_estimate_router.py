"""/estimate over HTTP, against databases built by the real migrations and seed. Figures worked by hand."""

from datetime import date
from decimal import Decimal

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from app.db import make_engine
from app.estimate import service
from app.estimate.schemas import EstimateList, EstimateResponse
from app.models import Area, Occupation, Release, Source, WageStat
from app.store import Snapshot

BLS = "bls-oews-2023-05-article"
ERROR_KEYS = {"status", "type", "message", "details"}


def ranges(body: dict) -> tuple[tuple[float, float, float], tuple[float, float, float]]:
    h, a = body["hourly"], body["annual"]
    return (h["low"], h["mid"], h["high"]), (a["low"], a["mid"], a["high"])


def error(response, status: int) -> dict:  # type: ignore[no-untyped-def]
    assert response.status_code == status, response.text
    body = response.json()
    assert set(body) == {"error"} and set(body["error"]) == ERROR_KEYS
    assert body["error"]["status"] == status
    return body["error"]


@pytest.mark.parametrize(
    ("query", "hourly", "annual"),
    [
        # National p25 / median / p75: 18.91 / 23.45 / 30.82; x 2080 = 39,332.80 / 48,776 / 64,105.60.
        ("", (18.91, 23.45, 30.82), (39332.80, 48776.00, 64105.60)),
        # Mid band 23-30 / 1.29: 17.8294 -> 17.83, 20.5426 -> 20.54, 23.2558 -> 23.26; x 2080.
        ("?years=5&certifications=none", (17.83, 20.54, 23.26), (37086.40, 42723.20, 48380.80)),
        # Mid band x DC mean 75,690 / national median 48,780 = 1.5516605:
        # 23 -> 35.688 -> 35.69; 26.5 -> 41.119 -> 41.12; 30 -> 46.5498 -> 46.55.
        ("?level=mid&state=DC", (35.69, 41.12, 46.55), (74235.20, 85529.60, 96824.00)),
        # Entry + associate: 17 x 1.05 = 17.85; 19.5 x 1.075 = 20.9625 -> 20.96; 22 x 1.10 = 24.20.
        ("?years=0&education=associate", (17.85, 20.96, 24.20), (37128.00, 43596.80, 50336.00)),
        # Senior 31 / 38 / 45 at 1,000 hours: 31,000 / 38,000 / 45,000.
        ("?level=senior&hours_per_year=1000", (31.00, 38.00, 45.00), (31000.00, 38000.00, 45000.00)),
    ],
)
def test_get_estimate_figures(client: TestClient, query: str, hourly: tuple, annual: tuple) -> None:
    response = client.get("/estimate" + query)
    assert response.status_code == 200, response.text
    body = response.json()
    EstimateResponse.model_validate(body)
    assert ranges(body) == (hourly, annual)


def test_worked_example_of_the_method_page(client: TestClient) -> None:
    """docs/estimate-method.md, worked example."""
    body = client.get(
        "/estimate?years=1&certifications=none&education=associate&specialty=inpatient&state=NJ"
        "&retirement_match_pct=5"
    ).json()
    # NJ 69,380 / 48,780 = 1.422304
    # low  17   / 1.29 x 1.05  x 1.10 x 1.422304 = 21.6489 -> 21.65; x 2080 = 45,032.00
    # mid  19.5 / 1.29 x 1.075 x 1.15 x 1.422304 = 26.5788 -> 26.58; x 2080 = 55,286.40
    # high 22   / 1.29 x 1.10  x 1.20 x 1.422304 = 32.0188 -> 32.02; x 2080 = 66,601.60
    assert ranges(body) == ((21.65, 26.58, 32.02), (45032.00, 55286.40, 66601.60))
    assert [a["factor"] for a in body["adjustments"]] == ["certifications", "education", "specialty", "state"]
    # + 3,584 + 5%: 45,032 + 3,584 + 2,251.60 = 50,867.60; 55,286.40 + 3,584 + 2,764.32 = 61,634.72;
    # 66,601.60 + 3,584 + 3,330.08 = 73,515.68
    total = body["total_compensation"]
    assert (total["low"], total["mid"], total["high"]) == (50867.60, 61634.72, 73515.68)


def test_get_full_profile_explains_every_input(client: TestClient) -> None:
    response = client.get(
        "/estimate?years=12&certifications=CPC,CCS&education=bachelor&state=NJ&metro=45940"
        "&setting=government&specialty=inpatient&retirement_match_pct=4"
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["level"]["key"] == "senior" and body["open_top"] is True
    assert [a["factor"] for a in body["adjustments"]] == ["specialty", "metro"]
    noted = {n["factor"] for n in body["notes"]}
    assert {"level", "certifications", "education", "setting", "state"} <= noted
    assert body["profile"]["certifications"] == ["CPC", "CCS"]
    # Senior low 31 x 1.10 (inpatient) x 75,000 / 48,780 (Trenton mean / national median) = 52.4292 -> 52.43
    assert body["hourly"]["low"] == 52.43
    # Total low: 52.43 x 2080 = 109,054.40; + 3,584; + 4% = 4,362.176 -> 4,362.18; = 117,000.58
    assert body["total_compensation"]["low"] == 117000.58
    assert [s["level"]["key"] for s in body["progression"]] == ["entry", "mid", "senior"]


def test_provenance_names_only_sources_that_sources_lists(client: TestClient) -> None:
    listed = client.get("/sources").json()
    source_keys = {s["key"] for s in listed["items"]}
    release_keys = {r["key"] for s in listed["items"] for r in s["releases"]}
    body = client.get("/estimate?years=3&certifications=none&specialty=inpatient&state=CA").json()
    used = [body["base"], *body["adjustments"], *body["total_compensation"]["components"]]
    used += [n for n in body["notes"] if n["source"]]
    for item in used:
        assert item["source"] in source_keys and item["release"] in release_keys
    assert {s["key"] for s in body["sources"]} <= source_keys
    assert {"bls", "aapc", "article", "glassdoor"} <= {s["key"] for s in body["sources"]}
    assert BLS in [r["key"] for r in body["releases"]]
    assert body["data_version"] >= 1


def test_post_single_matches_get(client: TestClient) -> None:
    got = client.get("/estimate?years=4&certifications=CPC&specialty=inpatient&metro=47900&state=VA").json()
    posted = client.post(
        "/estimate",
        json={
            "years": 4,
            "certifications": ["CPC"],
            "specialty": "inpatient",
            "metro": "47900",
            "state": "VA",
        },
    )
    assert posted.status_code == 200, posted.text
    assert posted.json() == got


def test_post_list_answers_in_order(client: TestClient) -> None:
    response = client.post(
        "/estimate", json=[{"level": "senior"}, {"years": 0}, {"years": 5, "certifications": "none"}, {}]
    )
    assert response.status_code == 200, response.text
    items = EstimateList.model_validate(response.json()).items
    assert [i.level.key if i.level else None for i in items] == ["senior", "entry", "mid", None]
    # third: 23 / 1.29 = 17.83 as in the GET case
    assert items[2].hourly.low == 17.83


def test_post_list_limits(client: TestClient) -> None:
    assert client.post("/estimate", json=[{"years": 1}] * 100).status_code == 200
    err = error(client.post("/estimate", json=[{"years": 1}] * 101), 422)
    assert "100" in err["message"]
    error(client.post("/estimate", json=[]), 422)


def test_post_list_names_the_bad_profile(client: TestClient) -> None:
    err = error(client.post("/estimate", json=[{"years": 1}, {"years": 1, "level": "senior"}]), 422)
    assert err["message"].startswith("Profile 1:") and "contradict" in err["message"]
    assert err["details"][0]["index"] == 1


@pytest.mark.parametrize(
    ("query", "allowed_word"),
    [
        ("?certifications=CPC,XYZ", "CPMA"),
        ("?state=ZZ", "WY"),
        ("?metro=99999", "41940"),
        ("?setting=hosp", "physician_office"),
        ("?specialty=cardio", "risk_adjustment"),
        ("?education=phd", "associate"),
        ("?level=expert", "senior"),
    ],
)
def test_unknown_codes_are_422_listing_allowed_values(
    client: TestClient, query: str, allowed_word: str
) -> None:
    err = error(client.get("/estimate" + query), 422)
    assert allowed_word in err["message"]


def test_unknown_certification_lists_the_certifications_endpoint_codes(client: TestClient) -> None:
    codes = [c["code"] for c in client.get("/certifications").json()["items"]]
    err = error(client.get("/estimate?certifications=CPC,XYZ"), 422)
    assert err["details"][0]["allowed"] == [*codes, "none"]


@pytest.mark.parametrize(
    ("query", "phrase"),
    [
        ("?years=1&level=senior", "contradict"),
        ("?metro=47900&state=NJ", "not in state NJ"),
        ("?certifications=none,CPC", "'none' and list codes"),
        ("?certifications=CPC,CPC", "twice"),
        ("?certifications=", "empty"),
    ],
)
def test_contradictions_are_422_explaining_the_conflict(client: TestClient, query: str, phrase: str) -> None:
    err = error(client.get("/estimate" + query), 422)
    assert phrase in err["message"]


@pytest.mark.parametrize(
    "query",
    ["?years=51", "?years=-1", "?hours_per_year=0", "?hours_per_year=4001", "?retirement_match_pct=11"],
)
def test_out_of_range_numbers_are_422(client: TestClient, query: str) -> None:
    error(client.get("/estimate" + query), 422)


def test_unknown_query_parameter_is_400(client: TestClient) -> None:
    err = error(client.get("/estimate?years=3&zip=10001"), 400)
    assert "zip" in err["message"] and "years" in err["details"][0]["allowed"]


def test_post_rejects_unknown_fields_and_wrong_types(client: TestClient) -> None:
    err = error(client.post("/estimate", json={"years": 3, "zip": "10001"}), 422)
    assert "profile.zip" in err["message"]
    err = error(client.post("/estimate", json=[{"years": 3}, {"years": "3"}]), 422)
    assert "profiles.1.years" in err["message"]


def test_sources_figures_are_read_from_the_snapshot(client: TestClient) -> None:
    snapshot = client.app.state.store.snapshot  # type: ignore[attr-defined]
    occupation_id = snapshot.occupation_by_code["29-2072"]["id"]
    sources = service.method_sources(snapshot, occupation_id)
    # The article's table and sentences, typed here by hand.
    assert [(b.key, b.hourly_low, b.hourly_high, b.open_top) for b in sources.bands] == [
        ("entry", 17.0, 22.0, False),
        ("mid", 23.0, 30.0, False),
        ("senior", 31.0, 45.0, True),
    ]
    assert sources.certification_premium is not None and sources.certification_premium.low == 29
    assert sources.associate is not None and (sources.associate.low, sources.associate.high) == (5, 10)
    assert sources.inpatient is not None and (sources.inpatient.low, sources.inpatient.high) == (10, 20)
    assert sources.additional_pay == 3584
    assert sources.national_base is not None
    assert (sources.national_base.p25, sources.national_base.median, sources.national_base.p75) == (
        18.91,
        23.45,
        30.82,
    )


def test_imported_release_with_national_mean_replaces_the_mixed_ratio(fresh_database: str) -> None:
    """A newer official release holding a national mean gives DC a mean/mean ratio; NJ keeps its release's."""
    engine = make_engine(fresh_database)
    try:
        with Session(engine) as session:
            bls = session.exec(select(Source).where(Source.key == "bls")).one()
            occ = session.exec(select(Occupation).where(Occupation.soc_code == "29-2072")).one()
            areas = {(a.area_type, a.code): a for a in session.exec(select(Area))}
            release = Release(
                key="test-import-2024",
                source_id=bls.id,  # type: ignore[arg-type]
                label="test import",
                period="May 2024",
                period_start=date(2024, 5, 1),
                origin="import",
            )
            session.add(release)
            session.flush()
            for area, stat, annual_wage in [
                (("national", "US"), "mean", 50000.0),
                (("national", "US"), "median", 48000.0),
                (("state", "DC"), "mean", 70000.0),
            ]:
                session.add(
                    WageStat(
                        release_id=release.id,  # type: ignore[arg-type]
                        occupation_id=occ.id,  # type: ignore[arg-type]
                        area_id=areas[area].id,  # type: ignore[arg-type]
                        statistic=stat,
                        annual=annual_wage,
                        citation="test row",
                    )
                )
            session.commit()
        snapshot = Snapshot.load(engine)
    finally:
        engine.dispose()
    dc = service.estimate_one(snapshot, years=5, state="DC")
    (adj,) = dc["adjustments"]
    # DC mean 70,000 / national mean 50,000 = 1.4: 23 x 1.4 = 32.20; 26.5 x 1.4 = 37.10; 30 x 1.4 = 42.00.
    assert adj["release"] == "test-import-2024" and adj["multiplier_low"] == 1.4
    assert ranges(dc)[0] == (32.20, 37.10, 42.00)
    assert "mixes" not in adj["explanation"]
    # NJ has figures only in the article release, so its ratio stays within that release:
    # 69,380 / 48,780 = 1.42230; 23 x 1.42230 = 32.7130 -> 32.71.
    nj = service.estimate_one(snapshot, years=5, state="NJ")
    assert nj["adjustments"][0]["release"] == BLS
    assert nj["hourly"]["low"] == 32.71
    assert Decimal(repr(nj["hourly"]["low"])) * 2080 == Decimal(repr(nj["annual"]["low"]))
