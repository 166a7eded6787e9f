"""Graceful shutdown: on SIGTERM, ``/readyz`` answers 503 for the drain period while every request is still
served; then uvicorn's own shutdown closes the listener and lets in-flight requests finish.

The handler is installed by the application's lifespan in the server's main thread, on top of uvicorn's
(so it works the same with one worker or several); a second SIGTERM, or SIGINT, stops at once."""

import logging
import signal
import threading
from types import FrameType
from typing import Any

from app.observability.logs import event

log = logging.getLogger("salary_api")


class Drain:
    """Whether this process is draining, and the SIGTERM handler that starts it."""

    def __init__(self) -> None:
        self.draining = threading.Event()
        self._previous: Any = None
        self._timer: threading.Timer | None = None

    def install(self, seconds: float) -> bool:
        """Take over SIGTERM; False where signals cannot be handled (not the main thread, as in tests)."""
        if seconds <= 0 or threading.current_thread() is not threading.main_thread():
            return False
        self._previous = signal.getsignal(signal.SIGTERM)

        def on_sigterm(signum: int, frame: FrameType | None) -> None:
            if self.draining.is_set():
                self._stop(signum, frame)
                return
            self.draining.set()
            event(log, logging.WARNING, "drain", "SIGTERM: draining", seconds=seconds)
            self._timer = threading.Timer(seconds, self._stop, (signum, None))
            self._timer.daemon = True
            self._timer.start()

        signal.signal(signal.SIGTERM, on_sigterm)
        return True

    def _stop(self, signum: int, frame: FrameType | None) -> None:
        if self._timer is not None:
            self._timer.cancel()
        event(log, logging.WARNING, "shutdown", "drain over: closing the listener")
        if callable(self._previous):
            self._previous(signum, frame)
        else:
            signal.raise_signal(signum)


drain = Drain()
