"""The observability layer around the edge, and what each data-refresh check records."""

import logging
import weakref
from typing import Any

from starlette.types import ASGIApp

from app.config import Settings
from app.domain.release_check import ReleaseCheckStatus, newest_bls_release, release_check_status
from app.observability import metrics
from app.observability.access import ObserveMiddleware
from app.observability.access import log as access_log
from app.observability.logs import event
from app.observability.routes import RouteTemplates
from app.observability.writer import AccessLogWriter


def access_log_writer(settings: Settings) -> AccessLogWriter:
    """The process's access log writer (its thread starts with the first line; the lifespan closes it)."""
    return AccessLogWriter(
        access_log, max_lines=settings.access_log_queue, interval=settings.access_log_interval
    )


def wrap(app: ASGIApp, *, settings: Settings, routes: RouteTemplates, writer: AccessLogWriter) -> ASGIApp:
    """The observability layer around the edge's inner layers (ahead of the rate limit)."""
    metrics.configure_access(
        token=settings.admin_token if settings.metrics_access == "token" else None,
        public=settings.metrics_access == "public",
    )
    # With a metrics port of their own, the API's port does not serve them at all.
    path = None if settings.metrics_port else settings.metrics_path
    return ObserveMiddleware(
        app,
        routes=routes,
        sample=settings.access_log_sample,
        slow_ms=settings.access_log_slow_ms,
        writer=writer,
        metrics_path=path,
    )


log = logging.getLogger("salary_api")


def release_status(store: Any) -> ReleaseCheckStatus | None:
    """The last `fetch-oews --check` as this process reads it, judged against the releases it serves."""
    snapshot = store.snapshot
    held = None if snapshot is None else newest_bls_release(snapshot.releases.values(), snapshot.sources)
    return release_check_status(store.release_check, held)


# The database state each store was last seen in, so a fault and its recovery are logged once each
# (whoever ran the check: the refresh loop or /readyz).
_last_seen: weakref.WeakKeyDictionary[Any, bool] = weakref.WeakKeyDictionary()


def refreshed(store: Any, *, reloaded: bool) -> None:
    """Record one data-refresh check: metrics, and a log event on a reload or a database fault."""
    was_ok = _last_seen.get(store, True)
    _last_seen[store] = store.database_ok
    version = store.snapshot.version if store.snapshot is not None else None
    fault = None if store.database_ok else getattr(store, "last_fault", None)
    metrics.record_refresh(
        database_ok=store.database_ok, version=version, reloaded=reloaded, fault=fault.kind if fault else None
    )
    metrics.record_release_check(release_status(store))
    metrics.flush()
    if reloaded:
        event(log, logging.INFO, "data_reloaded", "data reloaded", data_version=version)
    if was_ok and not store.database_ok:
        event(
            log,
            logging.ERROR,
            "database_unreachable",
            f"database unreachable: {store.last_error}",
            error=store.last_error,
            fault=fault.kind if fault else None,
            data_version=version,
        )
    elif not was_ok and store.database_ok:
        event(log, logging.WARNING, "database_reachable", "database reachable again", data_version=version)
