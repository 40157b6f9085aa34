"""Choosing a provider instance: power of two choices on the score, or plain round robin."""

import itertools
import random
from collections.abc import Sequence
from typing import Protocol

from services.task_router.routes import Candidate
from services.task_router.stats import InstanceStats


class Chooser(Protocol):
    def choose(
        self,
        tool: str,
        candidates: Sequence[Candidate],
        stats: dict[str, InstanceStats],
        now: float,
    ) -> Candidate: ...


class PowerOfTwoChoices:
    """Two random candidates, the lower score wins (Mitzenmacher's power of two choices).

    Random pairs rather than the global best keep a crowd of routers from
    stampeding onto the one instance that looked best a moment ago.
    """

    def __init__(self, rng: random.Random | None = None) -> None:
        self._rng = rng or random.Random()

    def choose(
        self,
        tool: str,
        candidates: Sequence[Candidate],
        stats: dict[str, InstanceStats],
        now: float,
    ) -> Candidate:
        if len(candidates) == 1:
            return candidates[0]
        first, second = self._rng.sample(list(candidates), 2)
        a = stats[first.instance_id].score(now)
        b = stats[second.instance_id].score(now)
        return first if a <= b else second


class RoundRobin:
    """Each tool's candidates in turn (ENABLE_INTELLIGENT_ROUTING=false)."""

    def __init__(self) -> None:
        self._counters: dict[str, itertools.count[int]] = {}

    def choose(
        self,
        tool: str,
        candidates: Sequence[Candidate],
        stats: dict[str, InstanceStats],
        now: float,
    ) -> Candidate:
        counter = self._counters.setdefault(tool, itertools.count())
        ordered = sorted(candidates, key=lambda c: c.instance_id)
        return ordered[next(counter) % len(ordered)]
