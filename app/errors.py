"""One error hierarchy and one error shape:
``{"error": {"status", "type", "message", "details", "request_id"}}``."""

import difflib
import json
import re
from collections.abc import Callable, Collection, Sequence
from enum import StrEnum
from typing import Any

from app.request_context import current_request_id


class ErrorType(StrEnum):
    """What went wrong, as a code a client can branch on (every error the API sends has one of these)."""

    invalid_query = "invalid_query"
    invalid_input = "invalid_input"
    ambiguous = "ambiguous"
    invalid_body = "invalid_body"
    not_found = "not_found"
    method_not_allowed = "method_not_allowed"
    unauthorized = "unauthorized"
    forbidden = "forbidden"
    precondition_failed = "precondition_failed"
    payload_too_large = "payload_too_large"
    unsupported_media_type = "unsupported_media_type"
    rate_limited = "rate_limited"
    service_unavailable = "service_unavailable"
    timeout = "timeout"
    request_timeout = "request_timeout"
    headers_too_large = "headers_too_large"
    import_failed = "import_failed"
    http_error = "http_error"
    internal_error = "internal_error"


class AppError(Exception):
    """An error a service raises, answered in the error shape; a subclass names its status and type in its
    class line: ``class NotFound(AppError, status=404, error_type=ErrorType.not_found)``."""

    status_code = 500
    error_type = ErrorType.internal_error

    def __init_subclass__(
        cls, *, status: int | None = None, error_type: ErrorType | None = None, **kwargs: Any
    ) -> None:
        super().__init_subclass__(**kwargs)
        if status is not None:
            cls.status_code = status
        if error_type is not None:
            cls.error_type = error_type

    def __init__(self, message: str, *, details: list[dict[str, Any]] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.details = details or []

    def to_dict(self) -> dict[str, Any]:
        return error_body(self.status_code, self.error_type, self.message, self.details)

    @property
    def headers(self) -> dict[str, str]:
        """Headers the error's answer carries."""
        return {}


class InvalidQuery(AppError, status=400, error_type=ErrorType.invalid_query):
    """A query the route cannot take (an unknown or repeated parameter, a sort field it lacks): 400."""


class InvalidInput(AppError, status=422, error_type=ErrorType.invalid_input):
    """Well-formed but unacceptable input (unknown codes, contradictions): 422."""


class Ambiguous(InvalidInput, error_type=ErrorType.ambiguous):
    """Input that could mean several things (a place name in several states, a job title of several
    occupations): 422, with the ``candidates`` to choose from, best first."""

    def __init__(
        self,
        message: str,
        *,
        details: list[dict[str, Any]] | None = None,
        candidates: list[dict[str, Any]] | None = None,
    ) -> None:
        super().__init__(message, details=details)
        self.candidates = candidates or []

    def to_dict(self) -> dict:
        body = super().to_dict()
        body["error"]["candidates"] = self.candidates
        return body


class NotFound(AppError, status=404, error_type=ErrorType.not_found):
    """The occupation, release, place or code named is none we hold, or it has no such figures: 404."""


class Unauthorized(AppError, status=401, error_type=ErrorType.unauthorized):
    """An admin request without the right bearer token: 401."""


class Forbidden(AppError, status=403, error_type=ErrorType.forbidden):
    """An admin request while no admin token is configured: 403."""


class UnsupportedMediaType(AppError, status=415, error_type=ErrorType.unsupported_media_type):
    """A body not marked as JSON sent to a route that takes JSON: 415."""


# Seconds a client is told to wait (Retry-After) before repeating a request a 503 turned away.
RETRY_AFTER_SECONDS = 5


class ServiceUnavailable(AppError, status=503, error_type=ErrorType.service_unavailable):
    """503: try again shortly; the answer carries ``Retry-After``."""

    @property
    def headers(self) -> dict[str, str]:
        return {"Retry-After": str(RETRY_AFTER_SECONDS)}


class ImportFailed(AppError, status=422, error_type=ErrorType.import_failed):
    """An OEWS file that cannot be imported, and why: 422."""


# A body that is not JSON at all (malformed, or nested past what the parser takes): 400, whoever finds it.
MALFORMED_BODY = (
    "The request body could not be read as JSON (malformed, or nested too deeply). "
    "Send one profile object, or a list of up to 100 profile objects."
)


class RepeatedName(InvalidInput):
    """A JSON body with an object giving one name twice (``{"years": 4, "years": 40}``), at any depth: 422
    naming it and where. JSON leaves which one counts to each reader (RFC 8259 §4: a proxy may check the
    first, Python keeps the last), so neither is taken. ``path`` leads to the object: names and list indexes,
    a leading index being the profile's in a list of them; None when it was not searched for (a huge body)."""

    def __init__(self, name: str, path: Sequence[str | int] | None) -> None:
        steps = tuple(path or ())
        index = steps[0] if steps and isinstance(steps[0], int) else None
        inner = ".".join(str(p) for p in steps[index is not None :])
        places = ["in one of its many objects"] if path is None else []
        places += [f"in profile {index}"] if index is not None else []
        places += [f"under {_short(inner, 100)}"] if inner else []
        where = f" ({', '.join(places)})" if places else ""
        detail: dict[str, Any] = {
            "parameter": _short(".".join(str(p) for p in (*steps, name)), 100),
            "problem": "is given twice",
            "value": None,
        }
        super().__init__(
            f"The JSON body gives '{_short(name)}' twice{where}; give each field once.",
            details=[detail if index is None else {"index": index, **detail}],
        )


def error_body(
    status: int, error_type: str, message: str, details: list[dict[str, Any]] | None = None
) -> dict:
    """The single error shape every 4xx and 5xx uses; ``request_id`` matches the log lines of the request."""
    return {
        "error": {
            "status": status,
            "type": error_type,
            "message": message,
            "details": details or [],
            "request_id": current_request_id.get(),
        }
    }


def _short(value: Any, limit: int = 60) -> str:
    """What was typed, as the client wrote it (JSON's spelling for what is not text), shortened."""
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False, default=str)
    return _sendable(text if len(text) <= limit else text[:limit] + "...")


