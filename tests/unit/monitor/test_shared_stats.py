"""Monitor statistics in the shared state (the machine's Redis, a prefix of the test's own):
replicas read the same windows, and an outage buffers records instead of failing."""

import pytest
from prometheus_client import REGISTRY

from services.performance_monitor.shared_stats import SharedStats
from services.performance_monitor.store import Subject
from services.runtime.reporting import Execution, Kind
from services.runtime.state.connection import SharedState, connect
from tests.support.ports import free_port
from tests.unit.conftest import ManualClock

NOW = 1_800_000_000.0
SUBJECT = Subject(Kind.EXECUTION_KIND_RPC, "tripmesh-orchestrator", "/x.S/PlanTrip")


def trip(code: str = "OK", duration: float = 0.5) -> Execution:
    return Execution(
        kind=Kind.EXECUTION_KIND_RPC,
        service=SUBJECT.service,
        method=SUBJECT.name,
        start=0,
        duration=duration,
        code=code,
    )


def counts(stats: SharedStats) -> dict[int, int]:
    return {w: a.count for w, _s, a in stats.windows(NOW, [1, 2, 3], lambda s: s == SUBJECT)}


async def test_replicas_read_the_same_windows(states: list[SharedState]) -> None:
    one, two = SharedStats(states[0]), SharedStats(states[1])
    await one.record(NOW - 200, [trip()] * 3, 0)  # in the 5 min and 1 h windows only
    await two.record(NOW - 1, [trip("INTERNAL", 2.0), trip()], 4)
    for replica in (one, two):
        await replica.refresh(NOW)
        assert counts(replica) == {1: 2, 2: 5, 3: 5}
        assert replica.dropped_count == 4
    total = two.total(NOW, 300, lambda s: s == SUBJECT)
    assert total.faults == 1
    assert total.latency.quantile(1.0) == pytest.approx(2.0, rel=0.06)


async def test_an_outage_buffers_records_and_they_land_when_the_state_is_back(
    states: list[SharedState], clock: ManualClock
) -> None:
    real = states[0].client
    states[0].client = connect(f"redis://127.0.0.1:{free_port()}/0", 0.2)  # nobody listens
    writer = SharedStats(states[0], buffer_size=4)
    before = REGISTRY.get_sample_value("tripmesh_monitor_records_dropped_total") or 0.0
    for _ in range(3):
        await writer.record(NOW - 30, [trip(), trip()], 0)  # never raises
    dropped = REGISTRY.get_sample_value("tripmesh_monitor_records_dropped_total")
    assert dropped == before + 2  # the oldest batch: the buffer holds 4 records
    await states[0].client.aclose()
    states[0].client = real  # back
    await writer.flush()
    assert states[0].down  # still resting after the failure: nothing was tried
    clock.now += 61
    await writer.flush()
    reader = SharedStats(states[1])
    await reader.refresh(NOW)
    assert counts(reader) == {1: 4, 2: 4, 3: 4}  # at the time they arrived


async def test_a_settled_slice_is_read_once_and_a_late_write_is_still_seen(
    states: list[SharedState], clock: ManualClock
) -> None:
    writer, reader = SharedStats(states[0]), SharedStats(states[1])
    await writer.record(NOW - 100, [trip()], 0)
    await reader.refresh(NOW)
    assert counts(reader) == {2: 1, 3: 1}
    # Written behind the reader's back into the settled slice, as no writer does:
    await states[0].client.hincrby(
        states[0].key("monitor", f"5s:{int((NOW - 100) // 5 * 5)}"),
        "\x1f".join(("1", SUBJECT.service, SUBJECT.name)) + "\x1ec",
        5,
    )
    await reader.refresh(NOW + 1)
    assert counts(reader)[2] == 1, "the settled slice was kept, not read again"

    # A batch buffered through an outage lands late, in a past slice: every reader sees it.
    real = states[0].client
    states[0].client = connect(f"redis://127.0.0.1:{free_port()}/0", 0.2)  # nobody listens
    await writer.record(NOW - 50, [trip(), trip()], 0)
    await states[0].client.aclose()
    states[0].client = real
    clock.now += 61  # the state's rest after the failure is over
    await writer.flush()
    await reader.refresh(NOW + 2)
    assert counts(reader)[2] == 1 + 5 + 2  # read anew, the hidden write included
