"""The descriptors of every tripmesh service, registered in the default pool."""

from a2a.types import a2a_pb2  # noqa: F401  (A2AService, which the agents serve too)
from google.protobuf import descriptor_pool
from google.protobuf.descriptor import ServiceDescriptor
from tripmesh.v1 import (  # noqa: F401  (importing registers each file's descriptors)
    budget_service_pb2,
    guide_service_pb2,
    orchestrator_service_pb2,
    performance_monitor_service_pb2,
    planner_service_pb2,
    task_router_service_pb2,
    tool_registry_service_pb2,
    tool_service_pb2,
)

SERVICE_NAMES = (
    "OrchestratorService",
    "PlannerService",
    "BudgetService",
    "GuideService",
    "ToolRegistryService",
    "TaskRouterService",
    "PerformanceMonitorService",
    "ToolService",
)


def service_descriptor(name: str) -> ServiceDescriptor:
    """The descriptor of "tripmesh.v1.NAME" or of the full name given."""
    full_name = name if "." in name else f"tripmesh.v1.{name}"
    return descriptor_pool.Default().FindServiceByName(full_name)


A2A_SERVICE = "lf.a2a.v1.A2AService"


def all_services() -> list[ServiceDescriptor]:
    """The tripmesh.v1 services (the contracts this project owns)."""
    return [service_descriptor(name) for name in SERVICE_NAMES]


def mesh_services() -> list[ServiceDescriptor]:
    """Every service a server of the mesh serves: ours, and A2A's, which the orchestrator
    and the agents serve too (health and reflection aside)."""
    return [*all_services(), service_descriptor(A2A_SERVICE)]
