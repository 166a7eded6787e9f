"""/estimate over HTTP, against databases built by the real migrations and seed. Figures worked by hand."""

import pytest
from fastapi.testclient import TestClient

from app.domain.estimation import estimates as service
from app.estimate.schemas import EstimateList, EstimateResponse

BLS = "bls-oews-2025-05"  # the seed's official BLS OEWS May 2025 figures
ERROR_KEYS = {"status", "type", "message", "details", "request_id"}


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
        # BLS May 2025 national p25 / median / p75, hourly and annual as published.
        ("", (20.91, 24.59, 31.17), (43490.00, 51140.00, 64820.00)),
        # Texas's own p25 / median / p75 as published (annual not hourly x 2080: 30.76 x 2080 = 63,980.80).
        ("?state=TX", (18.98, 23.49, 30.76), (39470.00, 48860.00, 63970.00)),
        # Mid band 23-30 / 1.29: 17.8294 -> 17.83, 20.5426 -> 20.54, 23.2558 -> 23.26; x 2080.
        ("?years=5&certifications=none", (17.83, 20.54, 23.26), (37086.40, 42723.20, 48380.80)),
        # Mid band x DC median 72,040 / national median 51,140 = 1.4086820:
        # 23 -> 32.3997 -> 32.40; 26.5 -> 37.3301 -> 37.33; 30 -> 42.2605 -> 42.26.
        ("?level=mid&state=DC", (32.40, 37.33, 42.26), (67392.00, 77646.40, 87900.80)),
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
    """docs/estimate-method.md, worked examples: a mid-career CPC in New Jersey; Texas, no experience."""
    body = client.get("/estimate?years=5&certifications=CPC&state=NJ&retirement_match_pct=5").json()
    # NJ median 50,240 / national median 51,140 = 0.98240125 (BLS May 2025, file rows 126 and 3)
    # low  23   x 0.98240125 = 22.5952 -> 22.60; x 2080 = 47,008.00
    # mid  26.5 x 0.98240125 = 26.0336 -> 26.03; x 2080 = 54,142.40
    # high 30   x 0.98240125 = 29.4720 -> 29.47; x 2080 = 61,297.60
    assert ranges(body) == ((22.60, 26.03, 29.47), (47008.00, 54142.40, 61297.60))
    (adj,) = body["adjustments"]
    assert adj["factor"] == "state" and adj["release"] == BLS
    assert adj["citation"] == (
        "BLS OEWS file all_data_M_2025_extract.csv, row 126: New Jersey, Medical Records Specialists / "
        "BLS OEWS file all_data_M_2025_extract.csv, row 3: U.S., Medical Records Specialists"
    )
    # + 3,584 + 5%: 47,008 + 3,584 + 2,350.40 = 52,942.40; 54,142.40 + 3,584 + 2,707.12 = 60,433.52;
    # 61,297.60 + 3,584 + 3,064.88 = 67,946.48
    total = body["total_compensation"]
    assert (total["low"], total["mid"], total["high"]) == (52942.40, 60433.52, 67946.48)
    texas = client.get("/estimate?state=TX").json()
    assert texas["adjustments"] == [] and texas["annual"]["published"] is True
    assert texas["base"]["citation"] == (
        "BLS OEWS file all_data_M_2025_extract.csv, row 178: Texas, Medical Records Specialists"
    )


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
    assert {"level", "certifications", "education", "setting"} <= noted
    # The state and the metro in it agree: the metro is the one area served, and the answer says so.
    assert (
        body["location"]["area"]["code"] == "45940" and body["location"]["input"] == "state=NJ; metro=45940"
    )
    assert body["profile"]["certifications"] == ["CPC", "CCS"]
    # Senior low 31 x 1.10 (inpatient) x 58,590 / 51,140 (Trenton median / national median) = 39.0676 -> 39.07
    assert body["hourly"]["low"] == 39.07
    # Total low: 39.07 x 2080 = 81,265.60; + 3,584; + 4% = 3,250.624 -> 3,250.62; = 88,100.22
    assert body["total_compensation"]["low"] == 88100.22
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


def test_post_reads_a_vocabulary_in_any_case_as_get_does(client: TestClient) -> None:
    # A vocabulary's case does not change the question, in a JSON body as in a query.
    profile = {"level": "MID", "education": "Associate", "specialty": "Inpatient", "setting": "HOSPITAL"}
    got = client.get("/estimate", params=profile).json()
    posted = client.post("/estimate", json=profile)
    assert posted.status_code == 200, posted.text
    assert posted.json() == got
    assert (got["profile"]["level"], got["profile"]["education"]) == ("mid", "associate")
    assert posted.json() == client.post("/estimate", json={k: v.lower() for k, v in profile.items()}).json()


