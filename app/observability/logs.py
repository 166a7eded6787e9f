"""Logging set-up: JSON lines (one object per line) or plain text, for the server and the CLI.

Records carry their structured fields in ``extra={"fields": {...}}``; the request id comes from the
record (access lines, formatted by the access log's writer thread) or else from the request's context.
Nothing here reads headers, so secrets cannot leak through it."""

import json
import logging
import sys
import time
from functools import lru_cache
from typing import Any

import orjson

from app.config import Settings
from app.observability.requestid import current_request_id


def record_request_id(record: logging.LogRecord) -> str | None:
    """The record's own request id (an access line), else the id of the request being served."""
    return getattr(record, "request_id", None) or current_request_id.get()


@lru_cache(maxsize=8)
def _utc_second(second: int) -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(second))


_MILLISECONDS = tuple(f".{ms:03d}Z" for ms in range(1000))


def utc_time(created: float) -> str:
    """A line's time: UTC, to the millisecond, ``2026-12-04T17:44:22.026Z``."""
    second = int(created)
    return _utc_second(second) + _MILLISECONDS[int((created - second) * 1000)]


def json_text(doc: dict[str, Any]) -> str:
    """A line's object as JSON text. Text that is not valid UTF-8 (a lone surrogate, which a server other
    than uvicorn may put in a path) is written escaped by the standard library's encoder, where orjson
    refuses it: the line is kept, and the access log's writer thread does not stop on it."""
    try:
        return orjson.dumps(doc, default=str).decode()
    except orjson.JSONEncodeError:
        return json.dumps(doc, default=str, separators=(",", ":"))


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, message, request id and the record's fields."""

    def format(self, record: logging.LogRecord) -> str:
        doc = self.document(
            record.created,
            record.levelname.lower(),
            record.name,
            record.getMessage(),
            record_request_id(record),
            getattr(record, "fields", None),
        )
        if record.exc_info:
            doc["exception"] = self.formatException(record.exc_info)
        return json_text(doc)

    @staticmethod
    def document(
        created: float,
        level: str,
        logger: str,
        message: str,
        request_id: str | None,
        fields: dict[str, Any] | None,
    ) -> dict[str, Any]:
        """The line's object (also built without a LogRecord by the access log's writer)."""
        doc: dict[str, Any] = {
            "time": utc_time(created),
            "level": level,
            "logger": logger,
            "message": message,
        }
        if request_id is not None:
            doc["request_id"] = request_id
        if fields:
            doc.update(fields)
        return doc


class TextFormatter(logging.Formatter):
    """``time level logger message key=value ...`` for a terminal."""

    def __init__(self) -> None:
        super().__init__("%(asctime)s %(levelname)-7s %(name)s %(message)s")

    def format(self, record: logging.LogRecord) -> str:
        line = super().format(record)
        request_id = record_request_id(record)
        fields = dict(getattr(record, "fields", None) or {})
        if request_id is not None:
            fields["request_id"] = request_id
        if fields:
            line += " " + " ".join(f"{k}={v}" for k, v in fields.items() if k != "event")
        return line


def use_json(settings: Settings) -> bool:
    """JSON when asked, or on ``auto`` when stderr is not a terminal (a container, a pipe, a file)."""
    if settings.log_format == "auto":
        return not sys.stderr.isatty()
    return settings.log_format == "json"


def logging_config(settings: Settings) -> dict[str, Any]:
    """A ``logging.config.dictConfig`` dict: uvicorn's loggers and ours, through one stderr handler."""
    formatter = "json" if use_json(settings) else "text"
    level = settings.log_level.upper()
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {
            "json": {"()": "app.observability.logs.JsonFormatter"},
            "text": {"()": "app.observability.logs.TextFormatter"},
        },
        "handlers": {
            "stderr": {"class": "logging.StreamHandler", "formatter": formatter, "stream": "ext://sys.stderr"}
        },
        "loggers": {
            # uvicorn's own access log stays off: ours has the route template, the cache and the request id.
            "uvicorn": {"handlers": [], "level": level, "propagate": True},
            "uvicorn.error": {"handlers": [], "level": level, "propagate": True},
            "uvicorn.access": {"handlers": [], "level": "WARNING", "propagate": False},
        },
        "root": {"handlers": ["stderr"], "level": level},
    }


def configure(settings: Settings) -> None:
    """Apply ``logging_config`` in this process (the CLI's commands; ``serve`` passes it to uvicorn)."""
    import logging.config

    logging.config.dictConfig(logging_config(settings))


def event(logger: logging.Logger, level: int, name: str, message: str, **fields: Any) -> None:
    """Log an operational event (import, refresh, database fault) with its name and structured fields."""
    logger.log(level, message, extra={"fields": {"event": name, **fields}})
