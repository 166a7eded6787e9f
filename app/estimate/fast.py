"""A pure-ASGI path for the common, valid ``GET /estimate``: it skips FastAPI's routing and parameter
validation, which cost several times the estimate itself. Anything it does not fully understand (an
unknown or repeated parameter, a value out of range, an unknown code) goes to the FastAPI route instead,
so errors, their shape and the OpenAPI contract come from one place."""

import re
from typing import Any, get_args
from urllib.parse import parse_qsl

import orjson

from app.errors import AppError
from app.estimate import service
from app.estimate.schemas import (
    HOURS_DEFAULT,
    HOURS_MAX,
    MATCH_MAX,
    YEARS_MAX,
    Education,
    Level,
    Setting,
    Specialty,
)
from app.store import Snapshot

_INT = re.compile(r"\d{1,6}")
_DECIMAL = re.compile(r"\d{1,3}(\.\d{1,6})?")
_METRO = re.compile(r"\d{5,7}")
_CHOICES = {
    "level": frozenset(get_args(Level)),
    "education": frozenset(get_args(Education)),
    "setting": frozenset(get_args(Setting)),
    "specialty": frozenset(get_args(Specialty)),
}
PARAMETERS = frozenset(
    {"years", "certifications", "state", "metro", "hours_per_year", "retirement_match_pct", *_CHOICES}
)


def parse_profile(query_string: bytes) -> dict[str, Any] | None:
    """The profile when every parameter is known, given once and valid; otherwise None."""
    try:
        text = query_string.decode("ascii")
    except UnicodeDecodeError:
        return None
    pairs: list[tuple[str, str]] = []
    if "%" in text or "+" in text:
        try:
            pairs = parse_qsl(text, keep_blank_values=True, strict_parsing=True)
        except ValueError:
            return None
    elif text:
        # Nothing to unquote: a plain split is what parse_qsl would return, at a fraction of its cost.
        for segment in text.split("&"):
            key, equals, value = segment.partition("=")
            if not equals:
                return None
            pairs.append((key, value))
    profile: dict[str, Any] = dict.fromkeys(PARAMETERS)
    profile["hours_per_year"] = HOURS_DEFAULT
    seen: set[str] = set()
    for key, value in pairs:
        if key not in PARAMETERS or key in seen:
            return None
        seen.add(key)
        if key in ("years", "hours_per_year"):
            if not _INT.fullmatch(value):
                return None
            number = int(value)
            if not (0 <= number <= YEARS_MAX if key == "years" else 1 <= number <= HOURS_MAX):
                return None
            profile[key] = number
        elif key == "retirement_match_pct":
            if not _DECIMAL.fullmatch(value) or float(value) > MATCH_MAX:
                return None
            profile[key] = float(value)
        elif key in _CHOICES:
            if value not in _CHOICES[key]:
                return None
            profile[key] = value
        elif key == "state":
            if len(value) != 2:
                return None
            profile[key] = value
        elif key == "metro":
            if not _METRO.fullmatch(value):
                return None
            profile[key] = value
        else:  # certifications
            if not 0 < len(value) <= 200:
                return None
            profile[key] = value
    return profile


def estimate_body(snapshot: Snapshot, query_string: bytes) -> bytes | None:
    """The JSON body of ``GET /estimate?<query_string>``, or None to let the FastAPI route answer."""
    profile = parse_profile(query_string)
    if profile is None:
        return None
    try:
        return orjson.dumps(service.estimate_one(snapshot, **profile))
    except AppError:
        return None
