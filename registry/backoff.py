"""Exponential backoff with jitter, for background loops that retry forever."""

import random


class Backoff:
    """Delays that double from `initial` up to `maximum`; `reset()` after a success."""

    def __init__(self, initial: float = 0.2, maximum: float = 5.0, factor: float = 2.0) -> None:
        self._initial = initial
        self._maximum = maximum
        self._factor = factor
        self._next = initial

    def next_delay(self) -> float:
        """The next delay; jitter keeps many instances from retrying in step."""
        delay = self._next
        self._next = min(self._next * self._factor, self._maximum)
        return delay * random.uniform(0.75, 1.0)

    def exhaust(self) -> float:
        """The longest delay: for failures that only an operator can fix."""
        self._next = self._maximum
        return self.next_delay()

    def reset(self) -> None:
        self._next = self._initial
