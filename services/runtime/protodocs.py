"""The contracts' own words: the descriptor set that `make protos` builds with source info
(comments included) and ships beside the generated code, as tripmesh/v1/descriptors.binpb.

Server reflection serves these file descriptors (so that `grpcurl describe` prints the
comments), and the gateway's OpenAPI takes its descriptions from them.
"""

from collections.abc import Iterator
from functools import cache
from importlib import resources

from google.protobuf import descriptor_pb2

# Field numbers in descriptor.proto, for the paths of SourceCodeInfo.Location.
_MESSAGE_TYPE, _ENUM_TYPE, _SERVICE = 4, 5, 6  # in FileDescriptorProto
_FIELD, _NESTED_TYPE, _NESTED_ENUM = 2, 3, 4  # in DescriptorProto
_ENUM_VALUE = 2  # in EnumDescriptorProto
_METHOD = 2  # in ServiceDescriptorProto


@cache
def descriptor_set() -> descriptor_pb2.FileDescriptorSet:
    """Every .proto file of the contracts and its imports, with source info."""
    data = resources.files("tripmesh.v1").joinpath("descriptors.binpb").read_bytes()
    return descriptor_pb2.FileDescriptorSet.FromString(data)


@cache
def files_by_name() -> dict[str, descriptor_pb2.FileDescriptorProto]:
    """File name ("tripmesh/v1/trip.proto") → its FileDescriptorProto with source info."""
    return {f.name: f for f in descriptor_set().file}


@cache
def comments() -> dict[str, str]:
    """Full name of a message, field, enum, enum value, service or method → its comment."""
    found: dict[str, str] = {}
    for file in descriptor_set().file:
        located = {
            tuple(location.path): location.leading_comments
            for location in file.source_code_info.location
            if location.leading_comments
        }
        for name, path in _named_paths(file):
            if text := located.get(path):
                found[name] = " ".join(text.split())
    return found


def comment(full_name: str) -> str:
    """The comment on `full_name` in its .proto file, on one line ("" when it has none)."""
    return comments().get(full_name, "")


def _named_paths(file: descriptor_pb2.FileDescriptorProto) -> Iterator[tuple[str, tuple[int, ...]]]:
    prefix = f"{file.package}." if file.package else ""
    for index, message in enumerate(file.message_type):
        yield from _message_paths(message, prefix, (_MESSAGE_TYPE, index))
    for index, enum in enumerate(file.enum_type):
        yield from _enum_paths(enum, prefix, (_ENUM_TYPE, index))
    for index, service in enumerate(file.service):
        name = prefix + service.name
        yield name, (_SERVICE, index)
        for number, method in enumerate(service.method):
            yield f"{name}.{method.name}", (_SERVICE, index, _METHOD, number)


def _message_paths(
    message: descriptor_pb2.DescriptorProto, prefix: str, path: tuple[int, ...]
) -> Iterator[tuple[str, tuple[int, ...]]]:
    name = prefix + message.name
    yield name, path
    for index, field in enumerate(message.field):
        yield f"{name}.{field.name}", (*path, _FIELD, index)
    for index, nested in enumerate(message.nested_type):
        yield from _message_paths(nested, f"{name}.", (*path, _NESTED_TYPE, index))
    for index, enum in enumerate(message.enum_type):
        yield from _enum_paths(enum, f"{name}.", (*path, _NESTED_ENUM, index))


def _enum_paths(
    enum: descriptor_pb2.EnumDescriptorProto, prefix: str, path: tuple[int, ...]
) -> Iterator[tuple[str, tuple[int, ...]]]:
    name = prefix + enum.name
    yield name, path
    for index, value in enumerate(enum.value):
        # enum values are siblings of their enum in proto scoping: "tripmesh.v1.PACE_RELAXED"
        yield f"{prefix}{value.name}", (*path, _ENUM_VALUE, index)
