"""Which unit a pay amount is in when the caller does not say: job posts give hourly pay in tens of dollars
and yearly pay in tens of thousands, so 1,000 separates them. The words people write a unit in, in `unit=`
or after an amount ('$22/hr'), are defined here once."""

import re
from dataclasses import dataclass
from typing import Any, cast, final, get_args

from pydantic import BeforeValidator, GetCoreSchemaHandler, ValidationError
from pydantic_core import CoreSchema, PydanticCustomError, PydanticKnownError, core_schema
from pydantic_core.core_schema import ErrorType, ValidatorFunctionWrapHandler

from app.domain.models import WageUnit
from app.errors import PLAIN_WORDS, InvalidInput

# Amounts below this are hourly, at or above it annual (no hourly wage reaches $1,000, no salary stays under).
HOURLY_BELOW = 1000

# The words of each unit, as `unit=` takes them ('per hour', 'yr', 'salary') and as they follow an amount
# ('$22.50/hr', '28 per hour', '45k a year'); a unit's own name is among them.
UNIT_WORDS: dict[WageUnit, tuple[str, ...]] = {
    WageUnit.hourly: ("hourly", "hours", "hour", "hrs", "hr", "h"),
    WageUnit.annual: ("annually", "annual", "yearly", "years", "year", "yrs", "yr", "annum", "salary"),
}
_UNIT_OF_WORD = {word: unit for unit, words in UNIT_WORDS.items() for word in words}
# The words, as a contract's description lists them: "hourly: hours, hour, ...; annual: ...; ...".
UNIT_IN_WORDS = (
    "; ".join(
        f"{unit.value}: " + ", ".join(w for w in words if w != unit.value)
        for unit, words in UNIT_WORDS.items()
    )
    + "; each also after per, a or /"
)
# Matched against text without its spaces ('22.50 per hour' is '22.50perhour'): spaces between optional
# parts let a regular expression try every way of sharing them out, cubic in their number (800 spaces in
# one amount took 8 s), where without them the work is linear.
_UNIT_TEXT = r"(?:/|per|an?)?(" + "|".join(_UNIT_OF_WORD) + ")"
_UNIT = re.compile(_UNIT_TEXT, re.IGNORECASE)
# A posting's pay amount as people write it: '$45,000', '45,000.00', 'USD 45,000', '45k', '$22.50/hr',
# '22.50 per hour'. The number is the amount; its unit word must agree with the unit read (`pay_unit`).
_TYPED_AMOUNT = re.compile(
    r"(?:usd|us\$|\$)?(\d{1,3}(?:,\d{3})+|\d+)(\.\d+)?(k)?(?:usd)?(?:" + _UNIT_TEXT + ")?", re.IGNORECASE
)
# Two amounts in one field ('45k-55k', '$22 to $28/hr'): a range, whose ends go in two parameters.
_RANGE_SEPARATOR = re.compile("-|\u2013|\u2014|to", re.IGNORECASE)
# A range longer than this is no posting's: it is refused as the number it is not, not repeated in words.
_RANGE_LONGEST = 60


# Spaces, but not one between two digits: '22 25' stays two numbers (refused), never 2225.
_SPACES = re.compile(r"\s+(?!\d)|(?<!\d)\s+")


def _compact(text: str) -> str:
    """``text`` without its spaces, except between digits: how amounts and unit words are matched."""
    return _SPACES.sub("", text)


@final
class TypedAmount:
    """A posted amount as written: the number ('$22/hr': 22.0, '45k': 45000.0), the unit its own words name
    ('$22/hr': hourly; None without unit words) and the text it was read from, which a refusal repeats."""

    __slots__ = ("amount", "text", "unit")
    amount: float
    unit: WageUnit | None
    text: str | None

    def __init__(self, amount: float, *, unit: WageUnit | None = None, text: str | None = None) -> None:
        object.__setattr__(self, "amount", amount)
        object.__setattr__(self, "unit", unit)
        object.__setattr__(self, "text", text)

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError(f"a TypedAmount does not change: {name}")

    @property
    def shown(self) -> str:
        """The amount as a refusal repeats it: as typed, else in digits (1234567, not 1.23457e+06)."""
        return self.text if self.text is not None else f"{self.amount:.15g}"

    def __repr__(self) -> str:
        return f"TypedAmount({self.amount!r}, unit={self.unit!r}, text={self.text!r})"


def _read_amount(value: Any, names: tuple[str, str]) -> tuple[Any, WageUnit | None]:
    """(the number in an amount written as a posting writes it, the unit its words name), else (the value as
    it came, None): then refused, or read, as a number; a range in one field is refused naming the two
    parameters its ends go in."""
    if isinstance(value, str):
        found = _TYPED_AMOUNT.fullmatch(_compact(value))
        if found is not None:
            whole, fraction, thousands, word = found.groups()
            # '32.2k' is read as 32.2e3, one correctly rounded number (32.2 * 1000 is 32200.000000000004).
            number = float(whole.replace(",", "") + (fraction or "") + ("e3" if thousands else ""))
            return number, _UNIT_OF_WORD[word.lower()] if word else None
        ends = [end.strip() for end in _RANGE_SEPARATOR.split(value, maxsplit=1)]
        if (
            len(value) <= _RANGE_LONGEST
            and len(ends) == 2
            and all(map(_TYPED_AMOUNT.fullmatch, map(_compact, ends)))
        ):
            low_name, high_name = names
            raise PydanticCustomError(
                PLAIN_WORDS,
                "is a range: send its ends as two amounts, {low_name}={bottom}&{high_name}={top}",
                {"low_name": low_name, "bottom": ends[0], "high_name": high_name, "top": ends[1]},
            )
    return value, None


