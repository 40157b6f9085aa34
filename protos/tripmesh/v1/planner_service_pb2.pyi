from google.api import annotations_pb2 as _annotations_pb2
from google.type import money_pb2 as _money_pb2
from tripmesh.v1 import trip_pb2 as _trip_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class DraftItineraryRequest(_message.Message):
    __slots__ = ("trip",)
    TRIP_FIELD_NUMBER: _ClassVar[int]
    trip: _trip_pb2.PlanTripRequest
    def __init__(self, trip: _Optional[_Union[_trip_pb2.PlanTripRequest, _Mapping]] = ...) -> None: ...

class DraftItineraryResponse(_message.Message):
    __slots__ = ("itinerary", "warnings", "usage")
    ITINERARY_FIELD_NUMBER: _ClassVar[int]
    WARNINGS_FIELD_NUMBER: _ClassVar[int]
    USAGE_FIELD_NUMBER: _ClassVar[int]
    itinerary: _trip_pb2.Itinerary
    warnings: _containers.RepeatedScalarFieldContainer[str]
    usage: _trip_pb2.Usage
    def __init__(self, itinerary: _Optional[_Union[_trip_pb2.Itinerary, _Mapping]] = ..., warnings: _Optional[_Iterable[str]] = ..., usage: _Optional[_Union[_trip_pb2.Usage, _Mapping]] = ...) -> None: ...

class ReviseItineraryRequest(_message.Message):
    __slots__ = ("trip", "itinerary", "target_total", "cut_categories", "estimate")
    TRIP_FIELD_NUMBER: _ClassVar[int]
    ITINERARY_FIELD_NUMBER: _ClassVar[int]
    TARGET_TOTAL_FIELD_NUMBER: _ClassVar[int]
    CUT_CATEGORIES_FIELD_NUMBER: _ClassVar[int]
    ESTIMATE_FIELD_NUMBER: _ClassVar[int]
    trip: _trip_pb2.PlanTripRequest
    itinerary: _trip_pb2.Itinerary
    target_total: _money_pb2.Money
    cut_categories: _containers.RepeatedScalarFieldContainer[str]
    estimate: _trip_pb2.BudgetEstimate
    def __init__(self, trip: _Optional[_Union[_trip_pb2.PlanTripRequest, _Mapping]] = ..., itinerary: _Optional[_Union[_trip_pb2.Itinerary, _Mapping]] = ..., target_total: _Optional[_Union[_money_pb2.Money, _Mapping]] = ..., cut_categories: _Optional[_Iterable[str]] = ..., estimate: _Optional[_Union[_trip_pb2.BudgetEstimate, _Mapping]] = ...) -> None: ...

class ReviseItineraryResponse(_message.Message):
    __slots__ = ("itinerary", "warnings", "usage")
    ITINERARY_FIELD_NUMBER: _ClassVar[int]
    WARNINGS_FIELD_NUMBER: _ClassVar[int]
    USAGE_FIELD_NUMBER: _ClassVar[int]
    itinerary: _trip_pb2.Itinerary
    warnings: _containers.RepeatedScalarFieldContainer[str]
    usage: _trip_pb2.Usage
    def __init__(self, itinerary: _Optional[_Union[_trip_pb2.Itinerary, _Mapping]] = ..., warnings: _Optional[_Iterable[str]] = ..., usage: _Optional[_Union[_trip_pb2.Usage, _Mapping]] = ...) -> None: ...
