"""Monitor protos to the domain and back."""

import grpc
from tripmesh.v1 import performance_monitor_service_pb2 as pb

from services.performance_monitor.alerts import Alert
from services.performance_monitor.series import Aggregate
from services.performance_monitor.store import Subject
from services.runtime.reporting import Execution, Kind
from services.runtime.wellknown import duration, timestamp

_CODES = frozenset(code.name for code in grpc.StatusCode)  # canonical gRPC code names


def execution_of(record: pb.ExecutionRecord) -> Execution | None:
    """The domain record, or None for one that names no service or subject."""
    kind = record.kind or _kind_from_fields(record)
    subjects: dict[int, str] = {
        Kind.EXECUTION_KIND_RPC: record.method,
        Kind.EXECUTION_KIND_TOOL: record.tool,
        Kind.EXECUTION_KIND_MODEL: record.model,
    }
    subject = subjects.get(kind, "")
    if not record.service or not subject:
        return None
    code = record.code.upper() or "OK"
    return Execution(
        kind=kind,
        service=record.service,
        method=record.method,
        tool=record.tool,
        model=record.model,
        instance_id=record.instance_id,
        start=record.start_time.ToNanoseconds() / 1e9,
        duration=max(0.0, record.duration.ToNanoseconds() / 1e9),
        code=code if code in _CODES else "UNKNOWN",
        input_tokens=max(0, record.input_tokens),
        output_tokens=max(0, record.output_tokens),
        cost_usd=max(0.0, record.cost_usd),
        trace_id=record.trace_id,
    )


def _kind_from_fields(record: pb.ExecutionRecord) -> int:
    if record.model:
        return Kind.EXECUTION_KIND_MODEL
    if record.tool:
        return Kind.EXECUTION_KIND_TOOL
    return Kind.EXECUTION_KIND_RPC if record.method else 0


def stats_proto(window: int, subject: Subject, aggregate: Aggregate) -> pb.ExecutionStats:
    return pb.ExecutionStats(
        window=window,  # type: ignore[arg-type]
        kind=subject.kind,  # type: ignore[arg-type]
        service=subject.service,
        subject=subject.name,
        count=aggregate.count,
        error_count=aggregate.errors,
        error_rate=aggregate.error_rate,
        p50=duration(aggregate.latency.quantile(0.50)),
        p95=duration(aggregate.latency.quantile(0.95)),
        p99=duration(aggregate.latency.quantile(0.99)),
        mean=duration(aggregate.mean),
        input_tokens=aggregate.input_tokens,
        output_tokens=aggregate.output_tokens,
        cost_usd=aggregate.cost_usd,
    )


def alert_proto(alert: Alert) -> pb.Alert:
    message = pb.Alert(
        name=alert.name,
        rule=alert.rule,
        state=pb.ALERT_STATE_FIRING if alert.firing else pb.ALERT_STATE_RESOLVED,
        summary=alert.summary,
        value=alert.value,
        threshold=alert.threshold,
        start_time=timestamp(alert.start_time),
        labels=alert.labels,
    )
    if alert.end_time:
        message.end_time.CopyFrom(timestamp(alert.end_time))
    return message
