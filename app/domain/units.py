"""Which unit a pay amount is in when the caller does not say: job posts give hourly pay in tens of dollars
and yearly pay in tens of thousands, so 1,000 separates them."""

import re
from typing import Any

from pydantic import BeforeValidator

from app.domain.models import WageUnit
from app.errors import InvalidInput

# Amounts below this are hourly, at or above it annual (no hourly wage reaches $1,000, no salary stays under).
HOURLY_BELOW = 1000


# A posting's pay amount as people write it: '$45,000', '45,000.00', 'USD 45,000', '45k', '$22.50/hr',
# '22.50 per hour'. The per-unit words are read as written and left out: the unit is `unit`'s, or inferred.
_TYPED_AMOUNT = re.compile(
    r"(?:usd|us\$|\$)?\s*(\d{1,3}(?:,\d{3})+|\d+)(\.\d+)?\s*(k)?\s*(?:usd)?"
    r"\s*(?:(?:/|per|an?)\s*(?:hr|hour|h|yr|year|annum))?",
    re.IGNORECASE,
)


def _typed_amount(value: Any) -> Any:
    """The number in an amount written as a posting writes it, else the value as it came (then refused, or
    read, as a number)."""
    if isinstance(value, str):
        found = _TYPED_AMOUNT.fullmatch(value.strip())
        if found is not None:
            whole, fraction, thousands = found.groups()
            return float(whole.replace(",", "") + (fraction or "")) * (1000 if thousands else 1)
    return value


AMOUNT_AS_TYPED = BeforeValidator(_typed_amount)


def pay_unit(
    *, low: float | None, high: float | None, unit: WageUnit | str | None, names: tuple[str, str]
) -> tuple[WageUnit, bool]:
    """(the unit, whether it was inferred): as given, else hourly when every amount is below 1,000 and annual
    when every amount is 1,000 or more; a range straddling 1,000 is a 422 asking for the unit."""
    if unit is not None:
        return WageUnit(unit), False
    amounts = [a for a in (low, high) if a is not None]
    if amounts and all(a < HOURLY_BELOW for a in amounts):
        return WageUnit.hourly, True
    if amounts and all(a >= HOURLY_BELOW for a in amounts):
        return WageUnit.annual, True
    low_name, high_name = names
    unit_name = names[0].rsplit("_", 1)[0] + "_unit" if "_" in names[0] else "unit"
    raise InvalidInput(
        f"{low_name}={low:g} and {high_name}={high:g} lie on both sides of {HOURLY_BELOW:,}, so they cannot "
        f"both be hourly or both annual. Say which with {unit_name}=hourly or {unit_name}=annual.",
        details=[{"parameter": unit_name, "problem": "unit needed", "allowed": [u.value for u in WageUnit]}],
    )


def unit_reason(unit: WageUnit, inferred: bool) -> str:
    """How the unit was chosen, in words."""
    if not inferred:
        return f"{unit.value}, as given"
    if unit is WageUnit.hourly:
        return f"hourly: no unit was given and every amount is below {HOURLY_BELOW:,}"
    return f"annual: no unit was given and every amount is {HOURLY_BELOW:,} or more"
