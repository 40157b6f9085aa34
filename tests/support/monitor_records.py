"""Model calls recorded straight into a running performance monitor, to fire and resolve its
model-failure alert on demand."""

from typing import Any

from google.protobuf import duration_pb2
from tripmesh.v1 import performance_monitor_service_pb2 as pb

MAX_RECORDS = 1000  # records the monitor takes in one RecordExecutions call


def model_records(code: str, count: int) -> pb.RecordExecutionsRequest:
    """`count` model calls of a test's own service and model, each ending with `code`."""
    record = pb.ExecutionRecord(
        kind=pb.EXECUTION_KIND_MODEL,
        service="tripmesh-http-test",
        model="fake:model",
        duration=duration_pb2.Duration(nanos=200_000_000),
        code=code,
    )
    return pb.RecordExecutionsRequest(records=[record] * count)


def record_model_calls(monitor: Any, code: str, count: int) -> None:
    """Records `count` model calls ending with `code` (a PerformanceMonitorService stub)."""
    while count > 0:
        monitor.RecordExecutions(model_records(code, min(count, MAX_RECORDS)), timeout=5)
        count -= MAX_RECORDS


def model_calls_in_window(monitor: Any) -> int:
    """Model calls the monitor holds in the alert rules' five-minute window."""
    reply = monitor.GetStats(
        pb.GetStatsRequest(window=pb.STATS_WINDOW_FIVE_MINUTES, kind=pb.EXECUTION_KIND_MODEL),
        timeout=5,
    )
    return sum(stats.count for stats in reply.stats)
