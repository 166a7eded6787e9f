"""Built export files, one per format, in a directory the process owns.

Each format is built once per data version, in a worker thread, at most MAX_BUILDS at once; concurrent
requests for the same format wait for that one build, and a request that gives up (disconnect, timeout)
leaves it running for the others. A newer data version replaces the file; the directory goes when the
process stops.
"""

import asyncio
import contextlib
import functools
import shutil
import tempfile
import threading
import weakref
from pathlib import Path

from sqlalchemy.engine import Engine

from app.export.service import ExportFile, write_export
from app.memory import give_back_freed_memory

# Builds at once, per process: one per format, so a zip request does not wait behind a SQLite build.
# Each holds a chunk of rows and a cursor (tens of MB), never the dataset.
MAX_BUILDS = 2


class ExportCache:
    """The newest built file per format, the builds under way, and how many builds completed."""

    def __init__(self, engine: Engine, directory: Path | None = None) -> None:
        self.engine = engine
        if directory is None:
            directory = Path(tempfile.mkdtemp(prefix="salary-api-export-"))
            # Also removed if the process ends without running close().
            self._finalizer = weakref.finalize(self, shutil.rmtree, directory, ignore_errors=True)
        else:
            directory.mkdir(parents=True, exist_ok=True)
        self.directory = directory
        self.files: dict[str, ExportFile] = {}
        self.building: dict[str, asyncio.Task[ExportFile]] = {}
        self.builds = 0
        self._sequence = 0
        self._builds_at_once = asyncio.Semaphore(MAX_BUILDS)
        self._stop = threading.Event()

    async def get(self, fmt: str, version: int) -> ExportFile:
        """The built file of ``fmt`` for data version ``version`` (or for the newer version the database
        already holds, while this process's snapshot catches up); builds it if needed."""
        self._forget_older_than(version)
        built = self.files.get(fmt)
        if built is None or built.version != version:
            built = await self._shared_build(fmt)
            if built.version < version:
                # That build read the database before our snapshot's version was written.
                built = await self._shared_build(fmt)
        return built

    async def _shared_build(self, fmt: str) -> ExportFile:
        task = self.building.get(fmt)
        if task is None:
            task = asyncio.create_task(self._build(fmt))
            self.building[fmt] = task
            task.add_done_callback(functools.partial(self._finished, fmt))
        # Shielded: a request that gives up leaves the build to the others.
        return await asyncio.shield(task)

    def _finished(self, fmt: str, task: asyncio.Task[ExportFile]) -> None:
        self.building.pop(fmt, None)
        if not task.cancelled():
            task.exception()  # seen here: every request that waited for it may have gone

    def _forget_older_than(self, version: int) -> None:
        # A reader that already opened an old file keeps reading it; the name goes at once.
        for fmt, built in list(self.files.items()):
            if built.version < version:
                del self.files[fmt]
                built.path.unlink(missing_ok=True)

    async def _build(self, fmt: str) -> ExportFile:
        async with self._builds_at_once:
            # A fresh name per build: a file, once listed in self.files, never changes under its name.
            self._sequence += 1
            path = self.directory / f"export-{self._sequence}.{fmt}"
            built = await asyncio.to_thread(write_export, self.engine, fmt=fmt, path=path, stop=self._stop)
            # Off the event loop: trimming a large heap can take milliseconds.
            await asyncio.to_thread(give_back_freed_memory)
        self.builds += 1
        old = self.files.get(fmt)
        self.files[fmt] = built
        if old is not None:
            old.path.unlink(missing_ok=True)
        return built

    async def close(self) -> None:
        """Stop a build under way and remove every file."""
        self._stop.set()
        for task in list(self.building.values()):
            with contextlib.suppress(Exception, asyncio.CancelledError):
                await task
        self.files.clear()
        shutil.rmtree(self.directory, ignore_errors=True)
