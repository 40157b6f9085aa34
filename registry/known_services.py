"""The services of the mesh, their names and well-known ports (DESIGN.md)."""

from dataclasses import dataclass


@dataclass(frozen=True)
class KnownService:
    """A service of the mesh as DESIGN.md fixes it."""

    name: str  # short name, as `tripmesh serve NAME` takes it
    discovery_name: str  # health and Consul name
    port: int  # gRPC port (HTTP port for the gateway)
    metrics_port: int  # Prometheus port (the gateway serves /metrics on `port`)
    proto_service: str  # full name of its main gRPC service ("" for the gateway)


KNOWN_SERVICES: dict[str, KnownService] = {
    s.name: s
    for s in (
        KnownService(
            "orchestrator", "tripmesh-orchestrator", 50051, 9151, "tripmesh.v1.OrchestratorService"
        ),
        KnownService("planner", "tripmesh-planner", 50052, 9152, "tripmesh.v1.PlannerService"),
        KnownService("budget", "tripmesh-budget", 50053, 9153, "tripmesh.v1.BudgetService"),
        KnownService("guide", "tripmesh-guide", 50054, 9154, "tripmesh.v1.GuideService"),
        KnownService(
            "tool-registry",
            "tripmesh-tool-registry",
            50061,
            9161,
            "tripmesh.v1.ToolRegistryService",
        ),
        KnownService(
            "task-router", "tripmesh-task-router", 50062, 9162, "tripmesh.v1.TaskRouterService"
        ),
        KnownService(
            "performance-monitor",
            "tripmesh-performance-monitor",
            50063,
            9163,
            "tripmesh.v1.PerformanceMonitorService",
        ),
        KnownService("gateway", "tripmesh-gateway", 8080, 8080, ""),
    )
}

# The largest offset that keeps every well-known port (gRPC, HTTP, metrics) a valid port.
MAX_PORT_OFFSET = 65535 - max(max(s.port, s.metrics_port) for s in KNOWN_SERVICES.values())

_BY_ANY_NAME: dict[str, KnownService] = {}
for _service in KNOWN_SERVICES.values():
    for _alias in (_service.name, _service.discovery_name, _service.name.replace("-", "_")):
        _BY_ANY_NAME[_alias] = _service


def known_service(name: str) -> KnownService:
    """Looks a service up by short name ("tool-registry"), its snake_case or its discovery name.

    Raises KeyError naming the known services when there is no such service.
    """
    try:
        return _BY_ANY_NAME[name]
    except KeyError:
        choices = ", ".join(KNOWN_SERVICES)
        raise KeyError(f"unknown service {name!r} (known: {choices})") from None


def discovery_name(name: str) -> str:
    """The discovery name of a service; names outside the catalogue are kept as given."""
    service = _BY_ANY_NAME.get(name)
    return service.discovery_name if service else name
