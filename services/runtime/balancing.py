"""Client-side balancing of one service over a channel per replica: picking, outlier
ejection, hedging and retries, under one retry budget.

Why not gRPC's own balancer: with round_robin over the replicas, a frozen replica
(SIGSTOP) keeps its connection and gets its share of calls, each waiting for the
caller's deadline; gRPC's outlier_detection policy counts only calls that ended,
so it sees nothing until those deadlines pass, and C-core has no hedging. Here
the client knows which calls are safe to send twice, and that is what turns a
stalled replica into a few tens of milliseconds instead of a failed trip:

- a call that is safe to repeat is hedged: when it has not answered within what
  its method usually takes (srtt + 4 rttvar, as TCP's RTO, within bounds), a
  second attempt goes to another replica, and the first answer wins;
- such a call cut by a connection reset (UNAVAILABLE without the server's
  ErrorInfo, so from the transport, not from a service's decision) is retried on
  another replica within the deadline;
- every retry takes a token of the service's retry budget, every hedge one of its
  hedge budget (10 % of calls each, plus a reserve);
- a replica still silent when the hedge delay is up, and one whose connection
  fails, get a strike in ReplicaSet, which ejects and readmits replicas (an answer
  clears the strikes, so a replica that is only sometimes late stays in).

A call not safe to repeat gets one attempt, on the best replica; a call that only one
replica can answer (`BalancedChannel.on_replica`) one attempt, on that replica.
"""

import asyncio
import copy
import time
from collections.abc import Awaitable, Callable, Generator
from dataclasses import dataclass
from typing import Any

import grpc
from prometheus_client import Counter

from services.runtime import errors
from services.runtime.outgoing import call_metadata, call_timeout
from services.runtime.replicas import ATTEMPTS, Replica, ReplicaSet
from services.runtime.retry_budget import RetryBudget
from tripmesh_retry import exponential_delays

STATUS_DETAILS = "grpc-status-details-bin"
READ_PREFIXES = ("Get", "List", "Check", "Search", "Batch")  # AIP reads: no side effects
Repeatable = Callable[[str, Any], bool]


@dataclass(frozen=True)
class HedgeOptions:
    min_delay: float = 0.2
    max_delay: float = 2.0
    retry_backoff: float = 0.05  # before calling the same replica again (the only one left)


def safe_to_repeat(method: str, request: Any) -> bool:
    """AIP reads, and calls made idempotent by a request_id (AIP-155), may be sent twice."""
    if method.rpartition("/")[2].startswith(READ_PREFIXES):
        return True
    return bool(getattr(request, "request_id", ""))


def from_transport(error: grpc.aio.AioRpcError) -> bool:
    """UNAVAILABLE that no service decided (no status details): reset, refused, gone."""
    if error.code() is not grpc.StatusCode.UNAVAILABLE:
        return False
    return not any(key == STATUS_DETAILS for key, _ in error.trailing_metadata() or ())


class MethodLatency:
    """Smoothed latency and its variation (RFC 6298's estimators) of one method."""

    def __init__(self) -> None:
        self.srtt: float | None = None
        self.rttvar = 0.0

    def observe(self, latency: float) -> float:
        """Learns a latency; returns it relative to the smoothed one before (1.0 at first)."""
        if self.srtt is None:
            self.srtt, self.rttvar = latency, latency / 2
            return 1.0
        relative = latency / max(self.srtt, 1e-6)
        self.rttvar += 0.25 * (abs(self.srtt - latency) - self.rttvar)
        self.srtt += 0.125 * (latency - self.srtt)
        return relative

    def hedge_delay(self, options: HedgeOptions) -> float:
        if self.srtt is None:
            return options.max_delay
        return min(options.max_delay, max(options.min_delay, self.srtt + 4 * self.rttvar))


class BalancedCall:
    """What a unary multicallable returns: awaitable once, cancellable like a grpc call."""

    def __init__(self, run: Callable[["BalancedCall"], Awaitable[Any]]) -> None:
        self.attempts: set[Any] = set()  # native calls and attempt tasks in flight
        self.cancelled = False
        self._awaitable = run(self)

    def __await__(self) -> Generator[Any, None, Any]:
        return self._awaitable.__await__()

    def cancel(self) -> bool:
        self.cancelled = True
        for attempt in list(self.attempts):
            attempt.cancel()
        return True


