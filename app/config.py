"""Process configuration, read from the environment (prefix ``SALARY_API_``; ``DATABASE_URL`` also works)."""

import ipaddress
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Any

from pydantic import AliasChoices, Field, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

DEFAULT_SQLITE_PATH = Path("salary.db")
# Medical Records Specialists: the occupation every route defaults to and every process preloads.
DEFAULT_OCCUPATION = "29-2072"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="SALARY_API_", extra="ignore", populate_by_name=True)

    database_url: str = Field(
        default=f"sqlite:///{DEFAULT_SQLITE_PATH}",
        validation_alias=AliasChoices("SALARY_API_DATABASE_URL", "DATABASE_URL"),
    )
    default_occupation: str = DEFAULT_OCCUPATION
    # How often each process checks the database for a new data version (seconds).
    refresh_interval: float = 5.0
    cache_max_age: int = 3600
    cache_stale_while_revalidate: int = 86400
    cors_max_age: int = 86400
    # Upper bound on the memory the response cache may hold, per process.
    cache_max_bytes: int = 64 * 1024 * 1024
    max_body_bytes: int = 1_000_000
    admin_token: str | None = None
    # Per client address; 0 turns the limit off (for load tests from one address).
    rate_limit_per_minute: int = 6000
    request_timeout: float = 10.0
    # Proxies whose X-Forwarded-For is believed (addresses or CIDR blocks, comma-separated). Empty: the
    # TCP peer is the client, whatever headers it sends.
    trusted_proxies: Annotated[list[str], NoDecode] = Field(default_factory=list)
    # HTTP/1.1 limits of the server itself (`salary-api serve`): the request line plus headers, the time a
    # client may take to send them, and how long an idle keep-alive connection is kept.
    max_header_bytes: int = 16 * 1024
    header_timeout: float = 10.0
    keep_alive_timeout: int = 5
    # /export may wait for a build of the whole dataset (about 30 s for a full OEWS release on this machine).
    export_timeout: float = 120.0
    # FastAPI's native OpenTelemetry (traces, metrics, logs through the global providers the operator
    # configures). Off by default: even its "is a provider configured?" check runs on every request.
    opentelemetry: bool = False

    @field_validator("trusted_proxies", mode="before")
    @classmethod
    def _split_proxies(cls, value: Any) -> Any:
        if isinstance(value, str):
            value = [part.strip() for part in value.split(",") if part.strip()]
        for part in value:
            ipaddress.ip_network(part, strict=False)  # a typo fails at start-up, not silently
        return value


@lru_cache
def get_settings() -> Settings:
    return Settings()
