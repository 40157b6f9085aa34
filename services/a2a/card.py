"""The agent card of an A2A agent, from what is running.

The agent's own card names its gRPC interface (the address it announces to
discovery); the gateway adds the HTTP+JSON interface and the API-key scheme,
which only the edge knows (gateway.a2a).
"""

from a2a.types import a2a_pb2
from a2a.utils.constants import PROTOCOL_VERSION_CURRENT, TransportProtocol

from services.runtime.server import package_version

INPUT_MODES = ["application/json", "text/plain"]  # a data part, or a sentence
OUTPUT_MODES = ["application/json"]
SKILLS_META = "a2a_skills"  # Consul service metadata: the skill ids, comma-separated
PROVIDER = a2a_pb2.AgentProvider(organization="tripmesh", url="https://github.com/tripmesh")


def agent_card(name: str, description: str, skills: list[a2a_pb2.AgentSkill]) -> a2a_pb2.AgentCard:
    """The card without interfaces (added once the server is bound: `add_grpc_interface`)."""
    return a2a_pb2.AgentCard(
        name=name,
        description=description,
        version=package_version(),
        provider=PROVIDER,
        capabilities=a2a_pb2.AgentCapabilities(streaming=True, extended_agent_card=True),
        default_input_modes=INPUT_MODES,
        default_output_modes=OUTPUT_MODES,
        skills=skills,
    )


def add_grpc_interface(card: a2a_pb2.AgentCard, address: str) -> None:
    card.supported_interfaces.append(
        a2a_pb2.AgentInterface(
            url=address,
            protocol_binding=TransportProtocol.GRPC.value,
            protocol_version=PROTOCOL_VERSION_CURRENT,
        )
    )


def grpc_address(card: a2a_pb2.AgentCard) -> str:
    """The address of the card's gRPC interface ("" before it is known)."""
    for interface in card.supported_interfaces:
        if interface.protocol_binding == TransportProtocol.GRPC.value:
            return str(interface.url)
    return ""


def skills_meta(card: a2a_pb2.AgentCard) -> str:
    return ",".join(skill.id for skill in card.skills)
