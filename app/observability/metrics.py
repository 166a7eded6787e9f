"""Prometheus metrics (prometheus-client), in its multiprocess mode when ``PROMETHEUS_MULTIPROC_DIR`` is set.

Per-request figures go straight to prometheus-client. The edge's counters are plain integers on the hot path
(a cache hit costs a few microseconds in all), added to the Prometheus counters by ``flush()``: at every
scrape in the process that answers it, and at every data-refresh tick in every process.
"""

from __future__ import annotations

import asyncio
import math
import os
import resource
import time
from bisect import bisect_left
from collections.abc import Iterator, Mapping
from itertools import accumulate
from typing import Any

import orjson
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    disable_created_metrics,
    generate_latest,
    multiprocess,
)
from prometheus_client.core import HistogramMetricFamily
from prometheus_client.registry import Collector
from prometheus_client.utils import floatToGoString
from starlette.types import Scope, Send

from app.config import bearer_token_matches
from app.errors import error_body

MULTIPROCESS = bool(os.environ.get("PROMETHEUS_MULTIPROC_DIR"))
CACHE_KEY = "salary_api.cache"  # scope key: "hit" or "miss", read by the access log
METHODS = frozenset({"GET", "HEAD", "POST", "OPTIONS", "PUT", "PATCH", "DELETE"})
LATENCY_BUCKETS = (0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 10, 30, 120)

# The *_created series double the output and tell nothing a process-start time does not.
disable_created_metrics()  # type: ignore[no-untyped-call]

# One histogram per method, route template and status; its _count is the number of requests.
LATENCY_NAME = "salary_api_request_duration_seconds"
LATENCY_DOC = "Time from the request to the end of the answer, by method, route template and status"
LATENCY_LABELS = ["method", "route", "status"]
CACHE_HITS = Counter("salary_api_cache_hits", "Answers sent from the response cache")
CACHE_MISSES = Counter("salary_api_cache_misses", "Cacheable GETs the cache could not answer")
CACHE_ADMISSIONS = Counter("salary_api_cache_admissions", "Answers admitted to the response cache")
CACHE_EVICTIONS = Counter("salary_api_cache_evictions", "Answers evicted from the response cache")
CACHE_BYTES = Gauge(
    "salary_api_cache_bytes", "Memory held by the response cache", multiprocess_mode="livesum"
)
RATE_LIMITED = Counter("salary_api_rate_limited", "Requests refused with 429 by the per-client limit")
ACCESS_LOG_DROPPED = Counter(
    "salary_api_access_log_dropped", "Access log lines dropped because the log writer's queue was full"
)
DATA_VERSION = Gauge(
    "salary_api_data_version", "Data version this process serves", multiprocess_mode="liveall"
)
DATA_REFRESHED = Gauge(
    "salary_api_data_refresh_timestamp_seconds",
    "Unix time of this process's last successful check of the database for a new data version",
    multiprocess_mode="liveall",
)
DATA_RELOADS = Counter("salary_api_data_reloads", "In-memory data reloaded after a new data version")
DATABASE_UP = Gauge(
    "salary_api_database_up", "1 when the last check reached the database", multiprocess_mode="liveall"
)
NEWER_RELEASE = Gauge(
    "salary_api_newer_release_available",
    "1 when the last `salary-api fetch-oews --check` found BLS's next OEWS period published and newer than "
    "the newest one held, else 0",
    multiprocess_mode="livemax",
)
RELEASE_CHECKED = Gauge(
    "salary_api_release_check_timestamp_seconds",
    "Unix time of the last `salary-api fetch-oews --check` (0: none has run)",
    multiprocess_mode="livemax",
)
DATABASE_FAULTS = Counter(
    "salary_api_database_faults",
    "Checks of the database that failed, by named fault (too_many_clients, connection_refused, "
    "authentication, timeout, ...)",
    ["fault"],
)
IMPORT_RUNS = Counter("salary_api_import_runs", "OEWS import runs by outcome", ["status"])
IMPORT_DURATION = Histogram(
    "salary_api_import_duration_seconds",
    "Duration of OEWS import runs",
    buckets=(1, 5, 15, 30, 60, 120, 300, 600, 1800),
)
IMPORT_ROWS = Counter("salary_api_import_rows", "Rows loaded by OEWS imports")
MEMORY = Gauge(
    "salary_api_process_resident_memory_bytes", "Resident memory of the process", multiprocess_mode="liveall"
)


