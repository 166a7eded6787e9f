"""Operator actions over HTTP, guarded by a token compared in constant time."""

import hmac

from app.errors import Forbidden, Unauthorized


def check_token(*, configured: str | None, authorization: str | None) -> None:
    """Allow only ``Authorization: Bearer <token>`` matching the configured token; off when none is set."""
    if not configured:
        raise Forbidden("Admin endpoints are disabled: the operator has not set SALARY_API_ADMIN_TOKEN.")
    scheme, _, given = (authorization or "").partition(" ")
    if scheme.lower() != "bearer" or not hmac.compare_digest(given.strip().encode(), configured.encode()):
        raise Unauthorized("A valid admin token is required: send 'Authorization: Bearer <token>'.")
