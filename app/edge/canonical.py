"""The canonical form of a query, which the response cache keys on and the application then reads.

Parameter order means nothing, nor does how a character is escaped (``%2C`` or ``,``, ``+`` or ``%20``),
nor the case of a closed vocabulary's value (``level=MID`` is ``level=mid``): all spellings of one question
become one query. Values that answers echo as typed (``location=``, ``state=``) keep their case, so each
spelling keeps its own, truthful, answer.
"""

import enum
import re
import typing
from collections.abc import Iterable
from operator import itemgetter
from typing import Any
from urllib.parse import parse_qsl, quote

from fastapi.routing import APIRoute, iter_route_contexts

from app.domain.remembering import MAX_KEY_LENGTH, remembered
from app.query import query_params

MAX_REMEMBERED = 10_000
# Characters left as they are in a canonical value: what a client would not escape itself.
SAFE = "-._~!$'()*,;:@/"
# A query of only these characters needs no unescaping and no escaping (quote() leaves letters, digits and
# SAFE alone): the common case, split by hand at a fraction of parse_qsl's and quote's cost.
_PLAIN = re.compile(r"[A-Za-z0-9_.\-~!$'()*,;:@/&=]*")
_name = itemgetter(0)


def _enum_of(annotation: Any) -> type[enum.Enum] | None:
    """The enumeration a parameter's annotation names (``Level``, ``Level | None``), or None."""
    candidates = [annotation, *typing.get_args(annotation)] if annotation is not None else []
    for candidate in candidates:
        if isinstance(candidate, type) and issubclass(candidate, enum.Enum):
            return candidate
    return None


def case_folded_params(route: Any) -> frozenset[str]:
    """The query parameters of a route whose value is a lower-case vocabulary (an enumeration)."""
    if not isinstance(route, APIRoute):
        return frozenset()
    folded = set()
    for param in query_params(route.dependant):
        vocabulary = _enum_of(param.field_info.annotation)
        values = [str(member.value) for member in vocabulary] if vocabulary is not None else []
        if values and all(value == value.lower() for value in values):
            folded.add(param.alias)
    return frozenset(folded)


class CanonicalQueries:
    """Canonical forms of raw queries by path, remembered (a bounded memo: the common case is a lookup)."""

    def __init__(self, routes: Iterable[Any] = ()) -> None:
        # The GET routes with vocabulary parameters: (path pattern, those parameters).
        self.vocabularies: list[tuple[Any, frozenset[str]]] = []
        for context in iter_route_contexts(list(routes)):
            folded = case_folded_params(context.original_route)
            if folded and "GET" in (context.methods or ()):
                self.vocabularies.append((context.path_regex, folded))
        self.known = remembered(self._canonical, maxsize=MAX_REMEMBERED)
        # A stream of never-seen queries asks the same few paths: their vocabularies are remembered.
        self.folded = remembered(self._vocabulary_of, maxsize=MAX_REMEMBERED)

    def _vocabulary_of(self, path: str) -> frozenset[str]:
        """The vocabulary parameters of the GET route serving ``path`` (none for any other path)."""
        return next((names for regex, names in self.vocabularies if regex.match(path)), frozenset())

    def _canonical(self, path: str, query_string: bytes) -> bytes:
        return canonical_query(query_string, self.folded(path))

    def __call__(self, path: str, query_string: bytes) -> bytes:
        if len(path) + len(query_string) > MAX_KEY_LENGTH:
            return canonical_query(query_string, self._vocabulary_of(path))
        return self.known(path, query_string)


def canonical_query(query_string: bytes, folded: frozenset[str] = frozenset()) -> bytes:
    """Decoded as the application decodes it, the ``folded`` parameters' values lower-cased, sorted by
    name (stable within a name: a repeated parameter keeps its order), escaped one way."""
    if not query_string:
        return b""
    text = query_string.decode("latin-1")
    if _PLAIN.fullmatch(text):
        pairs = []
        for segment in text.split("&"):
            if segment:
                name, _, value = segment.partition("=")
                if "=" in value:  # "a=b=c": value "b=c", whose second "=" is escaped: the general path's
                    break
                pairs.append((name, value.lower() if name in folded else value))
        else:
            pairs.sort(key=_name)
            return "&".join([f"{n}={v}" for n, v in pairs]).encode("ascii")
    return parsed_canonical_query(text, folded)


def parsed_canonical_query(text: str, folded: frozenset[str] = frozenset()) -> bytes:
    """The canonical form by the general path: parse_qsl, then quote (what the plain path must equal)."""
    pairs = parse_qsl(text, keep_blank_values=True)
    pairs = [(name, value.lower() if name in folded else value) for name, value in pairs]
    pairs.sort(key=lambda pair: pair[0])
    return "&".join(f"{quote(n, safe=SAFE)}={quote(v, safe=SAFE)}" for n, v in pairs).encode("ascii")
