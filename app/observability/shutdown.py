"""Graceful shutdown: on SIGTERM, ``/readyz`` answers 503 for the drain period while every request is still
served (each answer with ``Connection: close``, so keep-alive clients move on); then uvicorn's own shutdown
closes the listener and lets in-flight requests finish. A second SIGTERM, or SIGINT, stops at once.

Nothing runs inside the signal handler itself: the lifespan registers the handler with the event loop
(``loop.add_signal_handler``), whose C-level handler only writes a byte to the loop's wake-up pipe; the
drain, its log lines and its timer run later as ordinary callbacks on the loop. (A Python-level handler that
logs or sets a ``threading.Event`` can be re-entered by a second signal while it holds a non-reentrant lock,
and deadlock the process.)"""

import asyncio
import logging
import signal
import threading
from collections.abc import Callable
from typing import Any

from app.observability.logs import event

log = logging.getLogger("salary_api")


class Drain:
    """Whether this process is draining, and the SIGTERM callback that starts it (run on the event loop)."""

    def __init__(self) -> None:
        self.draining = False  # written on the event loop only; read anywhere
        self.on_drain: list[Callable[[], None]] = []  # run on the loop when the drain starts
        self._previous: Any = None
        self._timer: asyncio.TimerHandle | None = None

    def install(self, seconds: float) -> bool:
        """Take over SIGTERM on the running loop; False where signals cannot be handled (not the main
        thread, as under the test client) or the drain is off."""
        if seconds <= 0 or threading.current_thread() is not threading.main_thread():
            return False
        loop = asyncio.get_running_loop()
        self._previous = signal.getsignal(signal.SIGTERM)
        loop.add_signal_handler(signal.SIGTERM, self._on_sigterm, loop, seconds)
        return True

    def _on_sigterm(self, loop: asyncio.AbstractEventLoop, seconds: float) -> None:
        if self.draining:
            self._stop(force=True)
            return
        self.draining = True
        for callback in self.on_drain:
            callback()
        event(log, logging.WARNING, "drain", "SIGTERM: draining", seconds=seconds)
        self._timer = loop.call_later(seconds, self._stop)

    def _stop(self, *, force: bool = False) -> None:
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        if force:
            event(log, logging.WARNING, "shutdown", "second SIGTERM: stopping now")
        else:
            event(log, logging.WARNING, "shutdown", "drain over: closing the listener")
        # uvicorn's handler is a bound method of its Server: set its flags directly (its handler would treat
        # a second SIGTERM like the first and wait for every connection).
        server = getattr(self._previous, "__self__", None)
        if server is not None and hasattr(server, "should_exit"):
            server.should_exit = True
            server.force_exit = server.force_exit or force
        elif callable(self._previous):
            self._previous(signal.SIGTERM, None)
        else:
            signal.signal(signal.SIGTERM, signal.SIG_DFL)
            signal.raise_signal(signal.SIGTERM)


drain = Drain()
