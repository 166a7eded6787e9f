"""Route templates for metric labels and log lines: ``/states/{code}``, never ``/states/NJ``."""

import re
from typing import Any

from fastapi.routing import iter_route_contexts

from app.domain.remembering import MAX_KEY_LENGTH, remembered

UNMATCHED = "unmatched"
MAX_REMEMBERED = 10_000


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
        self.remembered = remembered(self._template_of, maxsize=MAX_REMEMBERED)

    def add(self, path: str) -> None:
        """A path served outside the router (``/metrics``), labelled as itself."""
        self.patterns.insert(0, (re.compile(f"^{re.escape(path)}$"), path))
        # Labels asked before may now be stale: a new memory.
        self.remembered = remembered(self._template_of, maxsize=MAX_REMEMBERED)

    def template(self, path: str) -> str:
        """The route template, or ``unmatched`` (a 404) so unknown paths share one label."""
        if len(path) > MAX_KEY_LENGTH:
            return self._template_of(path)
        return self.remembered(path)

    def _template_of(self, path: str) -> str:
        return next((t for regex, t in self.patterns if regex.match(path)), UNMATCHED)
