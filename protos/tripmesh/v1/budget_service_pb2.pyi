from google.api import annotations_pb2 as _annotations_pb2
from tripmesh.v1 import trip_pb2 as _trip_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class EstimateBudgetRequest(_message.Message):
    __slots__ = ("trip", "itinerary")
    TRIP_FIELD_NUMBER: _ClassVar[int]
    ITINERARY_FIELD_NUMBER: _ClassVar[int]
    trip: _trip_pb2.PlanTripRequest
    itinerary: _trip_pb2.Itinerary
    def __init__(self, trip: _Optional[_Union[_trip_pb2.PlanTripRequest, _Mapping]] = ..., itinerary: _Optional[_Union[_trip_pb2.Itinerary, _Mapping]] = ...) -> None: ...

class EstimateBudgetResponse(_message.Message):
    __slots__ = ("estimate", "warnings", "usage")
    ESTIMATE_FIELD_NUMBER: _ClassVar[int]
    WARNINGS_FIELD_NUMBER: _ClassVar[int]
    USAGE_FIELD_NUMBER: _ClassVar[int]
    estimate: _trip_pb2.BudgetEstimate
    warnings: _containers.RepeatedScalarFieldContainer[str]
    usage: _trip_pb2.Usage
    def __init__(self, estimate: _Optional[_Union[_trip_pb2.BudgetEstimate, _Mapping]] = ..., warnings: _Optional[_Iterable[str]] = ..., usage: _Optional[_Union[_trip_pb2.Usage, _Mapping]] = ...) -> None: ...
