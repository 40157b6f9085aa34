"""Closed-loop load: N workers, each sending its next request when the last one answered.

The HTTP client is a few lines of asyncio over keep-alive HTTP/1.1 connections
(one per worker), so that the client costs about what a gRPC stub costs and
the comparison measures the gateway, not the client library.
"""

import asyncio
import statistics
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

Request = Callable[[], Awaitable[None]]


@dataclass(frozen=True)
class Result:
    """Latencies (seconds) of one run and its wall time."""

    latencies: list[float]
    wall: float
    errors: int

    @property
    def throughput(self) -> float:
        return len(self.latencies) / self.wall if self.wall else 0.0

    def percentile(self, p: float) -> float:
        ordered = sorted(self.latencies)
        if not ordered:
            return float("nan")
        index = min(len(ordered) - 1, max(0, round(p / 100 * len(ordered)) - 1))
        return ordered[index]

    @property
    def median(self) -> float:
        return statistics.median(self.latencies) if self.latencies else float("nan")


async def run_load(
    make_worker: Callable[[], Awaitable[Request]], concurrency: int, total: int
) -> Result:
    """Runs `total` requests over `concurrency` workers; each worker has its own connection."""
    workers = [await make_worker() for _ in range(concurrency)]
    latencies: list[float] = []
    errors = 0
    remaining = total

    async def loop(request: Request) -> None:
        nonlocal remaining, errors
        while remaining > 0:
            remaining -= 1
            started = time.perf_counter()
            try:
                await request()
            except Exception:  # counted, never timed
                errors += 1
                continue
            latencies.append(time.perf_counter() - started)

    started = time.perf_counter()
    await asyncio.gather(*(loop(w) for w in workers))
    wall = time.perf_counter() - started
    for worker in workers:
        if isinstance(worker, HttpConnection):
            await worker.close()
    return Result(latencies, wall, errors)


async def alternate(
    first: Callable[[], Awaitable[Request]],
    second: Callable[[], Awaitable[Request]],
    concurrency: int,
    total: int,
    rounds: int = 5,
) -> tuple[Result, Result]:
    """Both loads in turns, `total / rounds` requests a turn each, so that a change in the
    machine's load during the run (other work on shared cores) hits both alike."""
    per_round = max(concurrency, total // rounds)
    firsts, seconds = [], []
    for _ in range(rounds):
        firsts.append(await run_load(first, concurrency, per_round))
        seconds.append(await run_load(second, concurrency, per_round))
    return merge(firsts), merge(seconds)


def merge(results: list[Result]) -> Result:
    return Result(
        [latency for r in results for latency in r.latencies],
        sum(r.wall for r in results),
        sum(r.errors for r in results),
    )


class HttpConnection:
    """One keep-alive HTTP/1.1 connection that sends the same POST (or GET) again and again."""

    def __init__(self, host: str, port: int, method: str, path: str, body: bytes = b"") -> None:
        self._address = (host, port)
        head = f"{method} {path} HTTP/1.1\r\nHost: {host}:{port}\r\n"
        if body:
            head += f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n"
        self._request = head.encode() + b"\r\n" + body
        self._reader: asyncio.StreamReader | None = None
        self._writer: asyncio.StreamWriter | None = None

    async def open(self) -> "HttpConnection":
        self._reader, self._writer = await asyncio.open_connection(*self._address)
        return self

    async def __call__(self) -> None:
        assert self._reader is not None
        assert self._writer is not None
        self._writer.write(self._request)
        head = await self._reader.readuntil(b"\r\n\r\n")
        status = int(head[9:12])
        length = 0
        for line in head.split(b"\r\n")[1:]:
            name, _, value = line.partition(b":")
            if name.strip().lower() == b"content-length":
                length = int(value)
        await self._reader.readexactly(length)
        if status != 200:
            raise RuntimeError(f"HTTP {status}")

    async def close(self) -> None:
        if self._writer is not None:
            self._writer.close()
            await self._writer.wait_closed()
