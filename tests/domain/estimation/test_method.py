"""The estimate method as a whole: exact figures, the order of its steps, the progression, contradictions and
its properties, with inputs typed from the article and the BLS OEWS May 2025 file
(seed/oews/all_data_M_2025_extract.csv), and results worked by hand."""

from dataclasses import replace
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.domain.estimation.inputs import EstimateConflict, Profile
from app.domain.estimation.method import estimate
from tests.domain.estimation.article_inputs import (
    BLS_RELEASE,
    DC,
    KNOWN_SOURCES,
    MS,
    NJ,
    NOWHERE,
    SOURCES,
    TRENTON,
    TX,
    WASHINGTON,
    annual,
    hourly,
    row,
)


@pytest.mark.parametrize(
    ("profile", "expected_hourly", "expected_annual"),
    [
        pytest.param(
            # Entry band 17-22, mid at the centre (17 + 22) / 2 = 19.50; annual = hourly x 2080:
            # 17 x 2080 = 35,360; 19.5 x 2080 = 40,560; 22 x 2080 = 45,760.
            Profile(years=1),
            (17.00, 19.50, 22.00),
            (35360.00, 40560.00, 45760.00),
            id="entry-plain",
        ),
        pytest.param(
            # Mid band 23-30 (centre 26.5) divided by 1.29 for certifications=none:
            # 23 / 1.29 = 17.8294 -> 17.83; 26.5 / 1.29 = 20.5426 -> 20.54; 30 / 1.29 = 23.2558 -> 23.26.
            # 17.83 x 2080 = 37,086.40; 20.54 x 2080 = 42,723.20; 23.26 x 2080 = 48,380.80.
            Profile(level="mid", certifications=()),
            (17.83, 20.54, 23.26),
            (37086.40, 42723.20, 48380.80),
            id="mid-not-certified",
        ),
        pytest.param(
            # Associate's degree on the entry band: low x 1.05, high x 1.10, mid x (1.05 + 1.10) / 2 = 1.075.
            # 17 x 1.05 = 17.85; 19.5 x 1.075 = 20.9625 -> 20.96; 22 x 1.10 = 24.20.
            # 17.85 x 2080 = 37,128; 20.96 x 2080 = 43,596.80; 24.2 x 2080 = 50,336.
            Profile(years=0, education="associate"),
            (17.85, 20.96, 24.20),
            (37128.00, 43596.80, 50336.00),
            id="entry-associate",
        ),
        pytest.param(
            # Inpatient on the mid band: x 1.10 / x 1.15 / x 1.20.
            # 23 x 1.1 = 25.30; 26.5 x 1.15 = 30.475 -> 30.48 (half up); 30 x 1.2 = 36.00.
            # 25.3 x 2080 = 52,624; 30.48 x 2080 = 63,398.40; 36 x 2080 = 74,880.
            Profile(years=5, specialty="inpatient"),
            (25.30, 30.48, 36.00),
            (52624.00, 63398.40, 74880.00),
            id="mid-inpatient",
        ),
        pytest.param(
            # DC: state median 72,040 / national median 51,140 (BLS May 2025) = 1.4086820...
            # 23 x 1.40868 = 32.3997 -> 32.40; 26.5 x 1.40868 = 37.3301 -> 37.33;
            # 30 x 1.40868 = 42.2605 -> 42.26.
            # 32.40 x 2080 = 67,392; 37.33 x 2080 = 77,646.40; 42.26 x 2080 = 87,900.80.
            Profile(level="mid", state=DC),
            (32.40, 37.33, 42.26),
            (67392.00, 77646.40, 87900.80),
            id="mid-dc",
        ),
        pytest.param(
            # Neither years nor level: national p25 / median / p75 as published, hourly and annual.
            Profile(),
            (20.91, 24.59, 31.17),
            (43490.00, 51140.00, 64820.00),
            id="national-base",
        ),
        pytest.param(
            # Texas given, no experience: Texas's own p25 / median / p75 as published, no multiplier.
            Profile(state=TX),
            (18.98, 23.49, 30.76),
            (39470.00, 48860.00, 63970.00),
            id="texas-base",
        ),
        pytest.param(
            # Trenton in NJ, no experience: the metro's own percentiles, NJ's not applied.
            Profile(state=NJ, metro=TRENTON),
            (22.94, 28.17, 33.51),
            (47700.00, 58590.00, 69700.00),
            id="metro-base",
        ),
        pytest.param(
            # Texas at 2,000 hours: the published hourly x 2000 (derived): 37,960 / 46,980 / 61,520.
            Profile(state=TX, hours_per_year=2000),
            (18.98, 23.49, 30.76),
            (37960.00, 46980.00, 61520.00),
            id="texas-base-2000-hours",
        ),
        pytest.param(
            # Senior 31-45+ (centre 38) at 1,000 hours: 31,000 / 38,000 / 45,000.
            Profile(level="senior", hours_per_year=1000),
            (31.00, 38.00, 45.00),
            (31000.00, 38000.00, 45000.00),
            id="senior-part-time",
        ),
    ],
)
def test_exact_figures(profile: Profile, expected_hourly: tuple, expected_annual: tuple) -> None:
    result = estimate(profile, SOURCES)
    assert hourly(result) == expected_hourly
    assert annual(result) == expected_annual


