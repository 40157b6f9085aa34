"""Execution statistics in the shared state, so that every monitor replica answers alike.

Each batch is summed per subject and time slice, then added with HINCRBY into two
series of hashes: 5-second slices kept for the 1 and 5 minute windows, and 1-minute
slices kept for the hour. Any replica reads the slices of a window and merges them,
so `GetStats` gives the same figures whichever replica answers.

Recording never waits on an outage: while the state is down batches are buffered
(up to `buffer_size` records, the oldest dropped and counted) and written, with
the time they arrived, when it is back.

A slice that ended more than `SETTLE` seconds ago no longer changes, so a replica
reads it once and keeps it: a refresh reads the one or two slices still filling
(the rule evaluations every 2 s would otherwise read 120 hashes each). The one
exception, a buffered batch written into a past slice, bumps a generation counter
that every refresh reads, and a changed generation drops what was kept.
"""

import logging
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from prometheus_client import Counter

from services.performance_monitor.histogram import LogHistogram
from services.performance_monitor.series import Aggregate
from services.performance_monitor.store import WINDOWS, Subject
from services.runtime.reporting import Execution
from services.runtime.state.connection import SharedState, StateDown

if TYPE_CHECKING:
    from redis.asyncio import Redis

logger = logging.getLogger(__name__)

USER = "performance monitor"
FINE, COARSE = 5, 60  # slice seconds: for windows up to 5 min, and for the hour
FINE_HORIZON, COARSE_HORIZON = 300, 3600
SETTLE = 2.0  # seconds after its end when a slice takes no more writes but late ones
SUBJECT_SEP, FIELD_SEP = "\x1f", "\x1e"
# Hash field suffix -> Aggregate attribute; latency buckets are "h<bucket>".
INTS = {"c": "count", "e": "errors", "f": "faults", "i": "input_tokens", "o": "output_tokens"}
FLOATS = {"d": "duration_sum", "u": "cost_usd"}

DROPPED = Counter(
    "tripmesh_monitor_records_dropped_total",
    "Execution records the monitor dropped because the shared state was down too long.",
)
BUFFERED = Counter(
    "tripmesh_monitor_records_buffered_total",
    "Execution records kept in memory while the shared state was down.",
)


@dataclass(frozen=True)
class Batch:
    arrived: float
    executions: list[Execution]
    dropped: int  # by the sender


class SharedStats:
    """Records into, and reads windows from, the shared state (see the module's doc)."""

    def __init__(self, state: SharedState, buffer_size: int = 10_000) -> None:
        self._state = state
        self._buffer: deque[Batch] = deque()
        self._buffered = 0
        self._buffer_size = buffer_size
        self._windows: dict[int, dict[Subject, Aggregate]] = {w: {} for w in WINDOWS}
        self._settled: dict[str, dict[Subject, Aggregate]] = {}  # slice key -> its figures
        self._generation: bytes | None = None  # of late writes, when _settled was read
        self.dropped_count = 0

    # -- recording ---------------------------------------------------------------

    async def record(self, now: float, executions: list[Execution], dropped: int) -> None:
        """Writes a batch, or buffers it while the state is down; never raises for an outage."""
        batch = Batch(now, executions, max(0, dropped))
        if not self._buffer and await self._write(batch, late=False):
            return
        self._keep(batch)
        await self.flush()

    async def flush(self) -> None:
        """Writes what was buffered during an outage, oldest first, while the state answers."""
        while self._buffer:
            batch = self._buffer[0]
            if not await self._write(batch, late=True):
                return
            self._buffer.popleft()
            self._buffered -= len(batch.executions)

    def _keep(self, batch: Batch) -> None:
        self._buffer.append(batch)
        self._buffered += len(batch.executions)
        BUFFERED.inc(len(batch.executions))
        while self._buffered > self._buffer_size and len(self._buffer) > 1:
            oldest = self._buffer.popleft()
            self._buffered -= len(oldest.executions)
            DROPPED.inc(len(oldest.executions))

    async def _write(self, batch: Batch, *, late: bool) -> bool:
        """`late`: the batch waited out an outage, so it may land in settled slices."""
        increments = _increments(batch)

        async def write(client: "Redis") -> None:
            pipe = client.pipeline(transaction=False)
            for (key, ttl), fields in increments.items():
                full = self._state.key("monitor", key)
                for field, value in fields.items():
                    if isinstance(value, int):
                        pipe.hincrby(full, field, value)
                    else:
                        pipe.hincrbyfloat(full, field, value)
                pipe.expire(full, ttl)
            if batch.dropped:
                pipe.incrby(self._state.key("monitor", "dropped"), batch.dropped)
            if late:
                pipe.incr(self._state.key("monitor", "late-writes"))
            await pipe.execute()

        try:
            await self._state.run(USER, write)
        except StateDown:
            return False
        return True

    # -- reading -----------------------------------------------------------------

    async def refresh(self, now: float, window_ids: Iterable[int] = WINDOWS) -> None:
        """Loads the windows asked for as of `now` (5 s slices for the 1 and 5 minute ones,
        1 min slices for the hour); keeps the last ones while the state is down."""
        wanted = set(window_ids)
        fine = _starts(now, FINE, FINE_HORIZON) if wanted & {1, 2} else []
        coarse = _starts(now, COARSE, COARSE_HORIZON) if 3 in wanted else []
        keys = [_slice_key(FINE, s) for s in fine] + [_slice_key(COARSE, s) for s in coarse]
        try:
            slices = await self._read_slices(keys, now)
        except StateDown:
            return
        fine_slices, coarse_slices = slices[: len(fine)], slices[len(fine) :]
        per_minute = len(_starts(now, FINE, 60))
        loaded = {
            1: lambda: _merge(fine_slices[-per_minute:]),
            2: lambda: _merge(fine_slices),
            3: lambda: _merge(coarse_slices),
        }
        self._windows.update({w: loaded[w]() for w in wanted})

    async def _read_slices(self, keys: list[str], now: float) -> list[dict[Subject, Aggregate]]:
        """The figures of each slice in `keys`: settled ones as kept, the others read."""
        generation, fresh = await self._read(keys, settled_too=False)
        if generation != self._generation:  # late writes since: read everything again
            self._settled.clear()
            self._generation, fresh = await self._read(keys, settled_too=True)
        for key, figures in fresh.items():
            if _settled(key, now):
                self._settled[key] = figures
        for key in [k for k in self._settled if _expired(k, now)]:
            del self._settled[key]
        return [self._settled[key] if key in self._settled else fresh[key] for key in keys]

    async def _read(
        self, keys: list[str], *, settled_too: bool
    ) -> tuple[bytes | None, dict[str, dict[Subject, Aggregate]]]:
        wanted = [k for k in keys if settled_too or k not in self._settled]

        async def read(client: "Redis") -> list[Any]:
            pipe = client.pipeline(transaction=False)
            pipe.get(self._state.key("monitor", "late-writes"))
            pipe.get(self._state.key("monitor", "dropped"))
            for key in wanted:
                pipe.hgetall(self._state.key("monitor", key))
            return list(await pipe.execute())

        answers = await self._state.run(USER, read)
        self.dropped_count = int(answers[1] or 0)
        return answers[0], {key: _parse(h) for key, h in zip(wanted, answers[2:], strict=True)}

    def windows(
        self, now: float, window_ids: list[int], match: Callable[[Subject], bool]
    ) -> Iterator[tuple[int, Subject, Aggregate]]:
        subjects = sorted({s for w in window_ids for s in self._windows[w]})
        for subject in subjects:
            if not match(subject):
                continue
            for window_id in window_ids:
                aggregate = self._windows[window_id].get(subject)
                if aggregate is not None and aggregate.count:
                    yield window_id, subject, aggregate

    def total(self, now: float, seconds: float, match: Callable[[Subject], bool]) -> Aggregate:
        window_id = next(w for w, length in WINDOWS.items() if length >= seconds)
        total = Aggregate()
        for subject, aggregate in self._windows[window_id].items():
            if match(subject):
                total.merge(aggregate)
        return total

    def prune(self, now: float) -> None:
        """Nothing to do: slices expire in the state by themselves."""


