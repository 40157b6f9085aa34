from google.api import annotations_pb2 as _annotations_pb2
from tripmesh.v1 import trip_pb2 as _trip_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class GetAdviceRequest(_message.Message):
    __slots__ = ("trip", "itinerary")
    TRIP_FIELD_NUMBER: _ClassVar[int]
    ITINERARY_FIELD_NUMBER: _ClassVar[int]
    trip: _trip_pb2.PlanTripRequest
    itinerary: _trip_pb2.Itinerary
    def __init__(self, trip: _Optional[_Union[_trip_pb2.PlanTripRequest, _Mapping]] = ..., itinerary: _Optional[_Union[_trip_pb2.Itinerary, _Mapping]] = ...) -> None: ...

class GetAdviceResponse(_message.Message):
    __slots__ = ("guide", "warnings", "usage")
    GUIDE_FIELD_NUMBER: _ClassVar[int]
    WARNINGS_FIELD_NUMBER: _ClassVar[int]
    USAGE_FIELD_NUMBER: _ClassVar[int]
    guide: _trip_pb2.GuideAdvice
    warnings: _containers.RepeatedScalarFieldContainer[str]
    usage: _trip_pb2.Usage
    def __init__(self, guide: _Optional[_Union[_trip_pb2.GuideAdvice, _Mapping]] = ..., warnings: _Optional[_Iterable[str]] = ..., usage: _Optional[_Union[_trip_pb2.Usage, _Mapping]] = ...) -> None: ...
