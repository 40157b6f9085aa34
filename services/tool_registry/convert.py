"""Registry protos to the catalogue's objects and back."""

from tripmesh.v1 import tool_registry_service_pb2 as pb

from services.runtime.wellknown import timestamp
from services.tool_registry.catalog import ProviderInfo
from services.tool_registry.entries import Provider, ToolDefinition, ToolView
from services.tools.structs import to_dict, to_struct


def definition_of(tool: pb.Tool) -> ToolDefinition:
    return ToolDefinition(
        name=tool.name,
        description=tool.description,
        input_schema=to_dict(tool.input_schema),
        output_schema=to_dict(tool.output_schema),
        version=tool.version,
        tags=tuple(tool.tags),
    )


def provider_of(provider: pb.ToolProvider) -> ProviderInfo:
    return ProviderInfo(provider.service, provider.instance_id, provider.endpoint)


def tool_proto(view: ToolView) -> pb.Tool:
    definition = view.definition
    tool = pb.Tool(
        name=definition.name,
        description=definition.description,
        input_schema=to_struct(definition.input_schema),
        output_schema=to_struct(definition.output_schema),
        version=definition.version,
        tags=list(definition.tags),
        providers=[provider_proto(p) for p in view.providers],
        available=view.available,
        create_time=timestamp(view.create_time),
    )
    return tool


def provider_proto(provider: Provider) -> pb.ToolProvider:
    return pb.ToolProvider(
        service=provider.service,
        instance_id=provider.instance_id,
        endpoint=provider.endpoint,
        heartbeat_time=timestamp(provider.heartbeat_time),
    )