def _sendable(text: str) -> str:
    """``text`` with any lone surrogate (a JSON body may hold ``"\\ud800"``) written as its escape: UTF-8,
    and so a JSON answer, cannot carry it."""
    return text.encode("utf-8", "backslashreplace").decode("utf-8")


# The error type of a validator that says what is wrong in its own plain words (a PydanticCustomError of
# this type; its message follows the parameter and what was typed: "low=45k-55k is a range: ...").
PLAIN_WORDS = "plain_words"

# What a parameter's pattern means, in words, by the pattern: a value that does not match is explained with
# these words, never with the regular expression. Whoever defines a pattern says what it means here.
PATTERN_WORDS: dict[str, str] = {}
# The values a pattern allows, where they are a list (sort and fields names), by the pattern.
PATTERN_ALLOWED: dict[str, list[str]] = {}
# What a value refused by a pattern was likely meant to be, where the pattern's definer can say better than
# the nearest allowed value (a sort's 'median desc' is '-median'), by the pattern.
PATTERN_MEANT: dict[str, Callable[[str], str | None]] = {}
# What a value outside a closed vocabulary says, where its definer knows (education=masters: above what the
# sources price), by the vocabulary's values in order: words for the refusal, instead of the nearest spelling.
VOCABULARY_OUTSIDE: dict[tuple[str, ...], Callable[[str], str | None]] = {}


def describe_pattern(
    pattern: str,
    words: str,
    allowed: list[str] | None = None,
    suggest: Callable[[str], str | None] | None = None,
) -> str:
    """Register what ``pattern`` means (its allowed values, what a refused value was likely meant to be) for
    validation messages; returns it."""
    PATTERN_WORDS[pattern] = words
    if allowed is not None:
        PATTERN_ALLOWED[pattern] = allowed
    if suggest is not None:
        PATTERN_MEANT[pattern] = suggest
    return pattern


def _bound(ctx: dict[str, Any], key: str) -> str:
    value = ctx.get(key)
    # In digits, as a person writes it: a float bound of 10,000,000 is 10000000, never 1e+07.
    return f"{value:.15g}" if isinstance(value, float) else str(value)


def _problem(err: dict[str, Any]) -> str:
    """What is wrong with one value, in plain words (no validator vocabulary, no regular expressions)."""
    kind = str(err.get("type", ""))
    ctx = err.get("ctx") or {}
    if kind == "missing":
        return "is required"
    if kind == PLAIN_WORDS:
        return str(err.get("msg"))
    if kind == "extra_forbidden":
        return "is not a field this request takes"
    if kind == "string_too_long":
        return f"is too long: at most {ctx.get('max_length')} characters"
    if kind == "string_too_short":
        return (
            "is empty" if ctx.get("min_length") == 1 else f"needs at least {ctx.get('min_length')} characters"
        )
    if kind == "too_long":
        return f"has too many entries: at most {ctx.get('max_length')}"
    if kind == "too_short":
        return f"needs at least {ctx.get('min_length')} entries"
    if kind == "string_pattern_mismatch":
        return "should be " + PATTERN_WORDS.get(
            str(ctx.get("pattern")), "in the form the documentation gives"
        )
    if kind in ("int_parsing", "int_from_float", "int_type"):
        return "should be a whole number"
    if kind in ("float_parsing", "float_type"):
        return "should be a number"
    if kind == "finite_number":
        return "should be a finite number"
    if kind in ("bool_parsing", "bool_type"):
        return "should be true or false"
    if kind in ("string_type", "string_unicode"):
        return "should be text"
    if kind == "greater_than_equal":
        return f"should be at least {_bound(ctx, 'ge')}"
    if kind == "greater_than":
        return f"should be more than {_bound(ctx, 'gt')}"
    if kind == "less_than_equal":
        return f"should be at most {_bound(ctx, 'le')}"
    if kind == "less_than":
        return f"should be less than {_bound(ctx, 'lt')}"
    if kind in ("enum", "literal_error"):
        return f"should be one of {str(ctx.get('expected', '')).replace(chr(39), '')}"
    if kind in ("model_attributes_type", "dict_type", "model_type"):
        return "should be a JSON object"
    if kind == "list_type":
        return "should be a list"
    if kind == "json_invalid":
        return "is not valid JSON"
    return "is not a value this request accepts"