def test_post_list_answers_in_order(client: TestClient) -> None:
    response = client.post(
        "/estimate/batch",
        json=[{"level": "senior"}, {"years": 0}, {"years": 5, "certifications": "none"}, {}],
    )
    assert response.status_code == 200, response.text
    items = EstimateList.model_validate(response.json()).items
    assert [i.level.key if i.level else None for i in items] == ["senior", "entry", "mid", None]
    # third: 23 / 1.29 = 17.83 as in the GET case
    assert items[2].hourly.low == 17.83


def test_post_list_limits(client: TestClient) -> None:
    assert client.post("/estimate/batch", json=[{"years": 1}] * 100).status_code == 200
    err = error(client.post("/estimate/batch", json=[{"years": 1}] * 101), 422)
    assert "100" in err["message"]
    error(client.post("/estimate/batch", json=[]), 422)
    # a list is not one profile
    err = error(client.post("/estimate", json=[{"years": 1}]), 422)
    assert "should be a JSON object" in err["message"]


def test_post_list_names_the_bad_profile(client: TestClient) -> None:
    err = error(client.post("/estimate/batch", json=[{"years": 1}, {"years": 1, "level": "senior"}]), 422)
    assert err["message"].startswith("Profile 1:") and "contradict" in err["message"]
    assert err["details"][0]["index"] == 1


