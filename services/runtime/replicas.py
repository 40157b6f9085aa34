"""The replicas of one service as a client sees them: which to call, which to eject.

Picking is power of two choices on each replica's latency (relative to what the
method usually costs) times its calls in flight. Outlier detection is passive,
from the calls themselves: a replica whose calls fail at the transport, or are
still unanswered when their hedge delay is up, `failures_to_eject` times in a
row is ejected; so is one whose latency is `slow_factor` times its fastest
peer's. An ejection lasts `base_ejection` times the number of ejections in a row
(at most `max_ejection`); then the replica is readmitted on probation, and its
next call decides whether it stays. At least one replica is always kept:
ejecting the last would turn slowness into an outage.
"""

import logging
import random
import time
from collections.abc import Callable, Collection
from dataclasses import dataclass
from typing import Any

from prometheus_client import Counter

logger = logging.getLogger(__name__)

SAMPLE_WEIGHT = 0.2  # EWMA weight of a new latency sample
MIN_SAMPLES_TO_COMPARE = 10
FAILURE_PENALTY = 4.0  # slowness given to a replica whose call just failed

EJECTIONS = Counter(
    "tripmesh_client_ejections_total",
    "Replicas ejected by a client's outlier detection.",
    ["service", "address", "cause"],
)
ATTEMPTS = Counter(
    "tripmesh_client_attempts_total",
    "Attempts of client calls, by kind: first, retry (after a connection failure), hedge.",
    ["service", "kind"],
)
READMISSIONS = Counter(
    "tripmesh_client_readmissions_total",
    "Ejected replicas that answered again after their ejection.",
    ["service", "address"],
)


@dataclass(frozen=True)
class OutlierOptions:
    failures_to_eject: int = 3
    base_ejection: float = 2.0
    max_ejection: float = 30.0
    slow_factor: float = 5.0


class Replica:
    """One endpoint of a service and what its calls have shown."""

    def __init__(self, address: str, channel: Any) -> None:
        self.address = address
        self.channel = channel
        self.callables: dict[tuple[str, str], Any] = {}  # the channel's multicallables
        self.inflight = 0
        self.slowness = 1.0  # EWMA of latency / the method's usual latency
        self.samples = 0
        self.strikes = 0
        self.ejections = 0  # in a row; 0 once a call succeeds after readmission
        self.ejected_until = 0.0

    def score(self) -> float:
        return self.slowness * (self.inflight + 1)


class ReplicaSet:
    """The replicas of `service`; the clock is injectable for tests."""

    def __init__(
        self,
        service: str,
        options: OutlierOptions,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.service = service
        self.options = options
        self.replicas: list[Replica] = []
        self._clock = clock

    def newcomer(self, address: str, channel: Any) -> Replica:
        """A replica that has just joined, scored like the best measured one.

        At the default score of 1.0 it would lose most picks to a peer whose calls run
        faster than the method's usual latency, and a new replica would get few calls
        until it had been measured; as good as the best, it shares the load at once
        and its own calls then place it.
        """
        replica = Replica(address, channel)
        measured = [r.slowness for r in self.replicas if r.samples and self.admitted(r)]
        replica.slowness = min(measured, default=1.0)
        return replica

    def admitted(self, replica: Replica) -> bool:
        return replica.ejected_until <= self._clock()

    def pick(self, exclude: Collection[Replica] = ()) -> Replica | None:
        """A replica to call: admitted, not in `exclude`, the better of two at random."""
        now = self._clock()
        admitted = [r for r in self.replicas if r.ejected_until <= now and r not in exclude]
        # A replica back from an ejection takes one probe call at a time, until one answers
        # (unless nothing else is left).
        candidates = [r for r in admitted if not (r.ejections and r.inflight)] or admitted
        probe = next((r for r in candidates if r.ejections), None)
        if probe is not None:
            return probe  # its one call decides whether it stays: without it, never back
        if not candidates:
            return None
        # Two picks at random, with replacement (as Envoy's least-request balancer does):
        # a replica that scores worse still gets a share of calls, so its score keeps being
        # measured, and a new replica is not starved by one that happens to score better.
        first, second = random.choice(candidates), random.choice(candidates)
        return first if first.score() <= second.score() else second

    def pick_ejected(self, exclude: Collection[Replica] = ()) -> Replica | None:
        """The best replica not in `exclude`, ejected or not: the last resort of a retry
        when every admitted one has failed (an ejected replica may have recovered)."""
        candidates = [r for r in self.replicas if r not in exclude]
        return min(candidates, key=lambda r: (r.ejected_until, r.score()), default=None)

    def succeeded(self, replica: Replica, slowness: float) -> None:
        """A call answered; `slowness` is its latency over the method's usual latency."""
        replica.strikes = 0
        if replica.ejections:
            replica.ejections = 0
            READMISSIONS.labels(self.service, replica.address).inc()
            logger.info("%s at %s answers again: readmitted", self.service, replica.address)
        replica.slowness += SAMPLE_WEIGHT * (slowness - replica.slowness)
        replica.samples += 1
        if self._far_slower(replica):
            self._eject(replica, "slow")

    def failed(self, replica: Replica, cause: str) -> None:
        """A call failed at the transport ("unavailable") or was late ("stalled")."""
        replica.strikes += 1
        # A replica that fails fast has no calls in flight: without a penalty it would look
        # the least loaded and be picked first until ejected.
        replica.slowness = max(replica.slowness, FAILURE_PENALTY)
        if replica.strikes >= self.options.failures_to_eject:
            self._eject(replica, cause)

    def _far_slower(self, replica: Replica) -> bool:
        if replica.samples < MIN_SAMPLES_TO_COMPARE:
            return False
        peers = [
            r.slowness
            for r in self.replicas
            if r is not replica and self.admitted(r) and r.samples >= MIN_SAMPLES_TO_COMPARE
        ]
        return bool(peers) and replica.slowness > self.options.slow_factor * min(peers)

    def _eject(self, replica: Replica, cause: str) -> None:
        # Only while a proven replica stays in: one just back from an ejection may be
        # the dead one, and must not be left alone to serve.
        proven = [
            r for r in self.replicas if r is not replica and self.admitted(r) and not r.ejections
        ]
        if not proven or not self.admitted(replica):
            return  # never the last one; an ejected one stays as it is
        replica.ejections += 1
        seconds = min(self.options.max_ejection, self.options.base_ejection * replica.ejections)
        replica.ejected_until = self._clock() + seconds
        # On probation when it comes back: one more strike ejects it again, for longer.
        replica.strikes = self.options.failures_to_eject - 1
        replica.samples = 0  # its slowness stays: back in, it gets calls again slowly
        EJECTIONS.labels(self.service, replica.address, cause).inc()
        logger.warning(
            "%s at %s ejected for %.1f s (%s)", self.service, replica.address, seconds, cause
        )
