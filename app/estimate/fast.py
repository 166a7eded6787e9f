"""A pure-ASGI path for the common, valid ``GET /estimate``: it skips FastAPI's routing and dependency
machinery, which cost several times the estimate itself. It validates with the same query model as the
route (app.domain.profile.ProfileQuery); anything it does not fully accept (an unknown, repeated or
empty parameter, an invalid value, an unknown code) goes to the FastAPI route instead, so errors, their
shape and the OpenAPI contract come from one place."""

from urllib.parse import parse_qsl

from pydantic import ValidationError

from app.domain.estimation import estimates as service
from app.domain.profile import PROFILE_FIELDS, ProfileQuery
from app.domain.store import DataUnavailable, Snapshot
from app.errors import AppError

PARAMETERS = frozenset(PROFILE_FIELDS)
_validate = ProfileQuery.__pydantic_validator__.validate_python


def parse_profile(query_string: bytes) -> ProfileQuery | None:
    """The profile when every parameter is known, given once, non-empty and valid; otherwise None."""
    try:
        text = query_string.decode("ascii")
    except UnicodeDecodeError:
        return None
    given: dict[str, str] = {}
    if "%" in text or "+" in text:
        try:
            pairs = parse_qsl(text, keep_blank_values=True, strict_parsing=True)
        except ValueError:
            return None
    elif text:
        # Nothing to unquote: a plain split is what parse_qsl would return, at a fraction of its cost.
        pairs = []
        for segment in text.split("&"):
            key, equals, value = segment.partition("=")
            if not equals:
                return None
            pairs.append((key, value))
    else:
        pairs = []
    for key, value in pairs:
        if key not in PARAMETERS or key in given or not value:
            return None
        given[key] = value
    try:
        return _validate(given)  # type: ignore[no-any-return]
    except ValidationError:
        return None


def estimate_body(snapshot: Snapshot, query_string: bytes) -> bytes | None:
    """The JSON body of ``GET /estimate?<query_string>``, or None to let the FastAPI route answer."""
    profile = parse_profile(query_string)
    if profile is None:
        return None
    try:
        # An occupation not yet in memory is read by the route, in a worker thread.
        if not snapshot.has_figures(snapshot.catalog.resolve(profile.occupation).id):
            return None
        return service.estimate_json(snapshot, profile)
    except (AppError, DataUnavailable):
        return None
