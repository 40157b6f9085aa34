"""Server reflection that answers with the shipped descriptors, comments included.

grpcio-reflection rebuilds each FileDescriptorProto from the process's descriptor pool,
which holds no source info; this pool wraps the default one and hands reflection the
file descriptors of the shipped descriptor set where it has them, so that
`grpcurl describe` prints the .proto files' comments.
"""

from typing import Any

from google.protobuf import descriptor_pb2, descriptor_pool
from google.protobuf.descriptor import FileDescriptor

from services.runtime.protodocs import files_by_name


class _DocumentedFile:
    """A FileDescriptor whose CopyToProto keeps the comments."""

    def __init__(self, descriptor: FileDescriptor) -> None:
        self._descriptor = descriptor
        self.name = descriptor.name

    @property
    def dependencies(self) -> list["_DocumentedFile"]:
        return [_DocumentedFile(d) for d in self._descriptor.dependencies]

    def CopyToProto(self, proto: descriptor_pb2.FileDescriptorProto) -> None:  # noqa: N802
        documented = files_by_name().get(self.name)
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
        return _DocumentedFile(self._pool.FindFileContainingSymbol(symbol))

    def __getattr__(self, name: str) -> Any:
        return getattr(self._pool, name)  # messages and extensions, as the pool has them
