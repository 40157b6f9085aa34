import datetime

from google.api import field_behavior_pb2 as _field_behavior_pb2
from google.protobuf import duration_pb2 as _duration_pb2
from google.protobuf import timestamp_pb2 as _timestamp_pb2
from google.type import latlng_pb2 as _latlng_pb2
from google.type import money_pb2 as _money_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class Pace(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    PACE_UNSPECIFIED: _ClassVar[Pace]
    PACE_RELAXED: _ClassVar[Pace]
    PACE_BALANCED: _ClassVar[Pace]
    PACE_PACKED: _ClassVar[Pace]
PACE_UNSPECIFIED: Pace
PACE_RELAXED: Pace
PACE_BALANCED: Pace
PACE_PACKED: Pace

class PlanTripRequest(_message.Message):
    __slots__ = ("destination", "start_date", "days", "travelers", "budget", "interests", "pace", "request_id", "nights")
    DESTINATION_FIELD_NUMBER: _ClassVar[int]
    START_DATE_FIELD_NUMBER: _ClassVar[int]
    DAYS_FIELD_NUMBER: _ClassVar[int]
    TRAVELERS_FIELD_NUMBER: _ClassVar[int]
    BUDGET_FIELD_NUMBER: _ClassVar[int]
    INTERESTS_FIELD_NUMBER: _ClassVar[int]
    PACE_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    NIGHTS_FIELD_NUMBER: _ClassVar[int]
    destination: str
    start_date: str
    days: int
    travelers: int
    budget: _money_pb2.Money
    interests: _containers.RepeatedScalarFieldContainer[str]
    pace: Pace
    request_id: str
    nights: int
    def __init__(self, destination: _Optional[str] = ..., start_date: _Optional[str] = ..., days: _Optional[int] = ..., travelers: _Optional[int] = ..., budget: _Optional[_Union[_money_pb2.Money, _Mapping]] = ..., interests: _Optional[_Iterable[str]] = ..., pace: _Optional[_Union[Pace, str]] = ..., request_id: _Optional[str] = ..., nights: _Optional[int] = ...) -> None: ...

class Place(_message.Message):
    __slots__ = ("name", "country", "country_code", "latitude", "longitude", "time_zone", "currency_code", "languages", "population")
    NAME_FIELD_NUMBER: _ClassVar[int]
    COUNTRY_FIELD_NUMBER: _ClassVar[int]
    COUNTRY_CODE_FIELD_NUMBER: _ClassVar[int]
    LATITUDE_FIELD_NUMBER: _ClassVar[int]
    LONGITUDE_FIELD_NUMBER: _ClassVar[int]
    TIME_ZONE_FIELD_NUMBER: _ClassVar[int]
    CURRENCY_CODE_FIELD_NUMBER: _ClassVar[int]
    LANGUAGES_FIELD_NUMBER: _ClassVar[int]
    POPULATION_FIELD_NUMBER: _ClassVar[int]
    name: str
    country: str
    country_code: str
    latitude: float
    longitude: float
    time_zone: str
    currency_code: str
    languages: _containers.RepeatedScalarFieldContainer[str]
    population: int
    def __init__(self, name: _Optional[str] = ..., country: _Optional[str] = ..., country_code: _Optional[str] = ..., latitude: _Optional[float] = ..., longitude: _Optional[float] = ..., time_zone: _Optional[str] = ..., currency_code: _Optional[str] = ..., languages: _Optional[_Iterable[str]] = ..., population: _Optional[int] = ...) -> None: ...

class Activity(_message.Message):
    __slots__ = ("title", "category", "start_time", "duration", "cost", "description", "location")
    TITLE_FIELD_NUMBER: _ClassVar[int]
    CATEGORY_FIELD_NUMBER: _ClassVar[int]
    START_TIME_FIELD_NUMBER: _ClassVar[int]
    DURATION_FIELD_NUMBER: _ClassVar[int]
    COST_FIELD_NUMBER: _ClassVar[int]
    DESCRIPTION_FIELD_NUMBER: _ClassVar[int]
    LOCATION_FIELD_NUMBER: _ClassVar[int]
    title: str
    category: str
    start_time: str
    duration: _duration_pb2.Duration
    cost: _money_pb2.Money
    description: str
    location: _latlng_pb2.LatLng
    def __init__(self, title: _Optional[str] = ..., category: _Optional[str] = ..., start_time: _Optional[str] = ..., duration: _Optional[_Union[datetime.timedelta, _duration_pb2.Duration, _Mapping]] = ..., cost: _Optional[_Union[_money_pb2.Money, _Mapping]] = ..., description: _Optional[str] = ..., location: _Optional[_Union[_latlng_pb2.LatLng, _Mapping]] = ...) -> None: ...

class ItineraryDay(_message.Message):
    __slots__ = ("date", "activities", "summary")
    DATE_FIELD_NUMBER: _ClassVar[int]
    ACTIVITIES_FIELD_NUMBER: _ClassVar[int]
    SUMMARY_FIELD_NUMBER: _ClassVar[int]
    date: str
    activities: _containers.RepeatedCompositeFieldContainer[Activity]
    summary: str
    def __init__(self, date: _Optional[str] = ..., activities: _Optional[_Iterable[_Union[Activity, _Mapping]]] = ..., summary: _Optional[str] = ...) -> None: ...

class Itinerary(_message.Message):
    __slots__ = ("days", "destination", "travel_style")
    DAYS_FIELD_NUMBER: _ClassVar[int]
    DESTINATION_FIELD_NUMBER: _ClassVar[int]
    TRAVEL_STYLE_FIELD_NUMBER: _ClassVar[int]
    days: _containers.RepeatedCompositeFieldContainer[ItineraryDay]
    destination: Place
    travel_style: str
    def __init__(self, days: _Optional[_Iterable[_Union[ItineraryDay, _Mapping]]] = ..., destination: _Optional[_Union[Place, _Mapping]] = ..., travel_style: _Optional[str] = ...) -> None: ...

class LineItem(_message.Message):
    __slots__ = ("category", "amount", "description")
    CATEGORY_FIELD_NUMBER: _ClassVar[int]
    AMOUNT_FIELD_NUMBER: _ClassVar[int]
    DESCRIPTION_FIELD_NUMBER: _ClassVar[int]
    category: str
    amount: _money_pb2.Money
    description: str
    def __init__(self, category: _Optional[str] = ..., amount: _Optional[_Union[_money_pb2.Money, _Mapping]] = ..., description: _Optional[str] = ...) -> None: ...

class BudgetEstimate(_message.Message):
    __slots__ = ("total", "line_items", "within_budget", "remaining", "per_traveler", "savings", "exchange_rate_date")
    TOTAL_FIELD_NUMBER: _ClassVar[int]
    LINE_ITEMS_FIELD_NUMBER: _ClassVar[int]
    WITHIN_BUDGET_FIELD_NUMBER: _ClassVar[int]
    REMAINING_FIELD_NUMBER: _ClassVar[int]
    PER_TRAVELER_FIELD_NUMBER: _ClassVar[int]
    SAVINGS_FIELD_NUMBER: _ClassVar[int]
    EXCHANGE_RATE_DATE_FIELD_NUMBER: _ClassVar[int]
    total: _money_pb2.Money
    line_items: _containers.RepeatedCompositeFieldContainer[LineItem]
    within_budget: bool
    remaining: _money_pb2.Money
    per_traveler: _money_pb2.Money
    savings: _containers.RepeatedScalarFieldContainer[str]
    exchange_rate_date: str
    def __init__(self, total: _Optional[_Union[_money_pb2.Money, _Mapping]] = ..., line_items: _Optional[_Iterable[_Union[LineItem, _Mapping]]] = ..., within_budget: _Optional[bool] = ..., remaining: _Optional[_Union[_money_pb2.Money, _Mapping]] = ..., per_traveler: _Optional[_Union[_money_pb2.Money, _Mapping]] = ..., savings: _Optional[_Iterable[str]] = ..., exchange_rate_date: _Optional[str] = ...) -> None: ...

class Tip(_message.Message):
    __slots__ = ("category", "text")
    CATEGORY_FIELD_NUMBER: _ClassVar[int]
    TEXT_FIELD_NUMBER: _ClassVar[int]
    category: str
    text: str
    def __init__(self, category: _Optional[str] = ..., text: _Optional[str] = ...) -> None: ...

class Phrase(_message.Message):
    __slots__ = ("english", "local", "language")
    ENGLISH_FIELD_NUMBER: _ClassVar[int]
    LOCAL_FIELD_NUMBER: _ClassVar[int]
    LANGUAGE_FIELD_NUMBER: _ClassVar[int]
    english: str
    local: str
    language: str
    def __init__(self, english: _Optional[str] = ..., local: _Optional[str] = ..., language: _Optional[str] = ...) -> None: ...

class GuideAdvice(_message.Message):
    __slots__ = ("tips", "phrases", "season", "time_zone")
    TIPS_FIELD_NUMBER: _ClassVar[int]
    PHRASES_FIELD_NUMBER: _ClassVar[int]
    SEASON_FIELD_NUMBER: _ClassVar[int]
    TIME_ZONE_FIELD_NUMBER: _ClassVar[int]
    tips: _containers.RepeatedCompositeFieldContainer[Tip]
    phrases: _containers.RepeatedCompositeFieldContainer[Phrase]
    season: str
    time_zone: str
    def __init__(self, tips: _Optional[_Iterable[_Union[Tip, _Mapping]]] = ..., phrases: _Optional[_Iterable[_Union[Phrase, _Mapping]]] = ..., season: _Optional[str] = ..., time_zone: _Optional[str] = ...) -> None: ...

class Usage(_message.Message):
    __slots__ = ("model_calls", "input_tokens", "output_tokens", "cost_usd")
    MODEL_CALLS_FIELD_NUMBER: _ClassVar[int]
    INPUT_TOKENS_FIELD_NUMBER: _ClassVar[int]
    OUTPUT_TOKENS_FIELD_NUMBER: _ClassVar[int]
    COST_USD_FIELD_NUMBER: _ClassVar[int]
    model_calls: int
    input_tokens: int
    output_tokens: int
    cost_usd: float
    def __init__(self, model_calls: _Optional[int] = ..., input_tokens: _Optional[int] = ..., output_tokens: _Optional[int] = ..., cost_usd: _Optional[float] = ...) -> None: ...

class Trip(_message.Message):
    __slots__ = ("name", "request", "itinerary", "estimate", "guide", "warnings", "usage", "create_time", "revisions", "trace_id")
    NAME_FIELD_NUMBER: _ClassVar[int]
    REQUEST_FIELD_NUMBER: _ClassVar[int]
    ITINERARY_FIELD_NUMBER: _ClassVar[int]
    ESTIMATE_FIELD_NUMBER: _ClassVar[int]
    GUIDE_FIELD_NUMBER: _ClassVar[int]
    WARNINGS_FIELD_NUMBER: _ClassVar[int]
    USAGE_FIELD_NUMBER: _ClassVar[int]
    CREATE_TIME_FIELD_NUMBER: _ClassVar[int]
    REVISIONS_FIELD_NUMBER: _ClassVar[int]
    TRACE_ID_FIELD_NUMBER: _ClassVar[int]
    name: str
    request: PlanTripRequest
    itinerary: Itinerary
    estimate: BudgetEstimate
    guide: GuideAdvice
    warnings: _containers.RepeatedScalarFieldContainer[str]
    usage: Usage
    create_time: _timestamp_pb2.Timestamp
    revisions: int
    trace_id: str
    def __init__(self, name: _Optional[str] = ..., request: _Optional[_Union[PlanTripRequest, _Mapping]] = ..., itinerary: _Optional[_Union[Itinerary, _Mapping]] = ..., estimate: _Optional[_Union[BudgetEstimate, _Mapping]] = ..., guide: _Optional[_Union[GuideAdvice, _Mapping]] = ..., warnings: _Optional[_Iterable[str]] = ..., usage: _Optional[_Union[Usage, _Mapping]] = ..., create_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., revisions: _Optional[int] = ..., trace_id: _Optional[str] = ...) -> None: ...
