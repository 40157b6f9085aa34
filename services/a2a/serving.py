"""Serves one agent's A2AService beside its own service, with the a2a-sdk's gRPC handler.

Tasks live in this process (a bounded in-memory store), and with TRIPMESH_STATE_URL in
the shared state too, saved on the condition of their version, so that GetTask and
ListTasks answer alike from every replica and a stale save never replaces a newer one
(shared_tasks.py); CancelTask, streaming and replies must reach the instance running the
task.

The SDK's server side (its request handler, task store and event queues, which bring in
starlette, httpx and more) is imported and built on the first A2A call: about 10 MB that
a process whose agent no A2A client calls never holds. The card, the skill and the
service's name (for health, reflection and discovery) are there from the start.
"""

import logging
import threading
import warnings
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import grpc
from a2a.types import a2a_pb2
from grpc import aio

from registry import Endpoint
from services.a2a.card import (
    SKILLS_META,
    add_grpc_interface,
    agent_card,
    grpc_address,
    skills_meta,
)
from services.a2a.model_reading import TextReader, offline_reader
from services.a2a.settings import A2ASettings
from services.a2a.skill import TripSkill
from services.runtime.server import ServiceContext, announced_host

if TYPE_CHECKING:
    from services.runtime.interceptors import Handler

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
    settings: A2ASettings = context.settings
    _announce_grpc(card, context)

    def handlers() -> "dict[str, Handler]":
        # Imported here: see the module's docstring.
        from a2a.server.agent_execution import SimpleRequestContextBuilder
        from a2a.server.request_handlers import DefaultRequestHandler, GrpcHandler
        from a2a.types import a2a_pb2_grpc

        from services.a2a.executor import TripTaskExecutor
        from services.a2a.owners import KeyContextBuilder
        from services.a2a.shared_tasks import create_task_store

        store, task_ids = create_task_store(
            context.state, context.service.name, settings.a2a_task_ttl, grpc_address(card)
        )
        # Without an event stream the SDK warns (and logs) that a versioned (shared) store's
        # tasks stream from their own replica only: here the gateway sends those calls there.
        sdk_log = logging.getLogger(DefaultRequestHandler.__module__)
        level = sdk_log.level
        sdk_log.setLevel(logging.ERROR)
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                handler = DefaultRequestHandler(
                    agent_executor=TripTaskExecutor(skill, reader),
                    task_store=store,
                    agent_card=card,
                    extended_agent_card=card,
                    # Task ids name this replica, for the gateway to send their calls here.
                    request_context_builder=SimpleRequestContextBuilder(task_id_generator=task_ids),
                )
        finally:
            sdk_log.setLevel(level)
        methods = _MethodHandlers()
        a2a_pb2_grpc.add_A2AServiceServicer_to_server(
            GrpcHandler(handler, context_builder=KeyContextBuilder()), methods
        )  # type: ignore[no-untyped-call]
        return methods.by_path

    server.add_generic_rpc_handlers((LazyService(A2A_SERVICE, handlers),))
    context.proto_services.append(A2A_SERVICE)
    context.meta[SKILLS_META] = skills_meta(card)
    return card


class LazyService(grpc.GenericRpcHandler):
    """The methods of one gRPC service, whose handlers `build` makes on the service's first
    call (a dict of "/package.Service/Method" to handler); other services' calls pass by."""

    def __init__(self, name: str, build: Callable[[], "dict[str, Handler]"]) -> None:
        self._prefix = f"/{name}/"
        self._build = build
        self._handlers: dict[str, Handler] | None = None
        self._lock = threading.Lock()  # grpc may look a handler up off the event loop

    def service(self, handler_call_details: grpc.HandlerCallDetails) -> "Handler | None":
        method = handler_call_details.method
        if not method.startswith(self._prefix):
            return None
        if self._handlers is None:
            with self._lock:
                if self._handlers is None:
                    self._handlers = self._build()
        return self._handlers.get(method)


class _MethodHandlers:
    """Stands in for a server to a generated add_*Servicer_to_server: keeps its handlers."""

    def __init__(self) -> None:
        self.by_path: dict[str, Handler] = {}

    def add_generic_rpc_handlers(self, handlers: Any) -> None:
        """The generated code adds the same handlers twice: the registered ones suffice."""

    def add_registered_method_handlers(self, service: str, handlers: "dict[str, Handler]") -> None:
        self.by_path.update({f"/{service}/{name}": h for name, h in handlers.items()})


def _announce_grpc(card: a2a_pb2.AgentCard, context: ServiceContext[Any]) -> None:
    """The card's gRPC interface: now when the port is known, once bound when it is 0 (tests),
    so that the card is complete whenever a call can reach it."""
    settings = context.settings
    port = settings.port if settings.port is not None else context.service.port
    if port:
        add_grpc_interface(card, Endpoint(announced_host(settings.host), port).address)
        return

    async def announce() -> None:
        add_grpc_interface(card, Endpoint(announced_host(settings.host), context.port).address)

    context.on_start.append(announce)
