"""Execution records to the performance monitor, off the hot path.

Every server records each of its tripmesh RPCs (the server pipeline), the
router each tool call, the LLM chain each model call (`on_model_call`). Records
go into a bounded buffer and a background task sends them in batches; a full
buffer drops the record and counts it, and a failed send drops its batch and
counts it, so a slow or absent monitor never slows or fails a request. The
count travels with the next batch (`dropped_count`).
"""

import asyncio
import logging
from collections import deque
from collections.abc import Awaitable, Callable
from contextlib import suppress
from dataclasses import dataclass
from typing import Any, Protocol

import grpc
from opentelemetry import trace
from prometheus_client import Counter
from tripmesh.v1 import performance_monitor_service_pb2 as pm_pb2
from tripmesh.v1 import performance_monitor_service_pb2_grpc as pm_grpc

from services.runtime import wellknown

logger = logging.getLogger(__name__)

Kind = pm_pb2.ExecutionKind
RECORD_METHOD = "/tripmesh.v1.PerformanceMonitorService/RecordExecutions"

REPORTED = Counter("tripmesh_reporter_records_sent_total", "Execution records sent to the monitor.")
DROPPED = Counter(
    "tripmesh_reporter_records_dropped_total",
    "Execution records dropped (buffer full or monitor unreachable).",
    ["reason"],
)

# How a model call's outcome (services.llm Failure values) reads as a gRPC code.
_MODEL_CODES = {
    "success": "OK",
    "rate_limited": "RESOURCE_EXHAUSTED",
    "throttled": "RESOURCE_EXHAUSTED",
    "unavailable": "UNAVAILABLE",
    "circuit_open": "UNAVAILABLE",
    "timeout": "DEADLINE_EXCEEDED",
    "deadline": "DEADLINE_EXCEEDED",
    "bad_request": "INVALID_ARGUMENT",
    "auth": "PERMISSION_DENIED",
    "blocked": "FAILED_PRECONDITION",
    "malformed": "DATA_LOSS",
}


@dataclass(frozen=True, slots=True)
class Execution:
    """One execution, kept cheap to build on the request path (the proto is built in batches)."""

    kind: int
    service: str
    start: float  # wall clock, seconds since the epoch
    duration: float  # seconds
    code: str  # "OK", "UNAVAILABLE", ...
    method: str = ""
    tool: str = ""
    model: str = ""
    instance_id: str = ""
    input_tokens: int = 0
    output_tokens: int = 0
    cost_usd: float = 0.0
    trace_id: str = ""

    def to_proto(self, default_instance: str) -> pm_pb2.ExecutionRecord:
        return pm_pb2.ExecutionRecord(
            kind=self.kind,  # type: ignore[arg-type]
            service=self.service,
            method=self.method,
            tool=self.tool,
            model=self.model,
            instance_id=self.instance_id or default_instance,
            start_time=wellknown.timestamp(self.start),
            duration=wellknown.duration(self.duration),
            code=self.code,
            input_tokens=self.input_tokens,
            output_tokens=self.output_tokens,
            cost_usd=self.cost_usd,
            trace_id=self.trace_id,
        )


class _Settings(Protocol):
    enable_performance_monitoring: bool
    report_batch_size: int
    report_interval: float
    report_buffer_size: int
    report_timeout: float


class _Context(Protocol):
    instance_id: str
    channels: Any
    on_start: list[Callable[[], Awaitable[None]]]
    on_stop: list[Callable[[], Awaitable[None]]]


Sink = Callable[[pm_pb2.RecordExecutionsRequest], Awaitable[None]]


class ModelCall(Protocol):
    """What services.llm's ModelCallRecord carries (not imported: reporting stays below llm)."""

    @property
    def provider(self) -> str: ...

    @property
    def model(self) -> str: ...

    @property
    def start(self) -> float: ...

    @property
    def duration(self) -> float: ...

    @property
    def outcome(self) -> str: ...

    @property
    def input_tokens(self) -> int: ...

    @property
    def output_tokens(self) -> int: ...

    @property
    def cost_usd(self) -> float: ...


def current_trace_id() -> str:
    context = trace.get_current_span().get_span_context()
    return format(context.trace_id, "032x") if context.is_valid else ""


