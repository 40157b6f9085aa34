"""Serves one agent's A2AService beside its own service, with the a2a-sdk's gRPC handler.

Tasks live in this process (a bounded in-memory store): GetTask and CancelTask must
reach the instance that runs the task.
"""

from typing import Any

from a2a.server.request_handlers import DefaultRequestHandler, GrpcHandler
from a2a.types import a2a_pb2, a2a_pb2_grpc
from grpc import aio

from services.a2a.card import SKILLS_META, add_grpc_interface, agent_card, skills_meta
from services.a2a.executor import TripSkill, TripTaskExecutor
from services.a2a.model_reading import TextReader, offline_reader
from services.a2a.task_store import BoundedTaskStore
from services.runtime.server import ServiceContext, announced_host

A2A_SERVICE = a2a_pb2.DESCRIPTOR.services_by_name["A2AService"].full_name  # lf.a2a.v1.A2AService


def install_a2a(
    server: aio.Server,
    context: ServiceContext[Any],
    skill: TripSkill,
    description: str,
    reader: TextReader = offline_reader,
) -> a2a_pb2.AgentCard:
    """Adds A2AService for `skill`, reading sentences with `reader`."""
    card = agent_card(context.service.name, description, [skill.card])
    _announce_grpc(card, context)
    handler = DefaultRequestHandler(
        agent_executor=TripTaskExecutor(skill, reader),
        task_store=BoundedTaskStore(),
        agent_card=card,
        extended_agent_card=card,
    )
    a2a_pb2_grpc.add_A2AServiceServicer_to_server(GrpcHandler(handler), server)  # type: ignore[no-untyped-call]
    context.proto_services.append(A2A_SERVICE)
    context.meta[SKILLS_META] = skills_meta(card)
    return card


def _announce_grpc(card: a2a_pb2.AgentCard, context: ServiceContext[Any]) -> None:
    """The card's gRPC interface: now when the port is known, once bound when it is 0 (tests),
    so that the card is complete whenever a call can reach it."""
    settings = context.settings
    port = settings.port if settings.port is not None else context.service.port
    if port:
        add_grpc_interface(card, f"{announced_host(settings.host)}:{port}")
        return

    async def announce() -> None:
        add_grpc_interface(card, f"{announced_host(settings.host)}:{context.port}")

    context.on_start.append(announce)
