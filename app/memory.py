"""Giving freed heap memory back to the system after a large, short-lived allocation (an export built, a
release reloaded): glibc keeps freed arenas mapped, so a process's resident size would stay at its peak."""

import ctypes
import ctypes.util
import functools
from collections.abc import Callable


@functools.cache
def _malloc_trim() -> Callable[[int], int] | None:
    name = ctypes.util.find_library("c")
    try:
        libc = ctypes.CDLL(name) if name else None
        return libc.malloc_trim if libc is not None else None  # type: ignore[no-any-return]
    except (OSError, AttributeError):  # not glibc (musl, macOS): nothing to give back this way
        return None


def give_back_freed_memory() -> None:
    """Return the heap's free pages to the system where the C library can (glibc's malloc_trim)."""
    trim = _malloc_trim()
    if trim is not None:
        trim(0)