@pytest.mark.parametrize(
    ("query", "allowed_word"),
    [
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


@pytest.mark.parametrize(
    ("query", "allowed_word"),
    [("?certifications=CPC,XYZ", "CPMA"), ("?state=ZZ", "/states"), ("?metro=99999", "/metros")],
)
def test_codes_of_the_right_shape_that_do_not_exist_are_404(
    client: TestClient, query: str, allowed_word: str
) -> None:
    err = error(client.get("/estimate" + query), 404)
    assert allowed_word in err["message"]


def test_unknown_certification_lists_the_certifications_endpoint_codes(client: TestClient) -> None:
    codes = [c["code"] for c in client.get("/certifications").json()["items"]]
    err = error(client.get("/estimate?certifications=CPC,XYZ"), 404)
    assert err["details"][0]["allowed"] == [*codes, "none"]


@pytest.mark.parametrize(
    ("query", "phrase"),
    [
        ("?years=1&level=senior", "contradict"),
        ("?metro=47900&state=NJ", "47900, in DC, VA, MD, WV); they disagree"),
        ("?certifications=none,CPC", "'none' and list codes"),
        ("?certifications=CPC,CPC", "twice"),
        ("?certifications=CPC,,CCS", "should be certification codes separated by commas"),
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
    assert "zip" in err["message"]
    err = error(client.post("/estimate/batch", json=[{"years": 3}, {"years": "3"}]), 422)
    assert "1.years" in err["message"]


TWICE = {"problem": "is given twice", "value": None}


@pytest.mark.parametrize(
    ("path", "body", "message", "details"),
    [
        (
            "/estimate",
            b'{"years": 4, "years": 40}',
            "The JSON body gives 'years' twice; give each field once.",
            [{"parameter": "years", **TWICE}],
        ),
        # The same name however it is escaped: what a reader compares is the name read.
        (
            "/estimate",
            b'{"years": 4, "y\\u0065ars": 40}',
            "The JSON body gives 'years' twice; give each field once.",
            [{"parameter": "years", **TWICE}],
        ),
        # Refused before any value is validated: which one would be is the question.
        (
            "/estimate",
            b'{"years": "four", "years": 4}',
            "The JSON body gives 'years' twice; give each field once.",
            [{"parameter": "years", **TWICE}],
        ),
        (
            "/estimate/batch",
            b'[{"years": 4}, {"level": "mid", "years": 4, "level": "senior"}]',
            "The JSON body gives 'level' twice (in profile 1); give each field once.",
            [{"index": 1, "parameter": "1.level", **TWICE}],
        ),
        # No profile field takes an object; one inside a value is checked all the same, at any depth.
        (
            "/estimate",
            b'{"certifications": [{"code": "CPC", "code": "CCS"}]}',
            "The JSON body gives 'code' twice (under certifications.0); give each field once.",
            [{"parameter": "certifications.0.code", **TWICE}],
        ),
        (
            "/estimate/batch",
            b'[{}, {"years": {"a": {"b": 1, "b": 2}}}]',
            "The JSON body gives 'b' twice (in profile 1, under years.a); give each field once.",
            [{"index": 1, "parameter": "1.years.a.b", **TWICE}],
        ),
        # Names are compared as written: the API does not fold their case, so 'Years' is another name.
        (
            "/estimate",
            b'{"years": 4, "Years": 40}',
            "Invalid request: Years=40 is not a field this request takes.",
            [{"parameter": "Years", "problem": "is not a field this request takes", "value": "40"}],
        ),
    ],
)
def test_a_name_given_twice_in_a_body_is_refused_naming_it_and_where(
    client: TestClient, path: str, body: bytes, message: str, details: list
) -> None:
    # JSON readers disagree on which of two values counts (RFC 8259 4): a proxy checking the first must
    # not be bypassed by Python keeping the last.
    err = error(client.post(path, content=body, headers={"Content-Type": "application/json"}), 422)
    assert (err["type"], err["message"], err["details"]) == ("invalid_input", message, details)


@pytest.mark.parametrize(
    ("body", "query"),
    [
        ({"years": 4, "certifications": ["CPC"], "state": "NJ"}, "?years=4&certifications=CPC&state=NJ"),
        (
            {"level": "mid", "education": "associate", "hours_per_year": 1000},
            "?level=mid&education=associate&hours_per_year=1000",
        ),
    ],
)
def test_a_body_without_repeated_names_is_answered_as_before(
    client: TestClient, body: dict, query: str
) -> None:
    got = client.get("/estimate" + query).json()
    posted = client.post("/estimate", json=body)
    assert posted.status_code == 200, posted.text
    assert posted.json() == got
    batch = client.post("/estimate/batch", json=[body, body])
    assert batch.status_code == 200, batch.text
    assert batch.json() == {"items": [got, got]}


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
    # The national figures: BLS OEWS May 2025, file row 3.
    national = sources.national
    assert national is not None and national.release == BLS
    assert [(national.stats[s].hourly, national.stats[s].annual) for s in ("p25", "median", "p75")] == [
        (20.91, 43490.0),
        (24.59, 51140.0),
        (31.17, 64820.0),
    ]


@pytest.mark.parametrize(("first", "then"), [("-0", "0"), ("0", "-0")])
def test_the_match_label_names_the_percent_each_answer_was_given(
    client: TestClient, first: str, then: str
) -> None:
    """The label is kept per percent as written; kept per float, 0 would get -0's label (equal floats)."""
    for pct in (first, then):
        body = client.get(f"/estimate?retirement_match_pct={pct}").json()
        echoed = body["profile"]["retirement_match_pct"]
        (match,) = [
            c for c in body["total_compensation"]["components"] if c["component"] == "retirement_match"
        ]
        assert match["label"].startswith(f"Employer retirement match of {echoed:g}% of base salary"), match


@pytest.mark.parametrize(
    ("typed", "level"),
    [
        ("associate's degree", "associate"),
        ("Associate Degree", "associate"),
        ("Associate\u2019s", "associate"),
        ("A.A.S.", "associate"),
        ("AAS", "associate"),
        ("bachelors", "bachelor"),
        ("Bachelor's", "bachelor"),
        ("BS", "bachelor"),
        ("B.S.", "bachelor"),
        ("certificate program", "certificate"),
    ],
)
def test_education_as_people_write_it_is_read_and_echoed(client: TestClient, typed: str, level: str) -> None:
    asked = client.get("/estimate", params={"years": 1, "education": typed})
    assert asked.status_code == 200, asked.text
    # The answer is the plain value's, and its profile says which level the words were read as.
    assert asked.json() == client.get("/estimate", params={"years": 1, "education": level}).json()
    assert asked.json()["profile"]["education"] == level
    posted = client.post("/estimate", json={"years": 1, "education": typed})
    assert posted.status_code == 200, posted.text
    assert posted.json() == asked.json()


def test_level_takes_the_band_names_answers_print(client: TestClient) -> None:
    bands = [step["level"] for step in client.get("/estimate?years=1").json()["progression"]]
    # seed/article.toml's experience table names its bands so.
    assert [band["name"] for band in bands] == ["Entry-Level", "Mid-Career", "Senior/Experienced"]
    for band in bands:
        for asked in (
            client.get("/estimate", params={"level": band["name"]}),
            client.post("/estimate", json={"level": band["name"]}),
        ):
            assert asked.status_code == 200, asked.text
            assert (asked.json()["level"], asked.json()["profile"]["level"]) == (band, band["key"])


@pytest.mark.parametrize(
    ("typed", "said"),
    [("master's degree", "education=master's degree should be one of"), ("junior", "level=junior should be")],
)
def test_words_for_no_value_of_the_vocabulary_are_still_refused(
    client: TestClient, typed: str, said: str
) -> None:
    name = said.split("=", 1)[0]
    err = error(client.get("/estimate", params={name: typed}), 422)
    assert said in err["message"]


def test_certifications_with_spaces_after_the_commas(client: TestClient) -> None:
    spaced = client.get("/estimate", params={"years": 4, "certifications": "CPC, CCS"})
    assert spaced.status_code == 200, spaced.text
    assert spaced.json()["profile"]["certifications"] == ["CPC", "CCS"]
    assert spaced.json() == client.get("/estimate?years=4&certifications=CPC,CCS").json()


@pytest.mark.parametrize(
    ("code", "nearest"),
    [
        # The administrator's credential beside the technician's (RHIT), which the data hold.
        ("RHIA", "RHIT"),
        # CCS-P is the physician-based CCS; CPC-P the payer CPC.
        ("CCS-P", "CCS"),
        ("CPC-P", "CPC"),
    ],
)
def test_a_certification_the_data_do_not_hold_names_the_nearest_held(
    client: TestClient, code: str, nearest: str
) -> None:
    held = [c["code"] for c in client.get("/certifications").json()["items"]]
    assert code not in held and nearest in held
    err = error(client.get("/estimate", params={"certifications": code}), 404)
    assert f"{code} is not a certification the data hold" in err["message"]
    assert f"Nearest held: {nearest}" in err["message"]
    assert nearest in err["details"][0]["nearest"] and err["details"][0]["allowed"] == [*held, "none"]


def test_one_hour_a_year_is_said_in_the_singular(client: TestClient) -> None:
    body = client.get("/estimate", params={"hours_per_year": 1}).json()
    (weekly,) = [n["message"] for n in body["notes"] if "did you mean" in n["message"]]
    assert weekly.startswith("1 hour a year: did you mean 1 a week, 52 a year") and "1 hours" not in weekly


@pytest.mark.parametrize(("hours", "yearly"), [(40, "2,080"), (20, "1,040"), (76, "3,952")])
def test_hours_a_year_that_fit_in_a_week_get_a_note(client: TestClient, hours: int, yearly: str) -> None:
    body = client.get("/estimate", params={"hours_per_year": hours}).json()
    asked = [n["message"] for n in body["notes"] if n["factor"] == "hours_per_year"]
    assert f"{hours} hours a year: did you mean {hours} a week, {yearly} a year" in " ".join(asked)
    # The figures stay those of the hours given: BLS May 2025 national p25 $20.91 an hour x the hours.
    assert body["annual"]["low"] == round(20.91 * hours, 2)


@pytest.mark.parametrize("hours", [77, 1000, 2080])
def test_hours_that_only_make_sense_a_year_get_no_weekly_note(client: TestClient, hours: int) -> None:
    # 77 a week would be 4,004 a year, past the 4,000 hours a profile takes.
    body = client.get("/estimate", params={"years": 3, "hours_per_year": hours}).json()
    assert not [n for n in body["notes"] if "a week" in n["message"]]


@pytest.mark.parametrize(
    ("typed", "said"),
    [
        ("Master's", "the sources price no degree above a bachelor's: give bachelor, the highest they price"),
        ("MBA", "the sources price no degree above a bachelor's"),
        ("Ph.D.", "the sources price no degree above a bachelor's"),
        ("high school diploma", "the sources price no education below a certificate: leave education out"),
        ("GED", "the sources price no education below a certificate"),
        ("MSN", "the sources price no degree above a bachelor's"),
        ("mastr", "the sources price no degree above a bachelor's"),
    ],
    ids=str,
)
def test_education_outside_the_priced_levels_is_refused_saying_what_to_give(
    client: TestClient, typed: str, said: str
):
    err = error(client.get("/estimate", params={"education": typed}), 422)
    assert said in err["message"] and "did you mean" not in err["message"]
    assert err["details"][0]["allowed"] == ["certificate", "associate", "bachelor"]


@pytest.mark.parametrize("typed", ["junior", "Junior-Level", "Lead", "intermediate", "jnior", "juniors"])
def test_a_title_seniority_is_refused_asking_for_years_not_a_look_alike_band(client: TestClient, typed: str):
    # 'junior' is nearest 'senior' by spelling: the refusal must not suggest the opposite band.
    err = error(client.get("/estimate", params={"level": typed}), 422)
    assert "give years, or the band meant" in err["message"] and "did you mean" not in err["message"]


@pytest.mark.parametrize("typed", ["Sr.", "SR", "senior level"])
def test_senior_abbreviated_is_the_senior_band(client: TestClient, typed: str):
    assert (
        client.get("/estimate", params={"level": typed}).json()["level"]
        == client.get("/estimate?level=senior").json()["level"]
    )
