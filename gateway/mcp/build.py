"""One ToolsServer from the channels and settings, for the gateway and for `tripmesh mcp`."""

from tripmesh.v1 import orchestrator_service_pb2_grpc as orchestrator_grpc
from tripmesh.v1 import task_router_service_pb2_grpc as router_grpc
from tripmesh.v1 import tool_registry_service_pb2_grpc as registry_grpc

from gateway.mcp.calls import ToolCalls
from gateway.mcp.catalog import RegistryTools
from gateway.mcp.server import ToolsServer
from gateway.settings import Settings
from services.runtime.channels import ChannelPool
from services.runtime.server import package_version

REGISTRY_TIMEOUT = 5.0  # listing tools is quick; a client waits on it


def tools_server(pool: ChannelPool, settings: Settings) -> ToolsServer:
    calls = ToolCalls(
        pool.client("task-router", router_grpc.TaskRouterServiceStub),
        pool.client("orchestrator", orchestrator_grpc.OrchestratorServiceStub),
        tool_timeout=settings.gateway_deadline,
        plan_timeout=settings.gateway_deadline,
    )
    catalog = RegistryTools(
        pool.client("tool-registry", registry_grpc.ToolRegistryServiceStub), REGISTRY_TIMEOUT
    )
    return ToolsServer(
        catalog, calls, version=package_version(), poll_interval=settings.mcp_poll_interval
    )
