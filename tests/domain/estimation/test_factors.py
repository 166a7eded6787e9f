"""The factors that move a band (location, certification, education, specialty) and the words-only inputs,
with inputs typed from the article and the BLS OEWS May 2025 file
(seed/oews/all_data_M_2025_extract.csv), and results worked by hand."""

from dataclasses import replace
from decimal import Decimal

import pytest

from app.domain.estimation.factors import location_factor
from app.domain.estimation.inputs import Area, Profile, Stat
from app.domain.estimation.method import estimate
from tests.domain.estimation.article_inputs import MS, NJ, NOWHERE, SOURCES, TRENTON, TX, row


@pytest.mark.parametrize(
    ("profile", "factor", "phrase"),
    [
        (Profile(years=1), "certifications", "pass certifications=none"),
        (Profile(years=1, certifications=("CPC", "CCS")), "certifications", "already describe certified"),
        (Profile(years=5, education="associate"), "education", "starting salary"),
        (Profile(years=5, education="bachelor"), "education", "different job"),
        (Profile(years=5, education="certificate"), "education", "baseline"),
        (Profile(years=5, specialty="outpatient"), "specialty", "baseline"),
        (Profile(years=5, specialty="surgical"), "specialty", "No adjustment is applied"),
        (Profile(years=5, setting="hospital"), "setting", "highest-paying"),
        (Profile(years=5, setting="government"), "setting", "lag slightly"),
        (Profile(years=5, state=MS), "state", "lower-paying"),
        (Profile(years=5, state=NOWHERE), "state", "without wage figures"),
        (Profile(specialty="inpatient"), "specialty", "mixes inpatient and outpatient"),
        (Profile(certifications=()), "certifications", "certified and non-certified"),
        (Profile(years=5, state=NJ, metro=TRENTON), "state", "count location twice"),
        (Profile(state=TX), "state", "No location multiplier is applied"),
        (Profile(state=NJ, metro=TRENTON), "metro", "No location multiplier is applied"),
        (Profile(state=NJ, metro=TRENTON), "state", "the more specific area"),
        (Profile(state=TX, hours_per_year=2000), "hours_per_year", "derived"),
    ],
)
def test_words_only_inputs_give_a_note_and_no_number(profile: Profile, factor: str, phrase: str) -> None:
    result = estimate(profile, SOURCES)
    assert factor not in [a["factor"] for a in result["adjustments"]]
    assert any(n["factor"] == factor and phrase in n["message"] for n in result["notes"]), result["notes"]


def test_metro_figures_win_over_the_state() -> None:
    # Trenton median 58,590 / national median 51,140 = 1.14568; mid band low 23 x 1.14568 = 26.3506 -> 26.35
    result = estimate(Profile(years=5, state=NJ, metro=TRENTON), SOURCES)
    assert [a["factor"] for a in result["adjustments"]] == ["metro"]
    assert result["adjustments"][0]["citation"] == f"{row(1390, 'Trenton-Princeton, NJ')} / {row(3, 'U.S.')}"
    assert result["hourly"]["low"] == 26.35


def test_metro_without_figures_falls_back_to_the_state() -> None:
    empty_metro = Area("metro", "12345", "Somewhere, NJ", principal_states=("NJ",))
    result = estimate(Profile(years=5, state=NJ, metro=empty_metro), SOURCES)
    assert [a["factor"] for a in result["adjustments"]] == ["state"]
    assert any(n["factor"] == "metro" for n in result["notes"])


@pytest.mark.parametrize(
    ("stats", "national", "expected", "unit"),
    [
        # Annual medians as published: 66,000 / 48,000 = 1.375, even though means exist.
        (
            {"mean": Stat(None, 70000.0, "a"), "median": Stat(31.0, 66000.0, "a")},
            {"mean": Stat(None, 50000.0, "n"), "median": Stat(23.0, 48000.0, "n")},
            Decimal("1.375"),
            "annual",
        ),
        # Hourly only where an annual median is not published: 30 / 24 = 1.25.
        ({"median": Stat(30.0, None, "a")}, {"median": Stat(24.0, 50000.0, "n")}, Decimal("1.25"), "hourly"),
    ],
)
def test_location_factor_is_median_over_median(
    stats: dict, national: dict, expected: Decimal, unit: str
) -> None:
    found = location_factor(Area("state", "XX", "Somewhere", "r", "bls", stats, national))
    assert found is not None
    assert found[:2] == (expected, unit)


@pytest.mark.parametrize(
    ("stats", "national", "phrase"),
    [
        # Means only (the article's kind of release): no mean/median mix any more.
        ({"mean": Stat(None, 75690.0, "a")}, {"median": Stat(23.45, 48780.0, "n")}, "publishes no median"),
        # No national median of the same period: a note, never another period's figure.
        ({"median": Stat(None, 60000.0, "a")}, {}, "no national median of the same period (May 2026)"),
    ],
)
def test_area_without_a_median_pair_gets_a_note_not_a_factor(
    stats: dict, national: dict, phrase: str
) -> None:
    area = Area("state", "XX", "Somewhere", "r", "bls", stats, national, period="May 2026")
    assert location_factor(area) is None
    result = estimate(Profile(years=5, state=area), SOURCES)
    assert result["adjustments"] == [] and result["hourly"]["low"] == 23.0
    assert any(n["factor"] == "state" and phrase in n["message"] for n in result["notes"]), result["notes"]


def test_paired_national_release_is_named() -> None:
    """A state file's figures beside the national file's of the same period: both releases are named."""
    state_file = replace(TX, release="bls-oews-2025-05-state", national_release="bls-oews-2025-05-national")
    (adj,) = estimate(Profile(years=5, state=state_file), SOURCES)["adjustments"]
    assert adj["releases"] == ["bls-oews-2025-05-state", "bls-oews-2025-05-national"]
    assert "bls-oews-2025-05-state and bls-oews-2025-05-national" in adj["explanation"]
