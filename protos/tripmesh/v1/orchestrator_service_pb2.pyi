import datetime

from google.api import annotations_pb2 as _annotations_pb2
from google.api import field_behavior_pb2 as _field_behavior_pb2
from google.protobuf import empty_pb2 as _empty_pb2
from google.protobuf import timestamp_pb2 as _timestamp_pb2
from tripmesh.v1 import trip_pb2 as _trip_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class PlanStage(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    PLAN_STAGE_UNSPECIFIED: _ClassVar[PlanStage]
    PLAN_STAGE_VALIDATED: _ClassVar[PlanStage]
    PLAN_STAGE_ITINERARY_DRAFTED: _ClassVar[PlanStage]
    PLAN_STAGE_BUDGET_ESTIMATED: _ClassVar[PlanStage]
    PLAN_STAGE_GUIDE_READY: _ClassVar[PlanStage]
    PLAN_STAGE_REVISED: _ClassVar[PlanStage]
    PLAN_STAGE_STORED: _ClassVar[PlanStage]
    PLAN_STAGE_COMPLETED: _ClassVar[PlanStage]
PLAN_STAGE_UNSPECIFIED: PlanStage
PLAN_STAGE_VALIDATED: PlanStage
PLAN_STAGE_ITINERARY_DRAFTED: PlanStage
PLAN_STAGE_BUDGET_ESTIMATED: PlanStage
PLAN_STAGE_GUIDE_READY: PlanStage
PLAN_STAGE_REVISED: PlanStage
PLAN_STAGE_STORED: PlanStage
PLAN_STAGE_COMPLETED: PlanStage

class StreamPlanTripResponse(_message.Message):
    __slots__ = ("stage", "message", "trip", "event_time")
    STAGE_FIELD_NUMBER: _ClassVar[int]
    MESSAGE_FIELD_NUMBER: _ClassVar[int]
    TRIP_FIELD_NUMBER: _ClassVar[int]
    EVENT_TIME_FIELD_NUMBER: _ClassVar[int]
    stage: PlanStage
    message: str
    trip: _trip_pb2.Trip
    event_time: _timestamp_pb2.Timestamp
    def __init__(self, stage: _Optional[_Union[PlanStage, str]] = ..., message: _Optional[str] = ..., trip: _Optional[_Union[_trip_pb2.Trip, _Mapping]] = ..., event_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class GetTripRequest(_message.Message):
    __slots__ = ("name",)
    NAME_FIELD_NUMBER: _ClassVar[int]
    name: str
    def __init__(self, name: _Optional[str] = ...) -> None: ...

class DeleteTripRequest(_message.Message):
    __slots__ = ("name",)
    NAME_FIELD_NUMBER: _ClassVar[int]
    name: str
    def __init__(self, name: _Optional[str] = ...) -> None: ...

class ListTripsRequest(_message.Message):
    __slots__ = ("page_size", "page_token")
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    page_size: int
    page_token: str
    def __init__(self, page_size: _Optional[int] = ..., page_token: _Optional[str] = ...) -> None: ...

class ListTripsResponse(_message.Message):
    __slots__ = ("trips", "next_page_token")
    TRIPS_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    trips: _containers.RepeatedCompositeFieldContainer[_trip_pb2.Trip]
    next_page_token: str
    def __init__(self, trips: _Optional[_Iterable[_Union[_trip_pb2.Trip, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...
