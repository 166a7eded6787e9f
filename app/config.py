"""Process configuration, read from the environment (prefix ``SALARY_API_``; ``DATABASE_URL`` also works).

Each setting's ``description`` is its documentation: ``salary-api config-reference`` writes the table in
docs/configuration.md from it."""

import hmac
import ipaddress
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import AliasChoices, Field, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

DEFAULT_SQLITE_PATH = Path("salary.db")
# Medical Records Specialists: the occupation every route defaults to and every process preloads.
DEFAULT_OCCUPATION = "29-2072"
ENV_PREFIX = "SALARY_API_"
# PostgreSQL connections one process holds at most (SALARY_API_DB_CONNECTIONS; docs/operations.md).
DEFAULT_CONNECTIONS = 3


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix=ENV_PREFIX, extra="ignore", populate_by_name=True)

    database_url: str = Field(
        default=f"sqlite:///{DEFAULT_SQLITE_PATH}",
        validation_alias=AliasChoices("SALARY_API_DATABASE_URL", "DATABASE_URL"),
        description="SQLAlchemy URL of the database: `sqlite:///path` or `postgresql+psycopg://user@host/db`.",
    )
    default_occupation: str = Field(
        default=DEFAULT_OCCUPATION,
        description="SOC code every route uses when `occupation` is not given; preloaded at start-up.",
    )
    refresh_interval: float = Field(
        default=5.0,
        description="Seconds between two checks of the database for a new data version, per process.",
    )
    cache_max_age: int = Field(default=3600, description="`max-age` of cacheable answers, in seconds.")
    cache_stale_while_revalidate: int = Field(
        default=86400, description="`stale-while-revalidate` of cacheable answers, in seconds."
    )
    cors_max_age: int = Field(
        default=86400, description="How long browsers may keep a CORS preflight, in seconds."
    )
    cache_max_bytes: int = Field(
        default=64 * 1024 * 1024,
        description="Upper bound on the memory the response cache may hold, per process, in bytes.",
    )
    max_body_bytes: int = Field(default=1_000_000, description="Largest request body accepted, in bytes.")
    admin_token: str | None = Field(
        default=None,
        description="Bearer token of the `/admin` routes; unset turns them off (403). Never logged.",
    )
    rate_limit_per_minute: int = Field(
        default=6000,
        description="Requests per minute per client address; 0 turns the limit off (for load tests).",
    )
    request_timeout: float = Field(
        default=10.0, description="Seconds a request may take to produce its answer before a 503."
    )
    trusted_proxies: Annotated[list[str], NoDecode] = Field(
        default_factory=list,
        description="Proxies whose X-Forwarded-For is believed (addresses or CIDR blocks, comma-separated). "
        "Empty: the TCP peer is the client, whatever headers it sends.",
    )
    max_header_bytes: int = Field(
        default=16 * 1024,
        description="Largest request line plus headers `salary-api serve` accepts, in bytes (431 beyond).",
    )
    header_timeout: float = Field(
        default=10.0,
        gt=0,
        description="Seconds a client may take to send the request line and headers (408; checked every "
        "quarter of this, so refused at most a quarter of it late).",
    )
    keep_alive_timeout: int = Field(
        default=5, description="Seconds an idle keep-alive connection is kept open by `salary-api serve`."
    )
    export_timeout: float = Field(
        default=120.0,
        description="Seconds `/export` may take (a build of a full OEWS release takes about 30 s).",
    )
    opentelemetry: bool = Field(
        default=False,
        description="FastAPI's native OpenTelemetry (traces, metrics, logs through the providers the "
        "operator configures). Off by default: its check runs on every request.",
    )
    metrics_path: str | None = Field(
        default="/metrics",
        description="Where the Prometheus metrics are served (outside the rate limit); empty turns "
        "them off. With several workers, set `PROMETHEUS_MULTIPROC_DIR` to an empty directory.",
    )
    metrics_access: Literal["token", "public"] = Field(
        default="token",
        description="Who may read the metrics path on the API's port: `token` (default), only requests "
        "sending `Authorization: Bearer <SALARY_API_ADMIN_TOKEN>` (403 while no token is set); `public`, "
        "anyone. Ignored when `SALARY_API_METRICS_PORT` is set.",
    )
    metrics_port: int | None = Field(
        default=None,
        ge=1,
        le=65535,
        description="Serve the metrics on this port instead, for a private scrape (no token; every "
        "worker's values with `serve --workers N`); the API's port then does not serve them.",
    )
    metrics_host: str = Field(
        default="127.0.0.1",
        description="Address the metrics port listens on (`0.0.0.0` for a scrape from another host or "
        "container).",
    )
    db_connections: int = Field(
        default=DEFAULT_CONNECTIONS,
        ge=1,
        description="Most PostgreSQL connections one process (one worker) holds at once; one stays open "
        "while idle, the others are closed when returned. Give PostgreSQL `max_connections` >= "
        "replicas x workers x this + concurrent imports + headroom (docs/operations.md).",
    )
    log_format: Literal["auto", "text", "json"] = Field(
        default="auto",
        description="`json`: one JSON object per line; `text`: plain lines; `auto`: text on a terminal, "
        "JSON otherwise. For `salary-api serve`; `import-oews` logs its run as JSON only with `json`.",
    )
    log_level: Literal["debug", "info", "warning", "error"] = Field(
        default="info", description="Lowest level written to the log."
    )
    access_log_sample: float = Field(
        default=0.01,
        ge=0.0,
        le=1.0,
        description="Share of the other requests that get an access log line (0 to 1; 1 logs every "
        "request). 4xx and 5xx answers and slow requests are always logged.",
    )
    access_log_slow_ms: float = Field(
        default=100.0,
        ge=0.0,
        description="Requests taking at least this many milliseconds always get an access log line.",
    )
    access_log_queue: int = Field(
        default=10_000,
        ge=1,
        description="Access log lines waiting for the log writer (a thread); beyond it lines are dropped, "
        "never waited for, and counted in `salary_api_access_log_dropped_total`.",
    )
    access_log_interval: float = Field(
        default=0.05,
        gt=0.0,
        description="Seconds between two writes of the queued access log lines (one write per batch); "
        "lines still queued at shutdown are written then.",
    )
    shutdown_drain: float = Field(
        default=5.0,
        ge=0.0,
        description="On SIGTERM, seconds during which `/readyz` answers 503 while requests are still "
        "served, so the load balancer stops sending new ones; then the listener closes.",
    )
    shutdown_timeout: int = Field(
        default=30,
        gt=0,
        description="After the drain, seconds in-flight requests get to finish before they are cut.",
    )

    bls_contact: str | None = Field(
        default=None,
        description="Who runs `salary-api fetch-oews`: an e-mail address or a URL, sent in its User-Agent "
        "as BLS asks of automated clients (it may block those that give none). Unset: the command refuses "
        "to run.",
    )
    fetch_cache_dir: Path | None = Field(
        default=None,
        description="Where `salary-api fetch-oews` keeps its downloads (for resuming and conditional "
        "requests). Unset: `$XDG_CACHE_HOME/salary-api/oews`, else `~/.cache/salary-api/oews`.",
    )
    fetch_timeout: float = Field(
        default=60.0,
        gt=0,
        description="Seconds `salary-api fetch-oews` waits for a connection or for the next bytes of an "
        "answer before it retries (at most 4 attempts per file, with backoff).",
    )

    @field_validator("trusted_proxies", mode="before")
    @classmethod
    def _split_proxies(cls, value: Any) -> Any:
        if isinstance(value, str):
            value = [part.strip() for part in value.split(",") if part.strip()]
        for part in value:
            ipaddress.ip_network(part, strict=False)  # a typo fails at start-up, not silently
        return value

    @field_validator("metrics_path")
    @classmethod
    def _metrics_path(cls, value: str | None) -> str | None:
        if not value:
            return None
        if not value.startswith("/") or "?" in value:
            raise ValueError("the metrics path must start with / and hold no query")
        return value


def bearer_token_matches(configured: str, authorization: str | None) -> bool:
    """Whether an ``Authorization`` header is ``Bearer <configured>`` (compared in constant time); the one
    check of the admin token, for the admin routes and the metrics."""
    scheme, _, given = (authorization or "").partition(" ")
    return scheme.lower() == "bearer" and hmac.compare_digest(given.strip().encode(), configured.encode())


@lru_cache
def get_settings() -> Settings:
    return Settings()
