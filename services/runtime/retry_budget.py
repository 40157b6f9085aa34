"""A retry budget in the manner of Finagle's and Envoy's: retries may be at most `ratio`
of the calls, plus a small reserve for a quiet start. Clients keep one for retries and
another for hedges, so that hedges on a crowded machine (many calls are late) never
starve the retries that save calls cut by a dying replica; together they stay
within 1 + 2 x ratio, and a backend that fails everything fast spends retries only.

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
