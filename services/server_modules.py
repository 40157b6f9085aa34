"""Where each service's server lives, for `tripmesh serve NAME` and `tripmesh up`."""

import importlib
from typing import Any

from registry import KNOWN_SERVICES

SERVER_MODULES: dict[str, str] = {
    "orchestrator": "services.orchestrator.server",
    "planner": "services.planner.server",
    "budget": "services.budget.server",
    "guide": "services.guide.server",
    "tool-registry": "services.tool_registry.server",
    "task-router": "services.task_router.server",
    "performance-monitor": "services.performance_monitor.server",
    "gateway": "gateway.server",
}
assert set(SERVER_MODULES) == set(KNOWN_SERVICES)


def server_module(name: str) -> Any:
    """The module of a service's server (imported on demand, so that one process loads one)."""
    return importlib.import_module(SERVER_MODULES[name])
