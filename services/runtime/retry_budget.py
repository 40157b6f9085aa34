"""A retry budget in the manner of Finagle's and Envoy's: retries (and hedges) may be at
most `ratio` of the calls, plus a small reserve for a quiet start.

Each call deposits `ratio` of a token; a retry takes a whole one. When a backend
fails everything, attempts per call tend to 1 + ratio; a burst of connection
resets (a replica killed under load) is covered by the reserve. gRPC's own A6
throttling (tokens halved by failures) is close, but it lives inside a channel,
and the channel is now one per replica while retries cross replicas.
"""


class RetryBudget:
    """Tokens for retries: `deposit()` per call, `withdraw()` per retry."""

    def __init__(self, ratio: float = 0.1, reserve: float = 10.0) -> None:
        self.ratio = ratio
        self.reserve = reserve
        self._tokens = reserve

    def deposit(self) -> None:
        self._tokens = min(self.reserve, self._tokens + self.ratio)

    def withdraw(self) -> bool:
        """Takes a token for one retry; False when the budget is spent."""
        if self._tokens < 1.0:
            return False
        self._tokens -= 1.0
        return True

    def withdraw_spare(self) -> bool:
        """Takes a token for a hedge, only from the upper half of the reserve: a hedge saves
        time, a retry after a connection reset saves the call, so hedges never starve retries
        (on a crowded machine many calls are late)."""
        if self._tokens < 1.0 + self.reserve / 2:
            return False
        self._tokens -= 1.0
        return True
