from google.api import annotations_pb2 as _annotations_pb2
from google.api import field_behavior_pb2 as _field_behavior_pb2
from google.protobuf import struct_pb2 as _struct_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class RoutingHints(_message.Message):
    __slots__ = ("preferred_instance_id", "excluded_instance_ids")
    PREFERRED_INSTANCE_ID_FIELD_NUMBER: _ClassVar[int]
    EXCLUDED_INSTANCE_IDS_FIELD_NUMBER: _ClassVar[int]
    preferred_instance_id: str
    excluded_instance_ids: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, preferred_instance_id: _Optional[str] = ..., excluded_instance_ids: _Optional[_Iterable[str]] = ...) -> None: ...

class RouteTaskRequest(_message.Message):
    __slots__ = ("name", "arguments", "hints")
    NAME_FIELD_NUMBER: _ClassVar[int]
    ARGUMENTS_FIELD_NUMBER: _ClassVar[int]
    HINTS_FIELD_NUMBER: _ClassVar[int]
    name: str
    arguments: _struct_pb2.Struct
    hints: RoutingHints
    def __init__(self, name: _Optional[str] = ..., arguments: _Optional[_Union[_struct_pb2.Struct, _Mapping]] = ..., hints: _Optional[_Union[RoutingHints, _Mapping]] = ...) -> None: ...

class RouteTaskResponse(_message.Message):
    __slots__ = ("result", "provider_service", "provider_instance_id", "provider_endpoint", "attempts")
    RESULT_FIELD_NUMBER: _ClassVar[int]
    PROVIDER_SERVICE_FIELD_NUMBER: _ClassVar[int]
    PROVIDER_INSTANCE_ID_FIELD_NUMBER: _ClassVar[int]
    PROVIDER_ENDPOINT_FIELD_NUMBER: _ClassVar[int]
    ATTEMPTS_FIELD_NUMBER: _ClassVar[int]
    result: _struct_pb2.Struct
    provider_service: str
    provider_instance_id: str
    provider_endpoint: str
    attempts: int
    def __init__(self, result: _Optional[_Union[_struct_pb2.Struct, _Mapping]] = ..., provider_service: _Optional[str] = ..., provider_instance_id: _Optional[str] = ..., provider_endpoint: _Optional[str] = ..., attempts: _Optional[int] = ...) -> None: ...
