"""What this project's server (app.server) and the edge (app.edge) agree on beyond ASGI: one extension, and
one scope key.

The server names it in ``scope["extensions"]``: a response start may carry, under ``ENCODED_HEAD``, an
``EncodedHead`` made by the extension's ``encode``, so that the headers of a cached answer are checked and
encoded once, not on every answer. The server uses it only while the start's headers begin with those it
encoded; anything else (a bare server, a test client) ignores the key. The server writes ``wire`` as it
is: only the server's own ``encode`` is to make one.

Its own module, importing nothing of the app: the server's supervisor process imports the server, and must
not import the edge (its metrics would count the supervisor as a worker).
"""

from collections.abc import Callable
from typing import Any, NamedTuple

ENCODED_HEAD = "salary_api.encoded_head"
# The scope key under which the server hands over a head it does not take (status, message: a Host missing,
# repeated or naming no host, 400; HTTP/2.0, 505): the edge answers it in the error shape, so that it is
# logged, counted and given a request id like any 4xx, and the server then ends the connection.
HEAD_REFUSAL = "salary_api.head_refusal"
_ENCODE = "encode"  # the extension's one entry: the server's encoder
Headers = list[tuple[bytes, bytes]]


class EncodedHead(NamedTuple):
    """Response headers as the server writes them: ``wire`` encodes ``headers``, which set no framing but
    ``content_length`` (None: none given)."""

    headers: tuple[tuple[bytes, bytes], ...]  # a copy: a layer editing the start's list in place is seen
    wire: bytes
    content_length: int | None


# The extension's ``encode``: the headers encoded, or None when the server must see them itself.
HeadEncoder = Callable[[Headers], EncodedHead | None]


def offered(encode: HeadEncoder) -> dict[str, Any]:
    """The extension as the server names it in ``scope["extensions"]``."""
    return {_ENCODE: encode}


def head_encoder(scope: Any) -> HeadEncoder | None:
    """The server's encoder, when the request's server offers the extension."""
    extensions = scope.get("extensions")
    offer = extensions.get(ENCODED_HEAD) if extensions else None
    return offer[_ENCODE] if offer else None  # type: ignore[no-any-return]


def response_start(status: int, headers: Headers, encoded: EncodedHead | None) -> dict[str, Any]:
    """An ``http.response.start`` message, carrying its head encoded when there is an encoding."""
    start: dict[str, Any] = {"type": "http.response.start", "status": status, "headers": headers}
    if encoded is not None:
        start[ENCODED_HEAD] = encoded
    return start
