"""One deadline for a whole trip request, shared out across the hops.

The clock ends `reserve` seconds before the request's deadline, so that the
orchestrator can always store the trip and answer (or report which hop failed)
before its caller gives up. A caller without a deadline gets the default.
"""

import time

from services.runtime import deadlines
from services.runtime.errors import DeadlineExceeded

# Of a very short deadline, at most this share is kept back for the answer.
MAX_RESERVE_SHARE = 0.25


class TripClock:
    """Time left for the work of one trip request."""

    def __init__(self, seconds: float, reserve: float) -> None:
        reserve = min(reserve, max(seconds, 0.0) * MAX_RESERVE_SHARE)
        self._end = time.monotonic() + seconds - reserve

    @classmethod
    def for_request(cls, default: float, reserve: float) -> "TripClock":
        """The clock of the RPC being served: its deadline, or `default` seconds."""
        left = deadlines.remaining()
        return cls(default if left is None else left, reserve)

    def left(self) -> float:
        """Seconds left for the work (not counting the reserve); may be negative."""
        return self._end - time.monotonic()

    def timeout(self, hop: str, share: float = 1.0) -> float:
        """The timeout of a call to `hop`: `share` of the time left; DEADLINE_EXCEEDED if none."""
        left = self.left()
        if left <= 0:
            raise DeadlineExceeded(
                f"the trip's deadline leaves no time to call the {hop}",
                reason="DEADLINE_EXCEEDED",
                metadata={"hop": hop},
            )
        return left * share
