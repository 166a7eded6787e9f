"""One error hierarchy and one error shape:
``{"error": {"status", "type", "message", "details", "request_id"}}``."""

from collections.abc import Sequence
from typing import Any

from app.observability.requestid import current_request_id


class AppError(Exception):
    status_code = 500
    error_type = "internal_error"

    def __init__(self, message: str, *, details: list[dict[str, Any]] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.details = details or []

    def to_dict(self) -> dict[str, Any]:
        return error_body(self.status_code, self.error_type, self.message, self.details)


class InvalidQuery(AppError):
    status_code = 400
    error_type = "invalid_query"


class InvalidInput(AppError):
    """Well-formed but unacceptable input (unknown codes, contradictions): 422."""

    status_code = 422
    error_type = "invalid_input"


class NotFound(AppError):
    status_code = 404
    error_type = "not_found"


class Unauthorized(AppError):
    status_code = 401
    error_type = "unauthorized"


class Forbidden(AppError):
    status_code = 403
    error_type = "forbidden"


class PayloadTooLarge(AppError):
    status_code = 413
    error_type = "payload_too_large"


class ServiceUnavailable(AppError):
    status_code = 503
    error_type = "service_unavailable"


class ImportFailed(AppError):
    status_code = 422
    error_type = "import_failed"


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
    text = repr(value)
    return text if len(text) <= limit else text[:limit] + "..."


def validation_message(errors: Sequence[Any]) -> tuple[str, list[dict[str, Any]]]:
    """A person-readable message and details from pydantic's validation errors. Header and cookie values
    are never echoed: they may be credentials."""
    details = []
    parts = []
    for err in errors:
        raw_loc = err.get("loc", ())
        secret = bool(raw_loc) and raw_loc[0] in ("header", "cookie")
        loc = [str(p) for p in raw_loc if p not in ("query", "path", "body", "header", "cookie")]
        where = ".".join(loc) or "request"
        msg = err.get("msg", "invalid value")
        got = None if secret else err.get("input")
        details.append({"parameter": where, "problem": msg, "value": None if secret else _short(got)})
        parts.append(
            f"{where}: {msg}"
            + ("" if got is None or isinstance(got, dict | list) else f" (got {_short(got)})")
        )
    return "Invalid request. " + "; ".join(parts[:5]) + ".", details[:20]