class ExecutionReporter:
    """Buffers execution records and sends them to the monitor in batches."""

    def __init__(
        self,
        service: str,
        *,
        enabled: bool = True,
        batch_size: int = 200,
        interval: float = 1.0,
        buffer_size: int = 10_000,
        timeout: float = 2.0,
    ) -> None:
        self.service = service
        self.enabled = enabled
        self.instance_id = ""
        self._batch_size = batch_size
        self._interval = interval
        self._buffer: deque[Execution] = deque()
        self._buffer_size = buffer_size
        self._timeout = timeout
        self._sink: Sink | None = None
        self._full = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self._unreported_drops = 0  # goes out with the next batch
        self.dropped = 0  # since start, for tests and logs
        self.sent = 0

    @classmethod
    def from_settings(cls, service: str, settings: _Settings) -> "ExecutionReporter":
        return cls(
            service,
            enabled=settings.enable_performance_monitoring,
            batch_size=settings.report_batch_size,
            interval=settings.report_interval,
            buffer_size=settings.report_buffer_size,
            timeout=settings.report_timeout,
        )

    @classmethod
    def disabled(cls) -> "ExecutionReporter":
        return cls("", enabled=False)

    def attach(self, context: _Context) -> None:
        """Sends to the monitor over the service's channel pool, from start to drain."""
        self.instance_id = context.instance_id
        if not self.enabled:
            return
        self.connect(context.channels)
        context.on_start.append(self.start)
        context.on_stop.append(self.stop)

    def connect(self, channels: Any) -> None:
        """Sends to the monitor over `channels` (a ChannelPool); starting and stopping are
        the caller's (the gateway, which has no service context)."""
        if not self.enabled:
            return
        client = channels.client("performance-monitor", pm_grpc.PerformanceMonitorServiceStub)

        async def send(request: pm_pb2.RecordExecutionsRequest) -> None:
            await client.stub.RecordExecutions(request, timeout=self._timeout)

        if self._sink is None:
            self._sink = send

    def use_sink(self, sink: Sink) -> None:
        """Delivers batches to `sink` instead of the monitor service (the monitor itself)."""
        self._sink = sink

    # --- recording: synchronous, O(1), never raises -------------------------------------

    def record(self, execution: Execution) -> None:
        if not self.enabled:
            return
        if len(self._buffer) >= self._buffer_size:
            self._drop(1, "buffer_full")
            return
        self._buffer.append(execution)
        if len(self._buffer) >= self._batch_size:
            self._full.set()

    def on_model_call(self, call: ModelCall) -> None:
        """The LLM chain's `on_call` hook: one MODEL record per provider call."""
        self.record(
            Execution(
                kind=Kind.EXECUTION_KIND_MODEL,
                service=self.service,
                model=f"{call.provider}:{call.model}",
                start=call.start,
                duration=call.duration,
                code=_MODEL_CODES.get(call.outcome, "UNKNOWN"),
                input_tokens=call.input_tokens,
                output_tokens=call.output_tokens,
                cost_usd=call.cost_usd,
                trace_id=current_trace_id(),
            )
        )

    # --- sending ---------------------------------------------------------------------------

    async def start(self) -> None:
        if self.enabled and self._task is None:
            self._task = asyncio.get_running_loop().create_task(self._run(), name="reporter")

    async def stop(self) -> None:
        """Stops the loop and sends what is buffered, once, briefly."""
        if self._task is not None:
            self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)
            self._task = None
        while self._buffer:
            if not await self.flush():
                break

    async def _run(self) -> None:
        while True:
            with suppress(TimeoutError):  # asyncio.timeout: wait_for may swallow a cancel (3.11)
                async with asyncio.timeout(self._interval):
                    await self._full.wait()
            while await self.flush() and len(self._buffer) >= self._batch_size:
                pass

    async def flush(self) -> bool:
        """Sends one batch; returns whether it went (False: dropped, or nothing to send)."""
        self._full.clear()
        if (not self._buffer and not self._unreported_drops) or self._sink is None:
            return False
        batch = [self._buffer.popleft() for _ in range(min(self._batch_size, len(self._buffer)))]
        drops, self._unreported_drops = self._unreported_drops, 0
        request = pm_pb2.RecordExecutionsRequest(
            records=[e.to_proto(self.instance_id) for e in batch], dropped_count=drops
        )
        try:
            async with asyncio.timeout(self._timeout):
                await self._sink(request)
        except (grpc.aio.AioRpcError, TimeoutError, Exception) as exc:  # never let it stop us
            self._unreported_drops += drops
            self._drop(len(batch), "send_failed")
            logger.debug("could not report %d executions: %s", len(batch), exc)
            return False
        self.sent += len(batch)
        REPORTED.inc(len(batch))
        return True

    def _drop(self, count: int, reason: str) -> None:
        self.dropped += count
        self._unreported_drops += count
        DROPPED.labels(reason).inc(count)


def reported(method: str) -> bool:
    """Whether the server records calls of `method`: tripmesh's own (health and reflection
    aside), but for the records it receives."""
    return method.startswith("/tripmesh.") and method != RECORD_METHOD


def rpc_execution(service: str, method: str, start: float, seconds: float, code: str) -> Execution:
    """The record of one call this server handled (in the call's trace)."""
    return Execution(
        kind=Kind.EXECUTION_KIND_RPC,
        service=service,
        method=method,
        start=start,
        duration=seconds,
        code=code,
        trace_id=current_trace_id(),
    )
