"""Who may call what, with mTLS on: the one table of the mesh's RPCs and their callers.

Callers are SPIFFE ids from their certificates. The public API is open to the gateway
(the door for everyone outside) and to the `operator` certificate (grpcurl, `tripmesh plan
--grpc`); the internal RPCs (recording executions, registering tools, the agents, the tools
themselves) only to the mesh services that make those calls. Health and reflection stay
open to any holder of a certificate from the mesh's CA (probes, grpcurl), but for the
identities in LIMITED: the Consul agents' certificate (`consul`), which exists only for
Consul's gRPC health checks, may call grpc.health.v1.Health/Check and nothing else.

A method is looked up as "pkg.Service/Method", then "pkg.Service"; a method in neither is
refused, so that a new RPC is internal until this table says otherwise.
"""

from collections.abc import Mapping

from registry import KNOWN_SERVICES
from services.runtime.tls import spiffe_id

ANYONE = "*"  # any certificate the mesh's CA signed, but for the LIMITED identities
OPERATOR = "operator"
CONSUL = "consul"  # the Consul client agents, which run the services' health checks
AGENTS = ("planner", "budget", "guide")
SERVERS = tuple(name for name in KNOWN_SERVICES if name != "gateway")  # every reporter


def _ids(*names: str) -> frozenset[str]:
    return frozenset(spiffe_id(name) for name in names)


_OPEN = frozenset({ANYONE})
# Identities that ANYONE leaves out: they may call only the rows that name them.
LIMITED = _ids(CONSUL)
_EDGE = _ids("gateway", OPERATOR)  # the public API: the gateway, and operators' tools
_CALLING_AGENTS = _ids("orchestrator", "gateway")  # the gateway transcodes the agents' routes
_PROVIDERS = _ids(*AGENTS)  # the services that offer tools

ACCESS: Mapping[str, frozenset[str]] = {
    "grpc.health.v1.Health": _OPEN,
    "grpc.health.v1.Health/Check": _OPEN | _ids(CONSUL),  # and Consul's checks (GRPCUseTLS)
    "grpc.reflection.v1alpha.ServerReflection": _OPEN,
    "grpc.reflection.v1.ServerReflection": _OPEN,
    "tripmesh.v1.OrchestratorService": _EDGE,
    "tripmesh.v1.PlannerService": _CALLING_AGENTS,
    "tripmesh.v1.BudgetService": _CALLING_AGENTS,
    "tripmesh.v1.GuideService": _CALLING_AGENTS,
    "tripmesh.v1.ToolService": _ids("task-router"),
    "tripmesh.v1.TaskRouterService": _ids(*AGENTS, "gateway"),
    "tripmesh.v1.ToolRegistryService": _ids(*KNOWN_SERVICES, OPERATOR),  # reads
    "tripmesh.v1.ToolRegistryService/RegisterTool": _PROVIDERS,
    "tripmesh.v1.ToolRegistryService/DeregisterTool": _PROVIDERS,
    "tripmesh.v1.ToolRegistryService/Heartbeat": _PROVIDERS,
    "tripmesh.v1.PerformanceMonitorService": _EDGE,  # stats and alerts
    "tripmesh.v1.PerformanceMonitorService/RecordExecutions": _ids(*SERVERS),
    # A2A, served by the orchestrator and the agents: other agents come through the gateway.
    "lf.a2a.v1.A2AService": _EDGE,
}


def callers(method: str, table: Mapping[str, frozenset[str]] = ACCESS) -> frozenset[str]:
    """The identities that may call `method` ("/pkg.Service/Method"); empty: nobody."""
    name = method.lstrip("/")
    service = name.partition("/")[0]
    return table.get(name, table.get(service, frozenset()))


def admits(allowed: frozenset[str], identity: str) -> bool:
    """Whether `identity` is among `allowed` (callers() of a method), ANYONE included."""
    return identity in allowed or (ANYONE in allowed and identity not in LIMITED)


def may_call(identity: str, method: str) -> bool:
    """Whether the holder of `identity` ("" for none) may call `method`."""
    return admits(callers(method), identity)


def is_open(method: str) -> bool:
    """Whether every certificate from the CA may call `method`: health's Check, which the
    LIMITED identities may call too (no caller to check then)."""
    allowed = callers(method)
    return ANYONE in allowed and LIMITED.issubset(allowed)
