"""The metrics on a port of their own (``SALARY_API_METRICS_PORT``), for a private scrape: a small
standard-library HTTP server on a daemon thread of the ``serve`` process.

With several workers that process is uvicorn's supervisor, which serves no request: it reads the workers'
shared files and must not import ``app.observability.metrics`` (whose gauges would add a series of its own
to those files). With one worker it is the worker itself, and its own registry answers."""

import os
import threading
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, generate_latest, multiprocess


def _workers_render() -> bytes:
    registry = CollectorRegistry()
    multiprocess.MultiProcessCollector(registry)  # type: ignore[no-untyped-call]
    return generate_latest(registry)


def start_listener(host: str, port: int, path: str | None) -> ThreadingHTTPServer:
    """Listen on ``host:port``; GET on the metrics path (or ``/``) answers the exposition."""
    render: Callable[[], bytes]
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        render = _workers_render
    else:
        from app.observability.metrics import render
    wanted = (path or "/metrics", "/")

    class Scrape(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 - http.server's naming
            self._answer(with_body=True)

        def do_HEAD(self) -> None:  # noqa: N802
            self._answer(with_body=False)

        def _answer(self, *, with_body: bool) -> None:
            if self.path.split("?", 1)[0] not in wanted:
                self.send_error(404)
                return
            body = render()
            self.send_response(200)
            self.send_header("Content-Type", CONTENT_TYPE_LATEST)
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Cache-Control", "no-store")
            self.end_headers()
            if with_body:
                self.wfile.write(body)

        def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - scrapes are not logged
            pass

    server = ThreadingHTTPServer((host, port), Scrape)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, name="metrics-listener", daemon=True).start()
    return server
