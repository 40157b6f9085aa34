"""The budget server: its servicers on the shared runtime."""

import grpc
from tripmesh.v1 import budget_service_pb2_grpc

from registry import known_service
from services.a2a.model_reading import model_reader
from services.a2a.serving import install_a2a
from services.agents.routed import tool_client
from services.agents.serving import install_model_chain, install_warm_up
from services.agents.settings import AgentSettings
from services.budget.estimator import BudgetEstimator
from services.budget.rate_sources import ToolRates
from services.budget.servicer import BudgetServiceServicer
from services.budget.skill import DESCRIPTION, estimate_budget_skill
from services.budget.tools import budget_tools
from services.runtime.server import ServiceContext, ServiceServer, build_server
from services.tools.install import install_tools

SERVICE = known_service("budget")
Settings = AgentSettings


async def install(server: grpc.aio.Server, context: ServiceContext[Settings]) -> None:
    """Adds the servicers of the budget service."""
    install_warm_up(context, free_text=False)  # places arrive resolved in itineraries
    tools = tool_client(context)
    # Rates through the router's currency.convert, fresh for each estimate.
    chain = install_model_chain(context)
    estimator = BudgetEstimator(chain, rates=lambda: ToolRates(tools))
    servicer = BudgetServiceServicer(estimator)
    budget_service_pb2_grpc.add_BudgetServiceServicer_to_server(servicer, server)
    install_a2a(server, context, estimate_budget_skill(servicer), DESCRIPTION, model_reader(chain))
    install_tools(server, context, budget_tools())


async def create_server(settings: Settings) -> tuple[ServiceServer, int]:
    """The budget server, bound but not started."""
    return await build_server(SERVICE, settings, install)
