"""The replicas of one service as a client sees them: which to call, which to eject.

Picking is power of two choices on each replica's latency (relative to what the
method usually costs) times its calls in flight. Outlier detection is passive,
from the calls themselves: a replica whose calls fail at the transport, or that
loses a hedged race (its peer answered while it had not, past the hedge delay),
`failures_to_eject` times in a row is ejected; so is one whose latency is
`slow_factor` times its fastest peer's. An ejection lasts `base_ejection` times
the number of ejections in a row (at most `max_ejection`), then the replica is
readmitted on probation: its next call decides whether it stays. At least one
replica is always kept: ejecting the last would turn slowness into an outage.
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

    def admitted(self, replica: Replica) -> bool:
        return replica.ejected_until <= self._clock()

    def pick(self, exclude: Collection[Replica] = ()) -> Replica | None:
        """A replica to call: admitted, not in `exclude`, the better of two at random."""
        now = self._clock()
        candidates = [r for r in self.replicas if r.ejected_until <= now and r not in exclude]
        if len(candidates) <= 2:
            return min(candidates, key=Replica.score, default=None)
        first, second = random.sample(candidates, 2)
        return first if first.score() <= second.score() else second

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
        """A call failed at the transport ("unavailable") or lost a hedged race ("stalled")."""
        replica.strikes += 1
        # A replica that fails fast has no calls in flight: without a penalty it would look
        # the least loaded and be picked first until ejected.
        replica.slowness = max(2 * replica.slowness, FAILURE_PENALTY)
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
        others = [r for r in self.replicas if r is not replica and self.admitted(r)]
        if not others or not self.admitted(replica):
            return  # never the last one; an ejected one stays as it is
        replica.ejections += 1
        seconds = min(self.options.max_ejection, self.options.base_ejection * replica.ejections)
        replica.ejected_until = self._clock() + seconds
        # On probation when it comes back: one more strike ejects it again, for longer.
        replica.strikes = self.options.failures_to_eject - 1
        replica.slowness = 1.0
        replica.samples = 0
        EJECTIONS.labels(self.service, replica.address, cause).inc()
        logger.warning(
            "%s at %s ejected for %.1f s (%s)", self.service, replica.address, seconds, cause
        )
