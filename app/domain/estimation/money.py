"""Money as the method counts it: decimals as printed, whole cents as integers, dollars as floats."""

from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")

# Money in whole cents (int) once the range is computed: exact like Decimal, and a fraction of its cost. In
# the answer, cents / 100: int / int is correctly rounded, the float nearest (4189120 -> 41891.2). Written
# inline, not as a function: its 21 calls were 3.6% of a never-seen /estimate's instructions.
Cents = tuple[int, int, int]


def dec(value: float | int | Decimal) -> Decimal:
    """The decimal the figure was printed as (17.85, not the binary float nearest to it)."""
    return value if isinstance(value, Decimal) else Decimal(repr(value))


def to_cents(value: float | Decimal) -> int:
    """The amount in whole cents, half up."""
    return int(dec(value).quantize(CENT, rounding=ROUND_HALF_UP) * 100)


def percent_of(cents: int, pct: tuple[int, int]) -> int:
    """cents x pct / 100 rounded half up to a whole cent, in integers; pct = numerator / denominator."""
    numerator, denominator = pct
    return (cents * numerator + 50 * denominator) // (100 * denominator)
