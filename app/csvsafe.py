"""CSV formula injection: a text cell a spreadsheet would run as a formula is prefixed with an apostrophe.

OWASP's advice: cells starting with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return. Numbers are
not text and stay numbers; every CSV the service writes goes through this (listings and /export)."""

from typing import Any

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
NEUTRALISER = "'"


def neutralise(value: Any) -> Any:
    """``value`` with an apostrophe in front when it is text a spreadsheet would evaluate; a boolean as
    ``true`` or ``false`` (as in JSON), not Python's spelling."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return NEUTRALISER + value
    return value
