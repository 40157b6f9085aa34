"""The planner server: its servicers on the shared runtime."""

import grpc
from tripmesh.v1 import planner_service_pb2_grpc

from registry import known_service
from services.a2a.model_reading import model_reader
from services.a2a.serving import install_a2a
from services.agents.serving import install_model_chain, install_warm_up
from services.agents.settings import AgentSettings
from services.planner.planner import Planner
from services.planner.servicer import PlannerServiceServicer
from services.planner.skill import DESCRIPTION, draft_itinerary_skill
from services.planner.tools import planner_tools
from services.runtime.server import ServiceContext, ServiceServer, build_server
from services.tools.install import install_tools

SERVICE = known_service("planner")
Settings = AgentSettings


async def install(server: grpc.aio.Server, context: ServiceContext[Settings]) -> None:
    """Adds the servicers of the planner service."""
    install_warm_up(context)
    chain = install_model_chain(context)
    servicer = PlannerServiceServicer(Planner(chain))
    planner_service_pb2_grpc.add_PlannerServiceServicer_to_server(servicer, server)
    install_a2a(server, context, draft_itinerary_skill(servicer), DESCRIPTION, model_reader(chain))
    install_tools(server, context, planner_tools())


async def create_server(settings: Settings) -> tuple[ServiceServer, int]:
    """The planner server, bound but not started."""
    return await build_server(SERVICE, settings, install)