class EdgeCounts:
    """The edge's and the access log's counters as plain integers (incremented on the event loop only)."""

    __slots__ = ("hits", "misses", "admissions", "evictions", "rate_limited", "log_dropped", "cache_bytes")

    def __init__(self) -> None:
        self.hits = self.misses = self.admissions = self.evictions = self.rate_limited = 0
        self.log_dropped = self.cache_bytes = 0


edge = EdgeCounts()
_flushed = EdgeCounts()
_FLUSHED_COUNTERS = (
    ("hits", CACHE_HITS),
    ("misses", CACHE_MISSES),
    ("admissions", CACHE_ADMISSIONS),
    ("evictions", CACHE_EVICTIONS),
    ("rate_limited", RATE_LIMITED),
    ("log_dropped", ACCESS_LOG_DROPPED),
)


# ---------------------------------------------------------------------------- hooks called by the edge
def cache_hit(scope: Scope) -> None:
    edge.hits += 1
    scope[CACHE_KEY] = "hit"


def cache_miss(scope: Scope) -> None:
    edge.misses += 1
    scope[CACHE_KEY] = "miss"


def cache_admitted(cache_bytes: int) -> None:
    edge.admissions += 1
    edge.cache_bytes = cache_bytes


def cache_evicted(cache_bytes: int) -> None:
    edge.evictions += 1
    edge.cache_bytes = cache_bytes


def rate_limited() -> None:
    edge.rate_limited += 1


def access_log_dropped() -> None:
    edge.log_dropped += 1


# ---------------------------------------------------------------------------- other recorders
class RequestStats(Collector):
    """The request histogram of one process as plain counts, exposed by ``collect`` at scrape time: about
    a fifth of the cost of a prometheus-client observation, which takes a lock per value it touches."""

    BOUNDS = (*LATENCY_BUCKETS, math.inf)
    LE = [floatToGoString(b) for b in BOUNDS]

    def __init__(self) -> None:
        # key -> [count per bucket (not cumulative) ..., sum of seconds]
        self.rows: dict[tuple[str, str, int], list[float]] = {}

    def record(self, method: str, route: str, status: int, seconds: float) -> None:
        """Count one answered request and its duration (runs on the event loop only)."""
        if method not in METHODS:  # any token is a method to HTTP: keep the label set bounded
            method = "other"
        row = self.rows.get((method, route, status))
        if row is None:
            row = self.rows[(method, route, status)] = [0] * len(self.BOUNDS) + [0.0]
        row[bisect_left(self.BOUNDS, seconds)] += 1
        row[-1] += seconds

    def collect(self) -> Iterator[HistogramMetricFamily]:
        family = HistogramMetricFamily(LATENCY_NAME, LATENCY_DOC, labels=LATENCY_LABELS)
        for (method, route, status), row in list(self.rows.items()):
            cumulative = list(accumulate(row[:-1]))
            family.add_metric(
                [method, route, str(status)],
                buckets=list(zip(self.LE, cumulative, strict=True)),
                sum_value=row[-1],
            )
        yield family


if MULTIPROCESS:
    # Workers share values through prometheus-client's files, so the histogram must be its own.
    _latency = Histogram(LATENCY_NAME, LATENCY_DOC, LATENCY_LABELS, buckets=LATENCY_BUCKETS)
    _children: dict[tuple[str, str, int], Any] = {}

    def record_request(method: str, route: str, status: int, seconds: float) -> None:
        """Count one answered request and its duration (label children are looked up once)."""
        if method not in METHODS:
            method = "other"
        key = (method, route, status)
        child = _children.get(key)
        if child is None:
            child = _children[key] = _latency.labels(method, route, str(status))
        child.observe(seconds)

else:
    _stats = RequestStats()
    REGISTRY.register(_stats)
    record_request = _stats.record


def record_refresh(
    *, database_ok: bool, version: int | None, reloaded: bool, fault: str | None = None
) -> None:
    """The outcome of one data-refresh check (``fault``: the failed check's named fault)."""
    DATABASE_UP.set(1 if database_ok else 0)
    if fault is not None:
        DATABASE_FAULTS.labels(fault).inc()
    if database_ok:
        DATA_REFRESHED.set(time.time())
    if version is not None:
        DATA_VERSION.set(version)
    if reloaded:
        DATA_RELOADS.inc()