def test_adjustments_in_order_with_their_multipliers() -> None:
    # certification, education, specialty, location: the order the method documents.
    result = estimate(
        Profile(years=1, certifications=(), education="associate", specialty="inpatient", state=NJ), SOURCES
    )
    factors = [a["factor"] for a in result["adjustments"]]
    assert factors == ["certifications", "education", "specialty", "state"]
    cert, edu, spec, loc = result["adjustments"]
    assert cert["multiplier_low"] == cert["multiplier_high"] == pytest.approx(1 / 1.29)
    assert (edu["multiplier_low"], edu["multiplier_mid"], edu["multiplier_high"]) == (1.05, 1.075, 1.1)
    assert (spec["multiplier_low"], spec["multiplier_high"]) == (1.1, 1.2)
    # NJ median 50,240 / national median 51,140 = 0.98240...: below 1, New Jersey pays a little less.
    assert loc["multiplier_low"] == pytest.approx(50240 / 51140)
    assert (cert["source"], edu["source"], loc["source"]) == ("aapc", "article", "bls")
    assert loc["release"] == BLS_RELEASE and loc["releases"] == [BLS_RELEASE]
    assert loc["citation"] == f"{row(126, 'New Jersey')} / {row(3, 'U.S.')}"
    # 17 / 1.29 = 13.17829; x 1.05 = 13.83721; x 1.1 = 15.22093; x 0.9824013 = 14.9531 -> 14.95
    assert result["hourly"]["low"] == 14.95


def test_senior_top_is_open_and_said_so() -> None:
    result = estimate(Profile(years=12), SOURCES)
    assert result["level"]["key"] == "senior"
    assert result["open_top"] is True
    assert result["hourly"]["open_top"] is True and result["annual"]["open_top"] is True
    assert any(n["factor"] == "level" and "$45.00+" in n["message"] for n in result["notes"])


def test_progression_is_entry_mid_senior_for_the_same_profile() -> None:
    # Associate applies to the entry step only; the 29% cut applies to every step.
    result = estimate(Profile(years=20, certifications=(), education="associate"), SOURCES)
    steps = result["progression"]
    assert [s["level"]["key"] for s in steps] == ["entry", "mid", "senior"]
    # entry low: 17 / 1.29 x 1.05 = 13.8372 -> 13.84; mid: 23 / 1.29 = 17.829 -> 17.83;
    # senior: 31 / 1.29 = 24.031 -> 24.03
    assert [s["hourly"]["low"] for s in steps] == [13.84, 17.83, 24.03]
    assert steps[2]["open_top"] is True
    assert steps[2]["hourly"] == result["hourly"]


@pytest.mark.parametrize(
    ("profile", "phrase"),
    [
        (Profile(years=1, level="senior"), "contradict"),
        (Profile(years=10, level="mid"), "contradict"),
        (Profile(state=NJ, metro=WASHINGTON), "not in state NJ"),
        (Profile(state=DC, metro=TRENTON), "not in state DC"),
    ],
)
def test_contradictions_raise(profile: Profile, phrase: str) -> None:
    with pytest.raises(EstimateConflict, match=phrase):
        estimate(profile, SOURCES)


def test_years_and_level_that_agree_are_fine() -> None:
    assert estimate(Profile(years=10, level="senior"), SOURCES)["level"]["key"] == "senior"
    assert (
        estimate(Profile(state=DC, metro=WASHINGTON, years=3), SOURCES)["adjustments"][0]["factor"] == "metro"
    )


# ---------------------------------------------------------------- properties

