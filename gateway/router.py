"""Finds the route of a request: a dict lookup for literal paths, then templates in order.

The table is built once at start. Templates are tried most specific first
(a verb, then more literal segments), so that `/v1/trips:plan` never falls to
a `{name=trips/*}`-style variable.
"""

import logging
from collections import defaultdict
from dataclasses import dataclass, field

from gateway.rules import Route

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class RouteMatch:
    """A route and the values its path variables took."""

    route: Route
    bindings: dict[str, str] = field(default_factory=dict)


class Router:
    """The transcoding table: HTTP method and raw path → route."""

    def __init__(self, routes: list[Route]) -> None:
        self.routes = routes
        # A literal path binds nothing: its one match is made once (never mutated).
        self._literal: dict[tuple[str, str], RouteMatch] = {}
        self._templated: dict[str, list[Route]] = defaultdict(list)
        for route in routes:
            self._add(route)
        for candidates in self._templated.values():
            candidates.sort(key=_specificity)

    def _add(self, route: Route) -> None:
        template = route.template
        if not template.has_wildcards:
            key = (route.http_method, template.text)
            if key in self._literal:
                logger.warning("%s %s bound twice: keeping the first", *key)
                return
            self._literal[key] = RouteMatch(route)
            return
        self._templated[route.http_method].append(route)

    def match(self, method: str, raw_path: str) -> RouteMatch | None:
        """The route of `method raw_path`, or None."""
        literal = self._literal.get((method, raw_path))
        if literal is not None:
            return literal
        for candidate in self._templated.get(method, ()):
            bindings = candidate.template.match(raw_path)
            if bindings is not None:
                return RouteMatch(candidate, bindings)
        return None

    def allowed_methods(self, raw_path: str) -> list[str]:
        """Methods that do have a route for this path (for a 405's Allow header)."""
        methods = {m for (m, path) in self._literal if path == raw_path}
        for method, candidates in self._templated.items():
            if any(c.template.match(raw_path) is not None for c in candidates):
                methods.add(method)
        return sorted(methods)


def _specificity(route: Route) -> tuple[int, int, int]:
    template = route.template
    has_double = any("**" in v.pattern for v in template.variables) or "**" in template.segments
    return (0 if template.verb else 1, -template.literal_count, 1 if has_double else 0)
