"""What the router knows of each provider instance: latency, errors, load, ejection.

The latency estimate is a peak EWMA (as in Finagle and linkerd): a slower
observation replaces it at once, faster ones pull it down gradually. Both the
latency and the error rate decay while an instance goes unused, so that an
instance that was slow or failing gets tried again now and then instead of
being starved forever.
"""

import math
from dataclasses import dataclass

import grpc

# Codes that say the instance, not the request, is at fault (count towards ejection).
INSTANCE_FAULTS = frozenset(
    {
        grpc.StatusCode.UNAVAILABLE,
        grpc.StatusCode.INTERNAL,
        grpc.StatusCode.UNKNOWN,
        grpc.StatusCode.DEADLINE_EXCEEDED,
        grpc.StatusCode.RESOURCE_EXHAUSTED,
        grpc.StatusCode.DATA_LOSS,
        grpc.StatusCode.UNIMPLEMENTED,
    }
)

_ALPHA = 0.3  # weight of a new observation in the EWMAs
_FLOOR = 0.001  # seconds: below this, latencies are noise
_ERROR_WEIGHT = 4.0  # a 100 % error rate makes an instance look five times slower


@dataclass(frozen=True)
class EjectionPolicy:
    failures: int = 5  # consecutive instance faults that eject
    base: float = 10.0  # seconds of the first ejection; the n-th lasts n times as long
    maximum: float = 300.0


@dataclass
class InstanceStats:
    latency: float = 0.0  # seconds, peak EWMA of successful calls
    error_rate: float = 0.0  # EWMA of fault (1) / no fault (0)
    updated: float = 0.0  # monotonic time of the last observation
    inflight: int = 0
    consecutive_failures: int = 0
    ejections: int = 0  # how many times in a row, for the increasing period
    ejected_until: float = 0.0
    healthy_since: float = 0.0

    def decay(self, now: float, tau: float) -> float:
        """Factor by which the estimates have faded since the last observation."""
        return math.exp(-max(0.0, now - self.updated) / tau)

    def score(self, now: float, tau: float) -> float:
        """Lower is better: expected latency, times the queue ahead, times the error penalty."""
        fade = self.decay(now, tau)
        latency = max(self.latency * fade, _FLOOR)
        errors = self.error_rate * fade
        return latency * (self.inflight + 1) * (1 + _ERROR_WEIGHT * errors)

    def ejected(self, now: float) -> bool:
        return now < self.ejected_until

    def observe(self, now: float, latency: float, fault: bool, policy: EjectionPolicy) -> bool:
        """Records one call's outcome; returns True when it ejects the instance."""
        self.error_rate += _ALPHA * ((1.0 if fault else 0.0) - self.error_rate)
        self.updated = now
        if fault:
            self.consecutive_failures += 1
            if self.consecutive_failures >= policy.failures:
                self._eject(now, policy)
                return True
            return False
        # Served (even with a request error): its latency is real, and it is alive.
        self.latency = (
            latency if latency > self.latency else self.latency + _ALPHA * (latency - self.latency)
        )
        self.consecutive_failures = 0
        if self.ejections and now - self.healthy_since >= policy.base:
            # A base period of health forgives one ejection.
            self.ejections -= 1
            self.healthy_since = now
        return False

    def _eject(self, now: float, policy: EjectionPolicy) -> None:
        self.ejections += 1
        self.ejected_until = now + min(policy.base * self.ejections, policy.maximum)
        self.healthy_since = self.ejected_until
        self.consecutive_failures = 0
        # Back from ejection it starts afresh, as a new instance would.
        self.latency = 0.0
        self.error_rate = 0.0