class BalancedChannel:
    """The channel of one service: the stub API (unary_unary, unary_stream) over replicas."""

    def __init__(
        self,
        service: str,
        replicas: ReplicaSet,
        budget: RetryBudget,
        hedge_budget: RetryBudget,
        hedging: HedgeOptions,
        *,
        default_deadline: float,
        margin: float,
    ) -> None:
        self.service = service
        self.replicas = replicas
        self.budget = budget
        self.hedge_budget = hedge_budget
        self.hedging = hedging
        self.default_deadline = default_deadline
        self.margin = margin
        self.pure = False  # every method safe to repeat (the agents' RPCs)
        self.only: Replica | None = None  # the one replica that may answer (on_replica)
        self._latency: dict[str, MethodLatency] = {}
        self._attempts: dict[str, Counter] = {}  # ATTEMPTS' child of each kind, looked up once

    def repeatable(self, method: str, request: Any) -> bool:
        return self.pure or safe_to_repeat(method, request)

    def latency(self, method: str) -> MethodLatency:
        found = self._latency.get(method)
        if found is None:
            found = self._latency[method] = MethodLatency()
        return found

    def attempted(self, kind: str) -> None:
        """Counts an attempt of `kind` (first, retry, hedge) in ATTEMPTS."""
        found = self._attempts.get(kind)
        if found is None:
            found = self._attempts[kind] = ATTEMPTS.labels(self.service, kind)
        found.inc()

    def unary_unary(
        self,
        method: str,
        request_serializer: Any = None,
        response_deserializer: Any = None,
        **_: Any,
    ) -> "UnaryMethod":
        return UnaryMethod(self, method, request_serializer, response_deserializer)

    def unary_stream(
        self,
        method: str,
        request_serializer: Any = None,
        response_deserializer: Any = None,
        **_: Any,
    ) -> "StreamMethod":
        return StreamMethod(self, method, request_serializer, response_deserializer)

    def on_replica(self, address: str) -> "BalancedChannel | None":
        """This channel on the replica at `address` alone, for calls that only it can answer
        (state held in that process): never hedged nor retried on another replica. None
        when discovery no longer lists it."""
        for replica in self.replicas.replicas:
            if replica.address == address:
                pinned = copy.copy(self)  # the same replicas, budgets and latencies
                pinned.only = replica
                return pinned
        return None


class _Method:
    def __init__(self, balanced: BalancedChannel, method: str, serializer: Any, deserializer: Any):
        self._balanced = balanced
        self._method = method
        self._serializer = serializer
        self._deserializer = deserializer
        self._only = balanced.only

    def _native(self, replica: Replica, kind: str) -> Any:
        """The replica's own multicallable of this method (cached on the replica)."""
        key = (kind, self._method)
        found = replica.callables.get(key)
        if found is None:
            factory = getattr(replica.channel, kind)
            found = replica.callables[key] = factory(
                self._method,
                request_serializer=self._serializer,
                response_deserializer=self._deserializer,
                _registered_method=True,
            )
        return found

    def _pick(self, exclude: list[Replica]) -> Replica:
        if self._only is not None:
            return self._only
        replicas = self._balanced.replicas
        replica = replicas.pick(exclude) or replicas.pick_ejected(exclude)
        if replica is None:
            raise errors.Unavailable(
                f"no healthy instance of {self._balanced.service}",
                reason="NO_HEALTHY_INSTANCE",
                metadata={"service": self._balanced.service},
                retry_after=1.0,
            )
        return replica


class StreamMethod(_Method):
    """Server streaming: one attempt on the best replica (a stream is not replayed)."""

    def __call__(
        self, request: Any, *, timeout: float | None = None, metadata: Any = None, **kwargs: Any
    ) -> Any:
        b = self._balanced
        timeout = call_timeout(self._method, timeout, b.default_deadline, b.margin)
        native = self._native(self._pick([]), "unary_stream")
        return native(request, timeout=timeout, metadata=call_metadata(metadata), **kwargs)


