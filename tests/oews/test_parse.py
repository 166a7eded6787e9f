"""The importer's fast check of a row's twelve plain wages says what its careful check says."""

import random

import pytest

from app.domain.models import HOURS_PER_YEAR, MAX_ANNUAL_WAGE, MAX_HOURLY_WAGE
from app.oews.parse import _plausible, wage_problem

TOP_CODES = (115.0, 239_200.0)


def a_row(draw: random.Random) -> list[float]:
    """Twelve wages as a BLS row has them (p10..p90 then the mean, hourly and annual), sometimes spoiled."""
    hourly = sorted(round(draw.uniform(8, 120), 2) for _ in range(5))
    hourly.append(round(draw.uniform(hourly[0], hourly[-1]), 2))
    annual = [round(h * HOURS_PER_YEAR + draw.choice((0, 0, 0, 10, -20, 25, -25, 26, 300))) for h in hourly]
    wages = [v for pair in zip(hourly, annual, strict=True) for v in pair]
    spoil = draw.randrange(8)
    k = draw.randrange(12)
    if spoil == 0:
        wages[k] = -wages[k] or -1.0
    elif spoil == 1:
        wages[k] = (MAX_HOURLY_WAGE if k % 2 == 0 else MAX_ANNUAL_WAGE) + draw.choice((0.0, 0.01, 1000.0))
    elif spoil == 2 and k < 10:
        wages[k], wages[k + 2 if k < 8 else k - 2] = wages[k + 2 if k < 8 else k - 2], wages[k]
    elif spoil == 3:
        wages[k] = 0.0
    return wages


@pytest.mark.parametrize("flags", [0, 1, 2, 3])
def test_the_fast_check_agrees_with_the_careful_one(flags: int) -> None:
    draw = random.Random(22 + flags)
    agreed = {True: 0, False: 0}
    for _ in range(20_000):
        wages = a_row(draw)
        fine = wage_problem(wages, top_codes=TOP_CODES, flags=flags) is None
        assert _plausible(wages, flags) is fine, wages
        agreed[fine] += 1
    assert min(agreed.values()) > 1_000  # both answers were exercised
