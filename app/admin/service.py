"""Operator actions over HTTP, guarded by a token compared in constant time."""

from app.config import bearer_token_matches
from app.errors import Forbidden, Unauthorized


def check_token(*, configured: str | None, authorization: str | None) -> None:
    """Allow only ``Authorization: Bearer <token>`` matching the configured token; off when none is set."""
    if not configured:
        raise Forbidden("Admin endpoints are disabled: the operator has not set SALARY_API_ADMIN_TOKEN.")
    if not bearer_token_matches(configured, authorization):
        raise Unauthorized("A valid admin token is required: send 'Authorization: Bearer <token>'.")
