import datetime

from google.api import annotations_pb2 as _annotations_pb2
from google.api import field_behavior_pb2 as _field_behavior_pb2
from google.protobuf import duration_pb2 as _duration_pb2
from google.protobuf import timestamp_pb2 as _timestamp_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class ExecutionKind(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    EXECUTION_KIND_UNSPECIFIED: _ClassVar[ExecutionKind]
    EXECUTION_KIND_RPC: _ClassVar[ExecutionKind]
    EXECUTION_KIND_TOOL: _ClassVar[ExecutionKind]
    EXECUTION_KIND_MODEL: _ClassVar[ExecutionKind]

class StatsWindow(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    STATS_WINDOW_UNSPECIFIED: _ClassVar[StatsWindow]
    STATS_WINDOW_ONE_MINUTE: _ClassVar[StatsWindow]
    STATS_WINDOW_FIVE_MINUTES: _ClassVar[StatsWindow]
    STATS_WINDOW_ONE_HOUR: _ClassVar[StatsWindow]

class AlertState(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    ALERT_STATE_UNSPECIFIED: _ClassVar[AlertState]
    ALERT_STATE_FIRING: _ClassVar[AlertState]
    ALERT_STATE_RESOLVED: _ClassVar[AlertState]
EXECUTION_KIND_UNSPECIFIED: ExecutionKind
EXECUTION_KIND_RPC: ExecutionKind
EXECUTION_KIND_TOOL: ExecutionKind
EXECUTION_KIND_MODEL: ExecutionKind
STATS_WINDOW_UNSPECIFIED: StatsWindow
STATS_WINDOW_ONE_MINUTE: StatsWindow
STATS_WINDOW_FIVE_MINUTES: StatsWindow
STATS_WINDOW_ONE_HOUR: StatsWindow
ALERT_STATE_UNSPECIFIED: AlertState
ALERT_STATE_FIRING: AlertState
ALERT_STATE_RESOLVED: AlertState

class ExecutionRecord(_message.Message):
    __slots__ = ("kind", "service", "method", "tool", "model", "instance_id", "start_time", "duration", "code", "input_tokens", "output_tokens", "cost_usd", "trace_id")
    KIND_FIELD_NUMBER: _ClassVar[int]
    SERVICE_FIELD_NUMBER: _ClassVar[int]
    METHOD_FIELD_NUMBER: _ClassVar[int]
    TOOL_FIELD_NUMBER: _ClassVar[int]
    MODEL_FIELD_NUMBER: _ClassVar[int]
    INSTANCE_ID_FIELD_NUMBER: _ClassVar[int]
    START_TIME_FIELD_NUMBER: _ClassVar[int]
    DURATION_FIELD_NUMBER: _ClassVar[int]
    CODE_FIELD_NUMBER: _ClassVar[int]
    INPUT_TOKENS_FIELD_NUMBER: _ClassVar[int]
    OUTPUT_TOKENS_FIELD_NUMBER: _ClassVar[int]
    COST_USD_FIELD_NUMBER: _ClassVar[int]
    TRACE_ID_FIELD_NUMBER: _ClassVar[int]
    kind: ExecutionKind
    service: str
    method: str
    tool: str
    model: str
    instance_id: str
    start_time: _timestamp_pb2.Timestamp
    duration: _duration_pb2.Duration
    code: str
    input_tokens: int
    output_tokens: int
    cost_usd: float
    trace_id: str
    def __init__(self, kind: _Optional[_Union[ExecutionKind, str]] = ..., service: _Optional[str] = ..., method: _Optional[str] = ..., tool: _Optional[str] = ..., model: _Optional[str] = ..., instance_id: _Optional[str] = ..., start_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., duration: _Optional[_Union[datetime.timedelta, _duration_pb2.Duration, _Mapping]] = ..., code: _Optional[str] = ..., input_tokens: _Optional[int] = ..., output_tokens: _Optional[int] = ..., cost_usd: _Optional[float] = ..., trace_id: _Optional[str] = ...) -> None: ...

class RecordExecutionsRequest(_message.Message):
    __slots__ = ("records", "dropped_count")
    RECORDS_FIELD_NUMBER: _ClassVar[int]
    DROPPED_COUNT_FIELD_NUMBER: _ClassVar[int]
    records: _containers.RepeatedCompositeFieldContainer[ExecutionRecord]
    dropped_count: int
    def __init__(self, records: _Optional[_Iterable[_Union[ExecutionRecord, _Mapping]]] = ..., dropped_count: _Optional[int] = ...) -> None: ...

class RecordExecutionsResponse(_message.Message):
    __slots__ = ("accepted_count", "rejected_count")
    ACCEPTED_COUNT_FIELD_NUMBER: _ClassVar[int]
    REJECTED_COUNT_FIELD_NUMBER: _ClassVar[int]
    accepted_count: int
    rejected_count: int
    def __init__(self, accepted_count: _Optional[int] = ..., rejected_count: _Optional[int] = ...) -> None: ...

class GetStatsRequest(_message.Message):
    __slots__ = ("window", "service", "kind")
    WINDOW_FIELD_NUMBER: _ClassVar[int]
    SERVICE_FIELD_NUMBER: _ClassVar[int]
    KIND_FIELD_NUMBER: _ClassVar[int]
    window: StatsWindow
    service: str
    kind: ExecutionKind
    def __init__(self, window: _Optional[_Union[StatsWindow, str]] = ..., service: _Optional[str] = ..., kind: _Optional[_Union[ExecutionKind, str]] = ...) -> None: ...

class ExecutionStats(_message.Message):
    __slots__ = ("window", "kind", "service", "subject", "count", "error_count", "error_rate", "p50", "p95", "p99", "mean", "input_tokens", "output_tokens", "cost_usd")
    WINDOW_FIELD_NUMBER: _ClassVar[int]
    KIND_FIELD_NUMBER: _ClassVar[int]
    SERVICE_FIELD_NUMBER: _ClassVar[int]
    SUBJECT_FIELD_NUMBER: _ClassVar[int]
    COUNT_FIELD_NUMBER: _ClassVar[int]
    ERROR_COUNT_FIELD_NUMBER: _ClassVar[int]
    ERROR_RATE_FIELD_NUMBER: _ClassVar[int]
    P50_FIELD_NUMBER: _ClassVar[int]
    P95_FIELD_NUMBER: _ClassVar[int]
    P99_FIELD_NUMBER: _ClassVar[int]
    MEAN_FIELD_NUMBER: _ClassVar[int]
    INPUT_TOKENS_FIELD_NUMBER: _ClassVar[int]
    OUTPUT_TOKENS_FIELD_NUMBER: _ClassVar[int]
    COST_USD_FIELD_NUMBER: _ClassVar[int]
    window: StatsWindow
    kind: ExecutionKind
    service: str
    subject: str
    count: int
    error_count: int
    error_rate: float
    p50: _duration_pb2.Duration
    p95: _duration_pb2.Duration
    p99: _duration_pb2.Duration
    mean: _duration_pb2.Duration
    input_tokens: int
    output_tokens: int
    cost_usd: float
    def __init__(self, window: _Optional[_Union[StatsWindow, str]] = ..., kind: _Optional[_Union[ExecutionKind, str]] = ..., service: _Optional[str] = ..., subject: _Optional[str] = ..., count: _Optional[int] = ..., error_count: _Optional[int] = ..., error_rate: _Optional[float] = ..., p50: _Optional[_Union[datetime.timedelta, _duration_pb2.Duration, _Mapping]] = ..., p95: _Optional[_Union[datetime.timedelta, _duration_pb2.Duration, _Mapping]] = ..., p99: _Optional[_Union[datetime.timedelta, _duration_pb2.Duration, _Mapping]] = ..., mean: _Optional[_Union[datetime.timedelta, _duration_pb2.Duration, _Mapping]] = ..., input_tokens: _Optional[int] = ..., output_tokens: _Optional[int] = ..., cost_usd: _Optional[float] = ...) -> None: ...

class GetStatsResponse(_message.Message):
    __slots__ = ("stats", "dropped_count", "rejected_count")
    STATS_FIELD_NUMBER: _ClassVar[int]
    DROPPED_COUNT_FIELD_NUMBER: _ClassVar[int]
    REJECTED_COUNT_FIELD_NUMBER: _ClassVar[int]
    stats: _containers.RepeatedCompositeFieldContainer[ExecutionStats]
    dropped_count: int
    rejected_count: int
    def __init__(self, stats: _Optional[_Iterable[_Union[ExecutionStats, _Mapping]]] = ..., dropped_count: _Optional[int] = ..., rejected_count: _Optional[int] = ...) -> None: ...

class Alert(_message.Message):
    __slots__ = ("name", "rule", "state", "summary", "value", "threshold", "start_time", "end_time", "labels")
    class LabelsEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: str
        def __init__(self, key: _Optional[str] = ..., value: _Optional[str] = ...) -> None: ...
    NAME_FIELD_NUMBER: _ClassVar[int]
    RULE_FIELD_NUMBER: _ClassVar[int]
    STATE_FIELD_NUMBER: _ClassVar[int]
    SUMMARY_FIELD_NUMBER: _ClassVar[int]
    VALUE_FIELD_NUMBER: _ClassVar[int]
    THRESHOLD_FIELD_NUMBER: _ClassVar[int]
    START_TIME_FIELD_NUMBER: _ClassVar[int]
    END_TIME_FIELD_NUMBER: _ClassVar[int]
    LABELS_FIELD_NUMBER: _ClassVar[int]
    name: str
    rule: str
    state: AlertState
    summary: str
    value: float
    threshold: float
    start_time: _timestamp_pb2.Timestamp
    end_time: _timestamp_pb2.Timestamp
    labels: _containers.ScalarMap[str, str]
    def __init__(self, name: _Optional[str] = ..., rule: _Optional[str] = ..., state: _Optional[_Union[AlertState, str]] = ..., summary: _Optional[str] = ..., value: _Optional[float] = ..., threshold: _Optional[float] = ..., start_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., end_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., labels: _Optional[_Mapping[str, str]] = ...) -> None: ...

class ListAlertsRequest(_message.Message):
    __slots__ = ("include_resolved",)
    INCLUDE_RESOLVED_FIELD_NUMBER: _ClassVar[int]
    include_resolved: bool
    def __init__(self, include_resolved: _Optional[bool] = ...) -> None: ...

class ListAlertsResponse(_message.Message):
    __slots__ = ("alerts",)
    ALERTS_FIELD_NUMBER: _ClassVar[int]
    alerts: _containers.RepeatedCompositeFieldContainer[Alert]
    def __init__(self, alerts: _Optional[_Iterable[_Union[Alert, _Mapping]]] = ...) -> None: ...

class WatchAlertsRequest(_message.Message):
    __slots__ = ("include_current",)
    INCLUDE_CURRENT_FIELD_NUMBER: _ClassVar[int]
    include_current: bool
    def __init__(self, include_current: _Optional[bool] = ...) -> None: ...

class WatchAlertsResponse(_message.Message):
    __slots__ = ("alert",)
    ALERT_FIELD_NUMBER: _ClassVar[int]
    alert: Alert
    def __init__(self, alert: _Optional[_Union[Alert, _Mapping]] = ...) -> None: ...

class ListExecutionsRequest(_message.Message):
    __slots__ = ("trace_id",)
    TRACE_ID_FIELD_NUMBER: _ClassVar[int]
    trace_id: str
    def __init__(self, trace_id: _Optional[str] = ...) -> None: ...

class ListExecutionsResponse(_message.Message):
    __slots__ = ("executions",)
    EXECUTIONS_FIELD_NUMBER: _ClassVar[int]
    executions: _containers.RepeatedCompositeFieldContainer[ExecutionRecord]
    def __init__(self, executions: _Optional[_Iterable[_Union[ExecutionRecord, _Mapping]]] = ...) -> None: ...
