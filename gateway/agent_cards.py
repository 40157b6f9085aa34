"""Agent cards at the edge: `/.well-known/agent-card.json` (the orchestrator, the mesh's
front agent) and `/{agent}/.well-known/agent-card.json` for each agent.

A card is the agent's own (GetExtendedAgentCard over gRPC: its skills, its gRPC
interface) with what only the edge knows added: the HTTP+JSON interface through this
gateway (with the agent as tenant) and, when keys are on, the API-key scheme.
"""

from collections.abc import Awaitable, Callable
from functools import partial

import grpc
from a2a.types import a2a_pb2, a2a_pb2_grpc
from a2a.utils.constants import PROTOCOL_VERSION_CURRENT, TransportProtocol
from google.protobuf import json_format

from gateway.a2a_routes import AGENTS, FRONT_AGENT
from gateway.dispatch import FIXED_METHODS, not_allowed
from gateway.errors import from_rpc_error
from gateway.exchange import exchange_of
from gateway.responses import JSON, Receive, Scope, Send, send_response
from gateway.upstream import Upstreams
from registry import known_service

WELL_KNOWN = "/.well-known/agent-card.json"
CARD_TIMEOUT = 5.0
API_KEY_SCHEME = "apiKey"
MTLS_SCHEME = "meshCertificate"
MountedApp = Callable[[Scope, Receive, Send], Awaitable[None]]


def card_path(agent: str) -> str:
    return WELL_KNOWN if agent == FRONT_AGENT else f"/{agent}{WELL_KNOWN}"


def edge_card(
    card: a2a_pb2.AgentCard, base_url: str, tenant: str, api_keys: bool, mtls: bool = False
) -> None:
    """Adds the gateway's HTTP+JSON interface (first: the preferred one) and, with keys on, its
    key scheme; with mTLS on as well, a mesh client certificate is the other way in (the
    agent's own gRPC interface, which takes no API key). Requirements are alternatives."""
    http = a2a_pb2.AgentInterface(
        url=base_url,
        protocol_binding=TransportProtocol.HTTP_JSON.value,
        tenant=tenant,
        protocol_version=PROTOCOL_VERSION_CURRENT,
    )
    card.supported_interfaces.insert(0, http)
    if not api_keys:
        return
    scheme = a2a_pb2.APIKeySecurityScheme(
        location="header",
        name="X-API-Key",
        description="A tripmesh API key (also accepted as Authorization: Bearer KEY).",
    )
    card.security_schemes[API_KEY_SCHEME].api_key_security_scheme.CopyFrom(scheme)
    _require(card, API_KEY_SCHEME)
    if mtls:
        certificate = a2a_pb2.MutualTlsSecurityScheme(
            description="A client certificate from the mesh's CA: the gRPC interface."
        )
        card.security_schemes[MTLS_SCHEME].mtls_security_scheme.CopyFrom(certificate)
        _require(card, MTLS_SCHEME)


def _require(card: a2a_pb2.AgentCard, scheme: str) -> None:
    requirement = card.security_requirements.add()
    requirement.schemes[scheme].CopyFrom(a2a_pb2.StringList())


class AgentCards:
    def __init__(self, api_keys: bool, mtls: bool = False) -> None:
        self._api_keys = api_keys
        self._mtls = mtls
        self.upstreams: Upstreams | None = None  # set when the gateway starts

    def mounts(self) -> dict[str, MountedApp]:
        return {card_path(agent): partial(self.serve, agent) for agent in AGENTS}

    async def serve(self, agent: str, scope: Scope, receive: Receive, send: Send) -> None:
        exchange = exchange_of(scope)
        if exchange.method not in FIXED_METHODS:
            raise not_allowed(exchange, list(FIXED_METHODS))
        card = await self._agent_card(known_service(agent).discovery_name)
        host = exchange.headers.get("host", "localhost")
        tenant = "" if agent == FRONT_AGENT else agent
        base_url = f"{scope.get('scheme', 'http')}://{host}"
        edge_card(card, base_url, tenant, self._api_keys, self._mtls)
        await send_response(send, 200, json_format.MessageToJson(card).encode(), JSON)

    async def _agent_card(self, upstream: str) -> a2a_pb2.AgentCard:
        if self.upstreams is None:
            raise RuntimeError("the gateway has not started")
        stub = a2a_pb2_grpc.A2AServiceStub(self.upstreams.channel(upstream))  # type: ignore[no-untyped-call]
        method = f"/{a2a_pb2.DESCRIPTOR.package}.A2AService/GetExtendedAgentCard"
        try:
            card: a2a_pb2.AgentCard = await stub.GetExtendedAgentCard(
                a2a_pb2.GetExtendedAgentCardRequest(), timeout=CARD_TIMEOUT
            )
        except grpc.aio.AioRpcError as exc:
            raise from_rpc_error(exc, method, upstream) from None
        return card