def record_release_check(status: Mapping[str, Any] | None) -> None:
    """The state of the last release check, as every process reads it from the database."""
    NEWER_RELEASE.set(1 if status is not None and status["newer_release_available"] else 0)
    RELEASE_CHECKED.set(0 if status is None else status["checked_at"].timestamp())


def record_import(*, status: str, seconds: float, rows: int) -> None:
    """One import run: its outcome (created, extended, replaced, unchanged or failed), time and rows."""
    IMPORT_RUNS.labels(status).inc()
    IMPORT_DURATION.observe(seconds)
    IMPORT_ROWS.inc(rows)


def resident_bytes() -> int:
    """Resident memory now (Linux), else the peak the OS reports."""
    try:
        with open("/proc/self/statm", "rb") as f:
            return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


def flush() -> None:
    """Move the edge's integers into the Prometheus counters, and sample memory."""
    for name, counter in _FLUSHED_COUNTERS:
        delta = getattr(edge, name) - getattr(_flushed, name)
        if delta:
            counter.inc(delta)
            setattr(_flushed, name, getattr(edge, name))
    CACHE_BYTES.set(edge.cache_bytes)
    MEMORY.set(resident_bytes())


def render() -> bytes:
    """The text exposition: this process's metrics, or every live process's in multiprocess mode."""
    flush()
    if MULTIPROCESS:
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)  # type: ignore[no-untyped-call]
        return generate_latest(registry)
    return generate_latest(REGISTRY)


def process_exiting() -> None:
    """Drop this process's live gauges from the shared directory (multiprocess mode)."""
    if MULTIPROCESS:
        multiprocess.mark_process_dead(os.getpid())  # type: ignore[no-untyped-call]


class Access:
    """Who may read the metrics on the API's port: anyone (``public``) or holders of the admin token."""

    public = False
    token: str | None = None


access = Access()


def configure_access(*, token: str | None, public: bool) -> None:
    """Set the metrics path's access mode (SALARY_API_METRICS_ACCESS, with the admin token)."""
    access.public, access.token = public, token


def _refused(scope: Scope) -> tuple[int, tuple[str, str], list[tuple[bytes, bytes]]] | None:
    """The 403 or 401 for a scrape without the admin token, or None when it may read the metrics."""
    if access.public:
        return None
    if not access.token:
        message = (
            "The metrics are private: set SALARY_API_ADMIN_TOKEN and send it as a bearer token, "
            "or set SALARY_API_METRICS_PORT (a port of their own) or SALARY_API_METRICS_ACCESS=public."
        )
        return 403, ("forbidden", message), []
    authorization = next((v for k, v in scope["headers"] if k == b"authorization"), b"")
    if bearer_token_matches(access.token, authorization.decode("latin-1")):
        return None
    message = "A valid admin token is required: send 'Authorization: Bearer <token>'."
    return 401, ("unauthorized", message), [(b"www-authenticate", b"Bearer")]


METRICS_ALLOW = b"GET, HEAD, OPTIONS"


async def serve_metrics(scope: Scope, send: Send) -> None:
    """Answer a request for the metrics path: the exposition, or an error in the error shape."""
    extra: list[tuple[bytes, bytes]] = []
    refused = _refused(scope)
    if scope["method"] == "OPTIONS":  # what the path allows (RFC 9110 §9.3.7), as every other path answers
        await send({"type": "http.response.start", "status": 204, "headers": [(b"allow", METRICS_ALLOW)]})
        await send({"type": "http.response.body", "body": b""})
        return
    if scope["method"] not in ("GET", "HEAD"):
        status, error = 405, ("method_not_allowed", f"Method {scope['method'][:20]} is not allowed here.")
        extra = [(b"allow", METRICS_ALLOW)]
    elif refused is not None:
        status, error, extra = refused
    elif scope["query_string"]:
        status, error = 400, ("invalid_query", f"{scope['path']} takes no query parameters.")
    else:
        status, error = 200, None
    if error is None:
        body = await asyncio.to_thread(render)
        content_type = CONTENT_TYPE_LATEST.encode()
    else:
        body = orjson.dumps(error_body(status, *error))
        content_type = b"application/json"
    headers = [
        (b"content-type", content_type),
        (b"content-length", str(len(body)).encode()),
        (b"cache-control", b"no-store"),
        (b"x-content-type-options", b"nosniff"),
        *extra,
    ]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": b"" if scope["method"] == "HEAD" else body})
