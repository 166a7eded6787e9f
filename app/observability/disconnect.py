"""Whether the client hung up: such a request is logged and counted as 499 (nginx's status for a client
that closed the request; never sent), never as a 5xx.

Two witnesses write it into the request's scope: a layer that read ``http.disconnect`` sets
``CLIENT_GONE``, and the server (app.server) puts a weak reference to its request-response cycle under
``CONNECTION``, whose ``disconnected`` says the connection closed before the answer was complete."""

from starlette.types import Scope

CLIENT_GONE = "salary_api.client_gone"
CONNECTION = "salary_api.connection"
CLIENT_CLOSED_REQUEST = 499


def client_gone(scope: Scope) -> bool:
    """Whether the client hung up before its request was read or its answer was complete."""
    if scope.get(CLIENT_GONE):
        return True
    connection = scope.get(CONNECTION)
    cycle = connection() if connection is not None else None
    return cycle is not None and bool(getattr(cycle, "disconnected", False))
