"""The task router server: its servicers on the shared runtime."""

from typing import Any

import grpc
from tripmesh.v1 import task_router_service_pb2_grpc, tool_registry_service_pb2_grpc

from registry import known_service
from services.runtime import tls_reload
from services.runtime.server import ServiceContext, ServiceServer, build_server
from services.task_router.channels import InstanceChannels
from services.task_router.choice import Chooser, PowerOfTwoChoices, RoundRobin
from services.task_router.directory import ToolDirectory
from services.task_router.router import RouterDeps, TaskRouter
from services.task_router.servicer import TaskRouterServiceServicer
from services.task_router.settings import Settings
from services.task_router.stats import EjectionPolicy

SERVICE = known_service("task-router")


def create_router(context: ServiceContext[Settings]) -> tuple[TaskRouter, InstanceChannels]:
    """The router of a server, on its discovery, registry client and reporter."""
    settings = context.settings
    registry: Any = context.channels.client(
        "tool-registry", tool_registry_service_pb2_grpc.ToolRegistryServiceStub
    )
    channels = InstanceChannels(
        default_deadline=settings.default_deadline,
        margin=settings.deadline_margin,
        max_message_bytes=settings.max_message_bytes,
        certificates=tls_reload.watch_if(settings.tls),
    )
    intelligent = settings.enable_intelligent_routing
    chooser: Chooser = PowerOfTwoChoices() if intelligent else RoundRobin()
    deps = RouterDeps(
        directory=ToolDirectory(lambda: registry.stub, ttl=settings.router_tool_cache_ttl),
        channels=channels,
        discovery=context.discovery,
        chooser=chooser,
        policy=EjectionPolicy(
            failures=settings.router_ejection_failures,
            base=settings.router_ejection_base,
            maximum=settings.router_ejection_max,
        ),
        eject=intelligent,
        report=context.reporter.record,
        tau=settings.router_ewma_decay,
    )
    return TaskRouter(deps), channels


async def install(server: grpc.aio.Server, context: ServiceContext[Settings]) -> None:
    """Adds the servicers of the task router service."""
    router, channels = create_router(context)
    task_router_service_pb2_grpc.add_TaskRouterServiceServicer_to_server(
        TaskRouterServiceServicer(router), server
    )
    context.on_stop.append(channels.close)


async def create_server(settings: Settings) -> tuple[ServiceServer, int]:
    """The task router server, bound but not started."""
    return await build_server(SERVICE, settings, install)
