"""What the edge and the contract must know of a route, declared where the route is defined
(``@route_facts(...)`` under the router's decorator) and read from the application's routes: whether the
response cache serves it, whether it answers 304 or 404, which setting bounds its time, its fast path."""

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any, TypeVar

from fastapi.routing import iter_route_contexts
from starlette.routing import Mount

Endpoint = TypeVar("Endpoint", bound=Callable[..., Any])
# (snapshot, canonical query) -> the JSON body, or None to hand the request to the application.
FastRoute = Callable[[Any, bytes], bytes | None]

_ATTRIBUTE = "__route_facts__"


@dataclass(frozen=True, slots=True)
class RouteFacts:
    """A route's facts; the defaults are those of a cached, revalidatable JSON read of something named."""

    # Served from the response cache (bytes kept per canonical query and data version).
    cached: bool = True
    # Answers 304 to a matching If-None-Match (from the cache, or from its own ETag).
    revalidates: bool = True
    # Can answer 404: its path or parameters name something that may not exist (a static script cannot).
    may_miss: bool = True
    # The setting (a field of app.config.Settings, in seconds) that bounds it instead of request_timeout.
    time_limit: str | None = None
    fast: FastRoute | None = None


DEFAULT = RouteFacts()


def route_facts(**facts: Any) -> Callable[[Endpoint], Endpoint]:
    """Declare an endpoint's facts (place it under ``@router.get(...)``)."""
    declared = RouteFacts(**facts)

    def mark(endpoint: Endpoint) -> Endpoint:
        setattr(endpoint, _ATTRIBUTE, declared)
        return endpoint

    return mark


def facts_of(route: Any) -> RouteFacts:
    """The facts a route declared, or the defaults."""
    return getattr(getattr(route, "endpoint", None), _ATTRIBUTE, DEFAULT)


def routes_with_paths(routes: Iterable[Any]) -> Iterator[tuple[str, frozenset[str], Any]]:
    """Every route as (full path, methods, the route declared), through included routers' prefixes."""
    for context in iter_route_contexts(list(routes)):
        if context.path is not None:
            yield context.path, frozenset(context.methods or ()), context.original_route


@dataclass(frozen=True, slots=True)
class RouteTable:
    """The facts of every route by path, as the layers consult them."""

    uncached_paths: frozenset[str]
    # Mounted applications (static files) keep their own validators: the cache leaves them alone.
    uncached_prefixes: tuple[str, ...]
    fast_routes: dict[str, FastRoute]
    # (method, path) -> the setting naming its time limit.
    time_limits: dict[tuple[str, str], str]

    def time_limits_in(self, settings: Any) -> dict[tuple[str, str], float]:
        """The declared time limits in seconds, read from ``settings`` (a misnamed setting fails here)."""
        return {route: float(getattr(settings, name)) for route, name in self.time_limits.items()}

    @classmethod
    def of(cls, routes: Iterable[Any]) -> "RouteTable":
        """Read the facts declared on ``routes`` (FastAPI's list, once every router is included)."""
        uncached: set[str] = set()
        prefixes: list[str] = []
        fast: dict[str, FastRoute] = {}
        limits: dict[tuple[str, str], str] = {}
        for path, methods, route in routes_with_paths(routes):
            if isinstance(route, Mount):
                prefixes.append(path.rstrip("/") + "/")
                continue
            facts = facts_of(route)
            if not facts.cached:
                uncached.add(path)
            if facts.fast is not None:
                fast[path] = facts.fast
            if facts.time_limit is not None:
                for method in methods:
                    limits[(method, path)] = facts.time_limit
        return cls(frozenset(uncached), tuple(prefixes), fast, limits)
