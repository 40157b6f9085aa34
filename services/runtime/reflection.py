"""Server reflection that answers with the shipped descriptors, comments included.

grpcio-reflection rebuilds each FileDescriptorProto from the process's descriptor pool,
which holds no source info; this pool wraps the default one and hands reflection the
file descriptors of the shipped descriptor set where it has them, so that
`grpcurl describe` prints the .proto files' comments.
"""

from collections.abc import Iterable
from functools import cache
from typing import Any

from google.protobuf import descriptor_pb2, descriptor_pool
from google.protobuf.descriptor import FileDescriptor

from services.runtime.protodocs import files_by_name


@cache
def _served(name: str) -> descriptor_pb2.FileDescriptorProto | None:
    """The shipped file with its comments, as reflection served it before: without the
    json_name protoc writes (grpcurl would then print lowerCamelCase, not field names)."""
    documented = files_by_name().get(name)
    if documented is None:
        return None
    served = descriptor_pb2.FileDescriptorProto()
    served.CopyFrom(documented)
    _clear_json_names(served.message_type)
    return served


def _clear_json_names(messages: Iterable[descriptor_pb2.DescriptorProto]) -> None:
    for message in messages:
        for field in message.field:
            field.ClearField("json_name")
        _clear_json_names(message.nested_type)


class _DocumentedFile:
    """A FileDescriptor whose CopyToProto keeps the comments."""

    def __init__(self, descriptor: FileDescriptor) -> None:
        self._descriptor = descriptor
        self.name = descriptor.name

    @property
    def dependencies(self) -> list["_DocumentedFile"]:
        return [_DocumentedFile(d) for d in self._descriptor.dependencies]

    def CopyToProto(self, proto: descriptor_pb2.FileDescriptorProto) -> None:  # noqa: N802
        documented = _served(self.name)
        if documented is None:
            self._descriptor.CopyToProto(proto)
        else:
            proto.CopyFrom(documented)


class DocumentedPool:
    """The default descriptor pool, with files answered as _DocumentedFile."""

    def __init__(self, pool: descriptor_pool.DescriptorPool | None = None) -> None:
        self._pool = pool or descriptor_pool.Default()

    def FindFileByName(self, name: str) -> _DocumentedFile:  # noqa: N802
        return _DocumentedFile(self._pool.FindFileByName(name))

    def FindFileContainingSymbol(self, symbol: str) -> _DocumentedFile:  # noqa: N802
        try:
            return _DocumentedFile(self._pool.FindFileContainingSymbol(symbol))
        except KeyError:
            # The pool finds fields and services but not methods, which grpcurl asks for
            # (`describe tripmesh.v1.PlannerService.DraftItinerary`): their service's file.
            service, _, method = symbol.rpartition(".")
            found = self._pool.FindServiceByName(service)  # KeyError: not found, as before
            if method not in found.methods_by_name:
                raise
            return _DocumentedFile(found.file)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._pool, name)  # messages and extensions, as the pool has them