def _starts(now: float, size: int, horizon: int) -> list[int]:
    """Starts of the slices that overlap the last `horizon` seconds, oldest first."""
    last = int(now // size) * size
    return list(range(last - horizon + size, last + size, size))


def _slice_key(size: int, start: int) -> str:
    return f"{size}s:{start}"


def _slice_of(key: str) -> tuple[int, int]:
    """(size, start) of a slice key made by _slice_key."""
    size, start = key.split("s:")
    return int(size), int(start)


def _settled(key: str, now: float) -> bool:
    size, start = _slice_of(key)
    return start + size + SETTLE <= now


def _expired(key: str, now: float) -> bool:
    """Out of the longest window its slices serve."""
    size, start = _slice_of(key)
    return start + size + (FINE_HORIZON if size == FINE else COARSE_HORIZON) <= now


def _increments(batch: Batch) -> dict[tuple[str, int], dict[str, int | float]]:
    """HINCRBY(FLOAT) values per (slice key, expiry) for a batch."""
    per_key: dict[tuple[str, int], dict[Subject, Aggregate]] = {}
    for size, horizon in ((FINE, FINE_HORIZON), (COARSE, COARSE_HORIZON)):
        start = int(batch.arrived // size) * size
        sums = per_key.setdefault((_slice_key(size, start), horizon + 2 * size), {})
        for execution in batch.executions:
            sums.setdefault(Subject.of(execution), Aggregate()).add(execution)
    return {key: _fields(sums) for key, sums in per_key.items()}


def _fields(sums: dict[Subject, Aggregate]) -> dict[str, int | float]:
    fields: dict[str, int | float] = {}
    for subject, a in sums.items():
        prefix = SUBJECT_SEP.join((str(subject.kind), subject.service, subject.name)) + FIELD_SEP
        values: dict[str, int | float] = {
            name: getattr(a, attribute) for name, attribute in (INTS | FLOATS).items()
        }
        values.update({f"h{bucket}": n for bucket, n in a.latency.counts.items()})
        fields.update({prefix + name: value for name, value in values.items() if value})
    return fields


def _parse(fields: dict[str, str]) -> dict[Subject, Aggregate]:
    aggregates: dict[Subject, Aggregate] = {}
    for field, raw in fields.items():
        subject_text, _, name = field.partition(FIELD_SEP)
        kind, service, subject_name = subject_text.split(SUBJECT_SEP, 2)
        subject = Subject(int(kind), service, subject_name)
        aggregate = aggregates.setdefault(subject, Aggregate())
        _set(aggregate, name, raw)
    return aggregates


def _set(a: Aggregate, name: str, raw: str) -> None:
    if name.startswith("h"):
        a.latency.counts[int(name[1:])] = int(raw)
        a.latency.total += int(raw)
    elif name in FLOATS:
        setattr(a, FLOATS[name], float(raw))
    elif name in INTS:
        setattr(a, INTS[name], int(raw))


def _merge(slices: list[dict[Subject, Aggregate]]) -> dict[Subject, Aggregate]:
    merged: dict[Subject, Aggregate] = {}
    for aggregates in slices:
        for subject, aggregate in aggregates.items():
            merged.setdefault(subject, Aggregate(latency=LogHistogram())).merge(aggregate)
    return merged
