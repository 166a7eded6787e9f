"""The pure rules behind ranks, tiers and trends, on hand-made figures: competition ranking, the 1% band
(inclusive, either way), the compound annual rate, one point per period."""

from datetime import date

import pytest

from app.domain.standing import AreaWages, Wage, competition_ranks, standings
from app.domain.trends import Point, one_per_period, stat_change, years_between


def test_competition_ranking_shares_ranks_and_skips():
    got = competition_ranks({"a": 10.0, "b": 30.0, "c": 20.0, "d": 20.0, "e": None, "f": 5.0})
    assert got == {"b": 1, "c": 2, "d": 2, "a": 4, "f": 5}


@pytest.mark.parametrize(
    ("median", "tier"),
    [
        (101_000, "at_national"),  # exactly 1% above
        (99_000, "at_national"),  # exactly 1% below
        (101_010, "above_national"),
        (98_990, "below_national"),
        (100_000, "at_national"),
    ],
)
def test_tier_band_is_one_percent_inclusive(median: float, tier: str):
    national = AreaWages(1, "national", Wage(None, 100_000), None)
    area = AreaWages(2, "state", Wage(None, median), None)
    assert standings([area], national)[2].tier == tier


def test_kinds_rank_apart_and_hourly_only_figures_rank_as_2080_hours():
    areas = [
        AreaWages(1, "state", Wage(20.0, None), None),  # 41,600 a year
        AreaWages(2, "territory", Wage(None, 42_000), None),
        AreaWages(3, "metro", Wage(None, 10_000), None),
        AreaWages(4, "nonmetro", Wage(None, 90_000), None),
    ]
    got = standings(areas, None)
    assert [got[i].rank_median for i in (1, 2, 3, 4)] == [2, 1, 1, 1]
    assert all(s.tier is None and s.vs_national() is None for s in got.values())


def test_compound_annual_rate():
    # 40,000 to 48,400 over two years: +21% in all, 10% a year.
    change = stat_change(Wage(None, 40_000), Wage(None, 48_400), 2.0)
    assert change == {"hourly": None, "annual": 8400, "percent": 21.0, "annual_rate": 10.0}
    assert years_between(date(2022, 5, 1), date(2025, 5, 1)) == 3.0
    assert years_between(date(2024, 11, 1), date(2025, 5, 1)) == 0.5


def _point(release: str, start: date, via: str | None) -> Point:
    return Point(release, "x", start, "bls", via, {}, None, True, None)


def test_one_point_per_period_keeps_the_first_given():
    points = [
        _point("2025", date(2025, 5, 1), None),
        _point("2023-official", date(2023, 5, 1), None),
        _point("2023-quoted", date(2023, 5, 1), "article"),
    ]
    assert [p.release for p in one_per_period(points)] == ["2023-official", "2025"]
