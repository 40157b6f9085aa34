"""The orchestrator server: the workflow and the trip store on the shared runtime."""

from functools import partial

import grpc
from tripmesh.v1 import orchestrator_service_pb2_grpc

from registry import known_service
from services.a2a.model_reading import model_reader
from services.a2a.serving import install_a2a
from services.agents.serving import install_warm_up
from services.guardrails import validate_trip_request
from services.llm import create_model_chain
from services.orchestrator.agents import agent_clients
from services.orchestrator.retention import TripRetention
from services.orchestrator.servicer import OrchestratorServiceServicer
from services.orchestrator.settings import Settings
from services.orchestrator.skill import DESCRIPTION, plan_trip_skill
from services.orchestrator.store_factory import create_store
from services.orchestrator.workflow import TripWorkflow
from services.runtime.background import run_while_serving
from services.runtime.server import ServiceContext, ServiceServer, build_server

SERVICE = known_service("orchestrator")


async def install(server: grpc.aio.Server, context: ServiceContext[Settings]) -> None:
    """Adds the orchestrator's servicer; the store opens (and migrates) on start."""
    # The guardrails convert budgets: rates only (no place is resolved here, see below).
    install_warm_up(context, places=False, free_text=False)
    store = create_store(context.settings)
    planner, budget, guide = agent_clients(context.channels)
    # The planner resolves the destination (and warns about it); resolving here too
    # would load the place index into this process for nothing.
    validate = partial(validate_trip_request, resolve=False)
    workflow = TripWorkflow(planner, budget, guide, store, context.settings, validate)
    orchestrator_service_pb2_grpc.add_OrchestratorServiceServicer_to_server(
        OrchestratorServiceServicer(workflow, store), server
    )
    # A model reads A2A sentences when TRIPMESH_MODELS names one; else the offline parser.
    chain = create_model_chain(context.settings, on_call=context.reporter.on_model_call)
    context.on_stop.append(chain.aclose)
    install_a2a(server, context, plan_trip_skill(workflow), DESCRIPTION, model_reader(chain))
    context.on_start.append(store.open)
    context.on_stop.append(store.close)
    context.hard_dependencies["trip store"] = store.ping  # no trip can be read or kept without
    retention = TripRetention(store, context.settings.trip_retention)
    interval = context.settings.trip_purge_interval
    run_while_serving(context, lambda: retention.run(interval), "trip-retention")


async def create_server(settings: Settings) -> tuple[ServiceServer, int]:
    """The orchestrator server, bound but not started."""
    return await build_server(SERVICE, settings, install)
