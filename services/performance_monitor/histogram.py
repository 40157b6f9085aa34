"""A log-bucketed latency histogram: bounded memory, mergeable, quantiles within ~5 %."""

import math
from dataclasses import dataclass, field

_MIN = 1e-4  # seconds: everything faster lands in the first bucket
_GROWTH = 1.1  # each bucket is 10 % wider than the one before
_LOG_GROWTH = math.log(_GROWTH)


def _bucket(seconds: float) -> int:
    if seconds <= _MIN:
        return 0
    return 1 + int(math.log(seconds / _MIN) / _LOG_GROWTH)


def _upper(bucket: int) -> float:
    return _MIN * _GROWTH**bucket


@dataclass
class LogHistogram:
    counts: dict[int, int] = field(default_factory=dict)
    total: int = 0

    def add(self, seconds: float) -> None:
        index = _bucket(seconds)
        self.counts[index] = self.counts.get(index, 0) + 1
        self.total += 1

    def merge(self, other: "LogHistogram") -> None:
        for index, count in other.counts.items():
            self.counts[index] = self.counts.get(index, 0) + count
        self.total += other.total

    def quantile(self, q: float) -> float:
        """The q-quantile (0..1) in seconds: the geometric middle of its bucket (0 when empty)."""
        if not self.total:
            return 0.0
        rank = max(1, math.ceil(q * self.total))
        seen = 0
        for index in sorted(self.counts):
            seen += self.counts[index]
            if seen >= rank:
                return _MIN if index == 0 else math.sqrt(_upper(index - 1) * _upper(index))
        return _upper(max(self.counts))
