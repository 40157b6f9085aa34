"""The budget server: its servicers on the shared runtime."""

import grpc
from tripmesh.v1 import budget_service_pb2_grpc

from registry import known_service
from services.agents.serving import install_model_chain
from services.budget.estimator import BudgetEstimator
from services.budget.servicer import BudgetServiceServicer
from services.budget.tools import budget_tools
from services.runtime.server import ServiceContext, ServiceServer, build_server
from services.runtime.settings import Settings
from services.tools.install import install_tools

SERVICE = known_service("budget")


async def install(server: grpc.aio.Server, context: ServiceContext) -> None:
    """Adds the servicers of the budget service."""
    budget_service_pb2_grpc.add_BudgetServiceServicer_to_server(
        BudgetServiceServicer(BudgetEstimator(install_model_chain(context))), server
    )
    install_tools(server, context, budget_tools())


async def create_server(settings: Settings) -> tuple[ServiceServer, int]:
    """The budget server, bound but not started."""
    return await build_server(SERVICE, settings, install)