CERTS = st.sampled_from([None, (), ("CPC",), ("CPC", "CCS")])
EDUCATION = st.sampled_from([None, "certificate", "associate", "bachelor"])
SPECIALTY = st.sampled_from([None, "outpatient", "inpatient", "surgical", "auditing", "risk_adjustment"])
SETTING = st.sampled_from(
    [None, "hospital", "physician_office", "billing_company", "government", "freelance"]
)
STATE = st.sampled_from([None, DC, NJ, MS, TX, NOWHERE])
HOURS = st.integers(min_value=1, max_value=4000)
MATCH = st.one_of(st.none(), st.floats(min_value=0, max_value=10, allow_nan=False))


@st.composite
def profiles(draw: st.DrawFn) -> Profile:
    state = draw(STATE)
    metro = draw(st.sampled_from([None, TRENTON])) if state is NJ else None
    return Profile(
        years=draw(st.one_of(st.none(), st.integers(0, 50))),
        certifications=draw(CERTS),
        education=draw(EDUCATION),
        specialty=draw(SPECIALTY),
        setting=draw(SETTING),
        state=state,
        metro=metro,
        hours_per_year=draw(HOURS),
        retirement_match_pct=draw(MATCH),
    )


def _not_below(a: dict, b: dict) -> bool:
    return all(a[unit][k] >= b[unit][k] for unit in ("hourly", "annual") for k in ("low", "mid", "high"))


def _above(a: dict, b: dict) -> bool:
    return all(a[unit][k] > b[unit][k] for unit in ("hourly", "annual") for k in ("low", "mid", "high"))


@settings(max_examples=200, deadline=None)
@given(profiles(), st.integers(0, 50), st.integers(0, 50))
def test_more_years_never_lowers_the_estimate(profile: Profile, y1: int, y2: int) -> None:
    fewer, more = sorted((y1, y2))
    low = estimate(replace(profile, years=fewer), SOURCES)
    high = estimate(replace(profile, years=more), SOURCES)
    assert _not_below(high, low)


@settings(max_examples=200, deadline=None)
@given(profiles(), st.sampled_from([None, ("CPC",), ("CCS", "CPC")]))
def test_certified_or_unknown_is_never_below_none(profile: Profile, certs: tuple | None) -> None:
    none = estimate(replace(profile, certifications=()), SOURCES)
    other = estimate(replace(profile, certifications=certs), SOURCES)
    assert _not_below(other, none)


@settings(max_examples=200, deadline=None)
@given(profiles(), st.integers(0, 50))
def test_inpatient_beats_outpatient_on_every_band(profile: Profile, years: int) -> None:
    base = replace(profile, years=years)
    inpatient = estimate(replace(base, specialty="inpatient"), SOURCES)
    outpatient = estimate(replace(base, specialty="outpatient"), SOURCES)
    assert _above(inpatient, outpatient)


@settings(max_examples=200, deadline=None)
@given(profiles())
def test_dc_beats_national(profile: Profile) -> None:
    national = estimate(replace(profile, state=None, metro=None), SOURCES)
    dc = estimate(replace(profile, state=DC, metro=None), SOURCES)
    assert _above(dc, national)


@settings(max_examples=300, deadline=None)
@given(profiles())
def test_hourly_times_hours_is_annual_to_the_cent(profile: Profile) -> None:
    result = estimate(profile, SOURCES)
    for rng in [result, *result["progression"]]:
        for k in ("low", "mid", "high"):
            hourly_cents = Decimal(repr(rng["hourly"][k]))
            assert hourly_cents == hourly_cents.quantize(Decimal("0.01"))
            if rng["annual"]["published"]:  # BLS's own annual figures, at the default hours only
                assert profile.hours_per_year == 2080
                assert rng["annual"][k] == result["base"][f"annual_{k}"]
            else:
                assert hourly_cents * profile.hours_per_year == Decimal(repr(rng["annual"][k]))


@settings(max_examples=200, deadline=None)
@given(profiles())
def test_every_adjustment_and_note_names_a_known_source(profile: Profile) -> None:
    result = estimate(profile, SOURCES)
    for item in result["adjustments"]:
        assert item["source"] in KNOWN_SOURCES and item["release"] and item["citation"]
    for item in result["notes"]:
        assert item["source"] is None or item["source"] in KNOWN_SOURCES
    for item in result["total_compensation"]["components"]:
        assert item["source"] in KNOWN_SOURCES