class UnaryMethod(_Method):
    """Unary: hedged and retried across replicas when safe to repeat."""

    def __call__(
        self, request: Any, *, timeout: float | None = None, metadata: Any = None, **_: Any
    ) -> BalancedCall:
        b = self._balanced
        deadline = time.monotonic() + call_timeout(
            self._method, timeout, b.default_deadline, b.margin
        )
        outgoing = call_metadata(metadata)
        b.budget.deposit()
        b.hedge_budget.deposit()
        if self._repeatable(request) and len(b.replicas.replicas) > 1:
            return BalancedCall(lambda call: self._hedged(call, request, deadline, outgoing))
        return BalancedCall(lambda call: self._in_turn(call, request, deadline, outgoing))

    def _repeatable(self, request: Any) -> bool:
        """Safe to send to another replica too: never a call only one replica can answer."""
        return self._only is None and self._balanced.repeatable(self._method, request)

    async def _attempt(
        self,
        call: BalancedCall,
        replica: Replica,
        request: Any,
        deadline: float,
        metadata: Any,
        kind: str,
    ) -> Any:
        b = self._balanced
        b.attempted(kind)
        started = time.monotonic()
        native = self._native(replica, "unary_unary")(
            request, timeout=deadline - started, metadata=metadata
        )
        call.attempts.add(native)
        replica.inflight += 1
        try:
            response = await native
        except grpc.aio.AioRpcError as exc:
            if from_transport(exc):
                b.replicas.failed(replica, "unavailable")
            raise
        finally:
            replica.inflight -= 1
            call.attempts.discard(native)
        b.replicas.succeeded(replica, b.latency(self._method).observe(time.monotonic() - started))
        return response

    def _retry_target(self, tried: list[Replica]) -> Replica:
        """Another admitted replica, else an ejected one (it may have recovered), else the
        best admitted one again."""
        replicas = self._balanced.replicas
        return replicas.pick(tried) or replicas.pick_ejected(tried) or self._pick([])

    def _may_retry(self, error: grpc.aio.AioRpcError, deadline: float, repeatable: bool) -> bool:
        return (
            repeatable
            and from_transport(error)
            and deadline - time.monotonic() > self._balanced.hedging.retry_backoff
            and self._balanced.budget.withdraw()
        )

    async def _in_turn(
        self, call: BalancedCall, request: Any, deadline: float, metadata: Any
    ) -> Any:
        """One attempt at a time: the next on another replica when the last one's
        connection failed and the call is safe to repeat."""
        repeatable = self._repeatable(request)
        backoff = self._balanced.hedging.retry_backoff
        pauses = exponential_delays(backoff, backoff)  # full jitter, never over retry_backoff
        tried: list[Replica] = []
        while True:
            replica = self._retry_target(tried) if tried else self._pick([])
            if replica in tried:  # the only one left: give it a moment to reconnect
                await asyncio.sleep(next(pauses))
            kind = "retry" if tried else "first"
            tried.append(replica)
            try:
                return await self._attempt(call, replica, request, deadline, metadata, kind)
            except grpc.aio.AioRpcError as exc:
                if call.cancelled or not self._may_retry(exc, deadline, repeatable):
                    raise

    async def _hedged(
        self, call: BalancedCall, request: Any, deadline: float, metadata: Any
    ) -> Any:
        """Attempts in parallel: a hedge when the first is late, a retry when one fails at
        the transport; the first answer wins and the others are cancelled."""
        b = self._balanced
        running: dict[asyncio.Future[Any], Replica] = {}
        tried: list[Replica] = []

        def launch(replica: Replica, kind: str) -> None:
            tried.append(replica)
            attempt = self._attempt(call, replica, request, deadline, metadata, kind)
            task = asyncio.ensure_future(attempt)
            call.attempts.add(task)
            running[task] = replica

        launch(self._pick([]), "first")
        hedging = True
        failure: grpc.aio.AioRpcError | None = None
        try:
            while running:
                delay = b.latency(self._method).hedge_delay(b.hedging)
                done, _ = await asyncio.wait(
                    running, timeout=delay if hedging else None, return_when=asyncio.FIRST_COMPLETED
                )
                if not done:  # late: a strike for each replica still silent, then a hedge
                    # (always for a replica just back from an ejection: its probe call must
                    # not hang on it if it is still frozen)
                    probing = any(r.ejections for r in running.values())
                    for replica in running.values():
                        b.replicas.failed(replica, "stalled")
                    spare = b.replicas.pick(tried)
                    hedging = spare is not None and (b.hedge_budget.withdraw() or probing)
                    if spare is not None and hedging:
                        launch(spare, "hedge")
                    continue
                for task in done:
                    running.pop(task)
                    call.attempts.discard(task)
                    if task.cancelled():
                        continue
                    error = task.exception()
                    if error is None:
                        return task.result()
                    if not isinstance(error, grpc.aio.AioRpcError) or not from_transport(error):
                        raise error
                    failure = error
                if not running and failure is not None and not call.cancelled:
                    if not self._may_retry(failure, deadline, repeatable=True):
                        raise failure
                    launch(self._retry_target(tried), "retry")
            raise asyncio.CancelledError
        finally:
            for task in running:
                task.cancel()
