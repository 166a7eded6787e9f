"""What the rest of a request reads about it: its id, set by the observability layer, read by error bodies and
log lines. It sits below both so that neither imports the other."""

from contextvars import ContextVar

current_request_id: ContextVar[str | None] = ContextVar("request_id", default=None)
