"""Recent executions by trace id in the shared state, so that whichever monitor replica
answers `ListExecutions`, a trip's waterfall has every record, whichever replica got it.

Each trace is a list of serialized ExecutionRecords (base64: the client decodes replies
as text) that keeps its first
`max_per_trace` records and expires `ttl` seconds after its last one: memory follows
the traffic of the last `ttl` seconds, and a runaway trace cannot grow without bound.
Waterfalls are a view for people, so an outage drops records (counted) instead of
buffering them like the statistics.
"""

import base64
from collections import defaultdict
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from prometheus_client import Counter
from tripmesh.v1 import performance_monitor_service_pb2 as pb

from services.performance_monitor.convert import execution_of
from services.performance_monitor.traces import check_trace_id
from services.runtime.errors import Unavailable
from services.runtime.reporting import Execution
from services.runtime.state.connection import SharedState, StateDown

if TYPE_CHECKING:
    from redis.asyncio import Redis

USER = "performance monitor traces"
DROPPED = Counter(
    "tripmesh_monitor_trace_records_dropped_total",
    "Execution records left out of the shared waterfalls because the shared state was down.",
)


class SharedTraceLog:
    def __init__(self, state: SharedState, ttl: int = 600, max_per_trace: int = 500) -> None:
        self._state = state
        self._ttl = ttl
        self._max_per_trace = max_per_trace

    def _key(self, trace_id: str) -> str:
        return self._state.key("monitor", "trace", trace_id)

    async def add(self, executions: Iterable[Execution]) -> None:
        """Appends each traced execution to its trace; never raises for an outage."""
        by_trace: dict[str, list[str]] = defaultdict(list)
        for execution in executions:
            if execution.trace_id:
                record = execution.to_proto(execution.instance_id).SerializeToString()
                by_trace[execution.trace_id].append(base64.b64encode(record).decode())
        if not by_trace:
            return

        async def write(client: "Redis") -> None:
            pipe = client.pipeline(transaction=False)
            for trace_id, records in by_trace.items():
                key = self._key(trace_id)
                pipe.rpush(key, *records)
                pipe.ltrim(key, 0, self._max_per_trace - 1)
                pipe.expire(key, self._ttl)
            await pipe.execute()

        try:
            await self._state.run(USER, write)
        except StateDown:
            DROPPED.inc(sum(len(records) for records in by_trace.values()))

    async def executions(self, trace_id: str) -> list[Execution]:
        """The trace's executions in start order; InvalidArgument for a malformed id."""
        check_trace_id(trace_id)

        async def read(client: "Redis") -> Any:
            return await client.lrange(self._key(trace_id), 0, -1)

        try:
            raw = await self._state.run(USER, read)
        except StateDown:
            raise Unavailable(
                "the shared state holding the waterfalls does not answer; try again shortly",
                reason="STATE_UNAVAILABLE",
                retry_after=2.0,
            ) from None
        found = (execution_of(pb.ExecutionRecord.FromString(base64.b64decode(i))) for i in raw)
        return sorted((e for e in found if e is not None), key=lambda e: e.start)
