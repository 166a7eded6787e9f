"""The one bound on what the resolvers of people's words remember (the gazetteer's places, the catalog's
occupations): the same words cost a dictionary look-up the next time."""

import functools
from collections.abc import Callable
from typing import TypeVar

# Distinct inputs a resolver keeps answers for (each answer about 1 kB with its key).
MAX_REMEMBERED = 4096

Resolve = TypeVar("Resolve", bound=Callable[..., object])


def remembered(resolve: Resolve) -> Resolve:
    """``resolve`` with its answers kept, the least recently used let go first; a refusal (an exception) is
    not kept, and is worked out again."""
    return functools.lru_cache(maxsize=MAX_REMEMBERED)(resolve)  # type: ignore[return-value]
