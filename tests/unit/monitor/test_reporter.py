"""The execution reporter: batched, bounded, never in the way of a request."""

import asyncio
import time
from dataclasses import dataclass

from tripmesh.v1 import performance_monitor_service_pb2 as pb

from services.runtime.reporting import Execution, ExecutionReporter, Kind


def execution(n: int = 0) -> Execution:
    return Execution(
        kind=Kind.EXECUTION_KIND_RPC,
        service="s",
        method=f"/m/{n}",
        start=time.time(),
        duration=0.01,
        code="OK",
    )


class Sink:
    def __init__(self, delay: float = 0.0, fail: bool = False) -> None:
        self.batches: list[pb.RecordExecutionsRequest] = []
        self.delay = delay
        self.fail = fail

    async def __call__(self, request: pb.RecordExecutionsRequest) -> None:
        await asyncio.sleep(self.delay)
        if self.fail:
            raise ConnectionError("monitor away")
        self.batches.append(request)


def reporter(sink: Sink, **options: object) -> ExecutionReporter:
    settings = {"batch_size": 10, "interval": 0.05, "buffer_size": 100, "timeout": 0.5, **options}
    r = ExecutionReporter("tripmesh-test", **settings)  # type: ignore[arg-type]
    r.instance_id = "test-1"
    r.use_sink(sink)
    return r


async def test_sends_in_batches_with_the_instance_id() -> None:
    sink = Sink()
    r = reporter(sink)
    await r.start()
    for n in range(25):
        r.record(execution(n))
    await asyncio.sleep(0.2)
    await r.stop()
    assert [len(b.records) for b in sink.batches] == [10, 10, 5]
    assert sink.batches[0].records[0].instance_id == "test-1"
    assert sink.batches[0].records[0].kind == Kind.EXECUTION_KIND_RPC


async def test_a_full_buffer_drops_and_counts_and_the_count_travels_with_the_next_batch() -> None:
    sink = Sink()
    r = reporter(sink, buffer_size=5, batch_size=100, interval=10.0)
    for n in range(8):
        r.record(execution(n))
    assert r.dropped == 3
    await r.flush()
    assert sink.batches[0].dropped_count == 3
    assert len(sink.batches[0].records) == 5


async def test_a_slow_or_absent_monitor_never_blocks_record() -> None:
    for sink in (Sink(delay=5.0), Sink(fail=True)):
        r = reporter(sink, timeout=0.1)
        await r.start()
        began = time.perf_counter()
        for n in range(1000):
            r.record(execution(n))
        assert time.perf_counter() - began < 0.5
        await asyncio.sleep(0.3)
        await r.stop()
        assert r.dropped > 0  # failed sends and the full buffer, counted


async def test_disabled_reporting_records_nothing() -> None:
    sink = Sink()
    r = reporter(sink, enabled=False)
    await r.start()
    r.record(execution())
    await r.stop()
    assert sink.batches == []


@dataclass
class ModelCall:
    provider: str = "openai"
    model: str = "gpt-4.1-mini"
    start: float = 0.0
    duration: float = 1.5
    outcome: str = "rate_limited"
    input_tokens: int = 100
    output_tokens: int = 20
    cost_usd: float = 0.002


async def test_model_calls_become_model_records() -> None:
    sink = Sink()
    r = reporter(sink)
    r.on_model_call(ModelCall())
    r.on_model_call(ModelCall(outcome="success"))
    await r.flush()
    first, second = sink.batches[0].records
    assert (first.kind, first.model, first.code) == (
        Kind.EXECUTION_KIND_MODEL,
        "openai:gpt-4.1-mini",
        "RESOURCE_EXHAUSTED",
    )
    assert (first.input_tokens, first.output_tokens) == (100, 20)
    assert second.code == "OK"