def _allowed(err: dict[str, Any]) -> list[str] | None:
    ctx = err.get("ctx") or {}
    if "pattern" in ctx:
        return PATTERN_ALLOWED.get(str(ctx["pattern"]))
    if err.get("type") in ("enum", "literal_error"):
        return [
            v.strip(" '") for v in str(ctx.get("expected", "")).replace(" or ", ", ").split(",") if v.strip()
        ]
    return None


# How alike a typo and what was meant must be (difflib's ratio) for a refusal to suggest it.
SPELLING_CUTOFF = 0.6


def nearest_spellings(
    word: str, choices: Sequence[str], *, n: int = 1, cutoff: float = SPELLING_CUTOFF
) -> list[str]:
    """The ``n`` choices spelled nearest ``word`` (difflib's ratio at least ``cutoff``), closest first: what
    every refusal suggests was meant. The caller folds case as its choices are written."""
    return difflib.get_close_matches(word, choices, n=n, cutoff=cutoff)


def nearest_spelling(word: str, choices: Sequence[str], *, cutoff: float = SPELLING_CUTOFF) -> str | None:
    """The choice spelled nearest ``word``, or None when none is alike enough (``nearest_spellings``)."""
    return next(iter(nearest_spellings(word, choices, cutoff=cutoff)), None)


def _meant(err: dict[str, Any], got: str, allowed: list[str]) -> str | None:
    """What a refused value was likely meant to be: its pattern's own suggestion, else the nearest allowed."""
    suggest = PATTERN_MEANT.get(str((err.get("ctx") or {}).get("pattern")))
    if suggest is not None:
        return suggest(got)
    return nearest_spelling(got.lower(), allowed)


# The labels pydantic puts in an error's location for the member of a union it tried ("constrained-str",
# "list[constrained-str]"): the validator's words, not a parameter's name (ours are snake_case words).
_UNION_TAG = re.compile(r"^(?:constrained-\w+|\w+\[.*\]|str|int|float|bool|none|list|dict)$")


def validation_message(
    errors: Sequence[Any], *, empty: Collection[str] = ()
) -> tuple[str, list[dict[str, Any]]]:
    """A person-readable message and details from pydantic's validation errors: each names the parameter and
    what was typed, says what is wrong in plain words and, where it is a list, what is allowed. Header and
    cookie values are never echoed: they may be credentials. ``empty`` names the query parameters given
    with an empty value, read as not given: a required one is said to be empty."""
    details = []
    parts = []
    for err in errors:
        raw_loc = err.get("loc", ())
        secret = bool(raw_loc) and raw_loc[0] in ("header", "cookie")
        loc = [
            _sendable(str(p))
            for p in raw_loc
            if p not in ("query", "path", "body", "header", "cookie") and not _UNION_TAG.match(str(p))
        ]
        where = ".".join(loc) or "the request body"
        got = None if secret or err.get("type") == "missing" else err.get("input")
        problem = _problem(err)
        if err.get("type") == "missing" and where in empty:
            got, problem = "", "is empty, and is required"
        allowed = _allowed(err)
        if allowed and isinstance(got, str):
            outside = VOCABULARY_OUTSIDE.get(tuple(allowed))
            said = outside(got) if outside is not None else None
            nearest = None if said else _meant(err, got, allowed)
            if said:
                problem += f" ({said})"
            elif nearest:
                problem += f" (did you mean {_short(nearest)}?)"
        detail: dict[str, Any] = {
            "parameter": where,
            "problem": problem,
            "value": None if got is None else _short(got),
        }
        if allowed:
            detail["allowed"] = allowed
        details.append(detail)
        shown = "" if got is None or isinstance(got, dict | list) else f"={_short(got)}"
        parts.append(f"{where}{shown} {problem}")
    return "Invalid request: " + "; ".join(parts[:5]) + ".", details[:20]
