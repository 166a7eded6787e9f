import random
from decimal import ROUND_HALF_UP, Decimal

import pytest

from app import fmt


def printed_rounded(value: float, places: str) -> Decimal:
    """The rule the page and the API share: half up on the decimal the float prints as."""
    return Decimal(repr(value)).quantize(Decimal(places), rounding=ROUND_HALF_UP)


@pytest.mark.parametrize(
    ("value", "hourly", "annual"),
    [
        (23.45, "$23.45", "$23"),
        (41891.5, "$41,891.50", "$41,892"),
        (41891.49, "$41,891.49", "$41,891"),
        (0.5, "$0.50", "$1"),
        (0.01, "$0.01", "$0"),
        (2.675, "$2.68", "$3"),  # three places: the printed 2.675, not the binary float below it
        (1.005, "$1.01", "$1"),
        (999999999.99, "$999,999,999.99", "$1,000,000,000"),
        (1234567890.5, "$1,234,567,890.50", "$1,234,567,891"),  # past the integer path's bound
        (0.0, "$0.00", "$0"),
        (-0.0, "$-0.00", "$-0"),
        (-12.5, "$-12.50", "$-13"),
        (48780, "$48,780.00", "$48,780"),
    ],
)
def test_money_rounds_half_up_on_the_printed_decimal(value: float, hourly: str, annual: str):
    assert fmt.hourly(value) == hourly
    assert fmt.annual(value) == annual
    assert fmt.annual(value, open_top=True) == annual + "+"


def test_money_agrees_with_the_printed_decimal_rule_over_many_amounts():
    chance = random.Random(2072)
    amounts = [chance.randint(1, 10**11) / 100 for _ in range(20_000)]
    amounts += [chance.randint(1, 10**8) / 1000 for _ in range(5_000)]  # a third place: the Decimal path
    for value in amounts:
        assert fmt.hourly(value) == f"${printed_rounded(value, '0.01'):,}", value
        assert fmt.annual(value) == f"${printed_rounded(value, '1'):,}", value
