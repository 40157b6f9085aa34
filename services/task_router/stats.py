"""What the router knows of each provider instance: latency, errors, load, ejection.

The latency estimate is a peak EWMA (as in Finagle and linkerd): a slower
observation replaces it at once, faster ones pull it down gradually. Failures
count too: one that fails fast looks fast and keeps being chosen, which is what
lets the consecutive-failure count eject it quickly (Finagle's failure accrual),
while the error-rate penalty keeps a flaky one from taking a full share. Both
estimates fade while an instance goes unused, so that an instance that was slow
or failing gets tried again now and then instead of being starved forever.
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

_ALPHA = 0.5  # weight of a new observation in the EWMAs
_FLOOR = 0.0005  # seconds: below this, latencies are noise
_ERROR_WEIGHT = 2.0  # a 100 % error rate makes an instance look three times slower


@dataclass(frozen=True)
class EjectionPolicy:
    failures: int = 5  # consecutive instance faults that eject
    base: float = 10.0  # seconds of the first ejection; the n-th lasts n times as long
    maximum: float = 300.0


@dataclass
class InstanceStats:
    tau: float = 3.0  # seconds over which the estimates fade while unused
    latency: float = 0.0  # seconds, peak EWMA of every call
    error_rate: float = 0.0  # EWMA of fault (1) / no fault (0)
    updated: float = 0.0  # monotonic time of the last observation
    inflight: int = 0
    consecutive_failures: int = 0
    ejections: int = 0  # how many times in a row, for the increasing period
    ejected_until: float = 0.0
    healthy_since: float = 0.0

    def decay(self, now: float) -> float:
        """Factor by which the estimates have faded since the last observation."""
        return math.exp(-max(0.0, now - self.updated) / self.tau)

    def score(self, now: float) -> float:
        """Lower is better: expected latency, times the queue ahead, times the error penalty."""
        fade = self.decay(now)
        latency = max(self.latency * fade, _FLOOR)
        errors = self.error_rate * fade
        return latency * (self.inflight + 1) * (1 + _ERROR_WEIGHT * errors)

    def ejected(self, now: float) -> bool:
        return now < self.ejected_until

    def observe(self, now: float, latency: float, fault: bool, policy: EjectionPolicy) -> bool:
        """Records one call's outcome; returns True when it ejects the instance."""
        fade = self.decay(now)  # what faded while unused stays faded
        self.latency *= fade
        self.error_rate *= fade
        self.error_rate += _ALPHA * (float(fault) - self.error_rate)
        if latency > self.latency:
            self.latency = latency
        else:
            self.latency += _ALPHA * (latency - self.latency)
        self.updated = now
        if fault:
            self.consecutive_failures += 1
            if self.consecutive_failures >= policy.failures:
                self._eject(now, policy)
                return True
            return False
        self.consecutive_failures = 0  # served, even with a request error: it is alive
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
