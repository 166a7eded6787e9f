"""Route templates for metric labels and log lines: ``/states/{code}``, never ``/states/NJ``."""

import functools
import re
from typing import Any

from fastapi.routing import iter_route_contexts

UNMATCHED = "unmatched"
MAX_REMEMBERED = 10_000
# Longer paths are matched on every request and never remembered: 10,000 paths as long as a request head
# allows (16 kB) would hold 160 MB.
MAX_REMEMBERED_PATH = 512


class RouteTemplates:
    """Maps a request path to the template of the route that serves it, remembering recent answers."""

    def __init__(self, routes: list[Any]) -> None:
        self.patterns: list[tuple[re.Pattern[str], str]] = []
        for route in iter_route_contexts(routes):
            regex = getattr(route, "path_regex", None)
            path = getattr(route, "path", None)
            if regex is None or path is None:
                continue
            # A mount (static files) matches everything under it: one label for all of it.
            template = path if getattr(route, "endpoint", None) is not None else f"{path}/{{path}}"
            self.patterns.append((regex, template))
        # path -> template, the least recently used let go one at a time: a client asking many paths must
        # not empty it of the paths asked all the time.
        self.remembered = functools.lru_cache(maxsize=MAX_REMEMBERED)(self._template_of)

    def add(self, path: str) -> None:
        """A path served outside the router (``/metrics``), labelled as itself."""
        self.patterns.insert(0, (re.compile(f"^{re.escape(path)}$"), path))
        self.remembered.cache_clear()

    def template(self, path: str) -> str:
        """The route template, or ``unmatched`` (a 404) so unknown paths share one label."""
        if len(path) > MAX_REMEMBERED_PATH:
            return self._template_of(path)
        return self.remembered(path)  # type: ignore[no-any-return]

    def _template_of(self, path: str) -> str:
        return next((t for regex, t in self.patterns if regex.match(path)), UNMATCHED)