@dataclass(frozen=True)
class _AmountAsTyped:
    """How a posted amount is validated: read as written (its number and unit words), then checked as the
    number the contract documents (its bounds); a ``TypedAmount``, or None where it may be left out."""

    names: tuple[str, str]

    def __get_pydantic_core_schema__(self, source: Any, handler: GetCoreSchemaHandler) -> CoreSchema:
        # On the wire an amount is a number (or nothing, where it may be left out): the bounds given with it
        # apply to that number, and the contract documents it.
        number = float | None if type(None) in get_args(source) else float
        return core_schema.no_info_wrap_validator_function(self._validate, handler(number))

    def _validate(self, value: Any, handler: ValidatorFunctionWrapHandler) -> TypedAmount | None:
        number, unit = _read_amount(value, self.names)
        try:
            amount = handler(number)
        except ValidationError as refused:
            if number is value:
                raise
            # Out of bounds ('$0', '20000k'): refused as typed, not as the number read (0.0, 20000000.0).
            error = refused.errors()[0]
            raise PydanticKnownError(cast(ErrorType, error["type"]), error.get("ctx")) from None
        if amount is None:
            return None
        return TypedAmount(amount, unit=unit, text=value if isinstance(value, str) else None)


def amount_as_typed(names: tuple[str, str]) -> _AmountAsTyped:
    """The validator of a posted amount (a ``TypedAmount``), one of the pair ``names`` (low, high) a range's
    ends go in."""
    return _AmountAsTyped(names)


def _typed_unit(value: Any) -> Any:
    """The unit a `unit=` value names in words ('per hour', 'yr', 'salary'), else the value as it came."""
    if isinstance(value, str):
        found = _UNIT.fullmatch(_compact(value))
        if found is not None:
            return _UNIT_OF_WORD[found.group(1).lower()].value
    return value


UNIT_AS_TYPED = BeforeValidator(_typed_unit)


def pay_unit(
    *,
    low: TypedAmount,
    high: TypedAmount,
    unit: WageUnit | str | None,
    names: tuple[str, str],
) -> tuple[WageUnit, bool]:
    """(the unit, whether it was inferred): as given, else hourly when every amount is below 1,000 and annual
    when every amount is 1,000 or more; a range straddling 1,000 is a 422 asking for the unit, and so is an
    amount written with a unit word ('$22/hr') other than the unit read."""
    unit_name = names[0].rsplit("_", 1)[0] + "_unit" if "_" in names[0] else "unit"
    chosen, inferred = _chosen_unit(low=low, high=high, unit=unit, names=names, unit_name=unit_name)
    for name, typed in zip(names, (low, high), strict=True):
        said = typed.unit
        if said is not None and said is not chosen:
            why = (
                f"amounts {'below' if chosen is WageUnit.hourly else 'of'} {HOURLY_BELOW:,}"
                f"{'' if chosen is WageUnit.hourly else ' or more'} are read as {chosen.value}"
                if inferred
                else f"{unit_name}={chosen.value}"
            )
            raise InvalidInput(
                f"{name}={typed.text} is written as {said.value} pay, but {why}. Say which: {unit_name}="
                f"{said.value} to read it as written, or leave the unit words out of {name}.",
                details=[
                    {"parameter": name, "value": typed.text, "problem": f"written as {said.value}"},
                    {
                        "parameter": unit_name,
                        "value": chosen.value,
                        "problem": "conflict",
                        "allowed": [u.value for u in WageUnit],
                    },
                ],
            )
    return chosen, inferred


def _chosen_unit(
    *,
    low: TypedAmount,
    high: TypedAmount,
    unit: WageUnit | str | None,
    names: tuple[str, str],
    unit_name: str,
) -> tuple[WageUnit, bool]:
    """The unit given, else the one the amounts' size says; a 422 when they straddle 1,000."""
    if unit is not None:
        return WageUnit(unit), False
    if low.amount < HOURLY_BELOW and high.amount < HOURLY_BELOW:
        return WageUnit.hourly, True
    if low.amount >= HOURLY_BELOW and high.amount >= HOURLY_BELOW:
        return WageUnit.annual, True
    low_name, high_name = names
    raise InvalidInput(
        f"{low_name}={low.shown} and {high_name}={high.shown} lie on both sides of {HOURLY_BELOW:,}, so they "
        f"cannot both be hourly or both annual. Say which with {unit_name}=hourly or {unit_name}=annual.",
        details=[{"parameter": unit_name, "problem": "unit needed", "allowed": [u.value for u in WageUnit]}],
    )


def unit_reason(unit: WageUnit, inferred: bool) -> str:
    """How the unit was chosen, in words."""
    if not inferred:
        return f"{unit.value}, as given"
    if unit is WageUnit.hourly:
        return f"hourly: no unit was given and every amount is below {HOURLY_BELOW:,}"
    return f"annual: no unit was given and every amount is {HOURLY_BELOW:,} or more"
