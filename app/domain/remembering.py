"""The one way the app bounds what it remembers: the resolvers of people's words (the gazetteer's places, the
catalog's occupations), and the edge's canonical queries and route labels. A memory keeps answers up to a
count, letting the least recently used go one at a time (emptied all at once, a full memory would lose the
answers asked again and again along with the one-offs), and only for keys up to ``MAX_KEY_LENGTH``."""

import functools
from collections.abc import Callable
from typing import TypeVar

# Distinct inputs a resolver keeps answers for (each answer about 1 kB with its key).
MAX_REMEMBERED = 4096
# The longest key (characters or bytes) a memory keeps: a longer input is worked out every time. 10,000 keys
# as long as a request head allows (16 kB) would hold hundreds of MB, and the edge's memories are filled
# before a request is validated. The API's own inputs are far shorter (a full /estimate query: ~250 bytes).
MAX_KEY_LENGTH = 1024

Resolve = TypeVar("Resolve", bound=Callable[..., object])


def remembered(resolve: Resolve, *, maxsize: int = MAX_REMEMBERED) -> Resolve:
    """``resolve`` with up to ``maxsize`` answers kept, the least recently used let go first; a refusal (an
    exception) is not kept, and is worked out again. The caller keeps keys longer than ``MAX_KEY_LENGTH``
    out (a check here would put a Python call in front of every look-up)."""
    return functools.lru_cache(maxsize=maxsize)(resolve)  # type: ignore[return-value]
