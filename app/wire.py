"""What this project's server (app.server) and the edge (app.edge) agree on beyond ASGI: one extension.

The server names it in ``scope["extensions"]``: a response start may carry, under ``ENCODED_HEAD``, an
``EncodedHead`` made by the extension's ``encode``, so that the headers of a cached answer are checked and
encoded once, not on every answer. The server uses it only while the start's headers begin with those it
encoded; anything else (a bare server, a test client) ignores the key. The server writes ``wire`` as it
is: only the server's own ``encode`` is to make one.

Its own module, importing nothing of the app: the server's supervisor process imports the server, and must
not import the edge (its metrics would count the supervisor as a worker).
"""

from collections.abc import Callable
from typing import NamedTuple

ENCODED_HEAD = "salary_api.encoded_head"


class EncodedHead(NamedTuple):
    """Response headers as the server writes them: ``wire`` encodes ``headers``, which set no framing but
    ``content_length`` (None: none given)."""

    headers: tuple[tuple[bytes, bytes], ...]  # a copy: a layer editing the start's list in place is seen
    wire: bytes
    content_length: int | None


# The extension's ``encode``: the headers encoded, or None when the server must see them itself.
HeadEncoder = Callable[[list[tuple[bytes, bytes]]], EncodedHead | None]
