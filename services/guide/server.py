"""The guide server: its servicers on the shared runtime."""

import grpc
from tripmesh.v1 import guide_service_pb2_grpc

from registry import known_service
from services.a2a.model_reading import model_reader
from services.a2a.serving import install_a2a
from services.agents.routed import tool_client
from services.agents.serving import install_model_chain, install_warm_up
from services.agents.settings import AgentSettings
from services.guide.advisor import Advisor
from services.guide.servicer import GuideServiceServicer
from services.guide.skill import DESCRIPTION, local_advice_skill
from services.guide.tools import guide_tools
from services.runtime.server import ServiceContext, ServiceServer, build_server
from services.tools.install import install_tools

SERVICE = known_service("guide")
Settings = AgentSettings


async def install(server: grpc.aio.Server, context: ServiceContext[Settings]) -> None:
    """Adds the servicers of the guide service."""
    install_warm_up(context)  # its tools resolve places typed by people
    chain = install_model_chain(context)
    servicer = GuideServiceServicer(Advisor(chain, tool_client(context)))
    guide_service_pb2_grpc.add_GuideServiceServicer_to_server(servicer, server)
    install_a2a(server, context, local_advice_skill(servicer), DESCRIPTION, model_reader(chain))
    install_tools(server, context, guide_tools())


async def create_server(settings: Settings) -> tuple[ServiceServer, int]:
    """The guide server, bound but not started."""
    return await build_server(SERVICE, settings, install)
