"""Model spend per API key and UTC day: reserve the worst case before a call, settle after.

`reserve` admits a call only if what is spent and reserved today plus its worst case
stays within the key's budget, and counts the worst case at once, so concurrent calls
cannot overspend together; `settle` replaces the reservation by the real cost. In the
shared state both are single Redis commands (a Lua script for the check-and-add), so
the budget holds across every replica; without it, each process keeps its own ledger.
Amounts are whole micro-dollars, so that sums are exact.

A ledger that cannot reach the state admits the call (limits fail open) and counts it.
"""

import contextlib
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

from prometheus_client import Counter

from services.runtime.state.connection import SharedState, StateDown

MICRO = 1_000_000
DAY = 86_400
USER = "spend ledger"

SPEND = Counter("tripmesh_key_spend_usd_total", "Model spend in US dollars, by API key.", ["key"])
UNCHECKED = Counter(
    "tripmesh_spend_unchecked_total",
    "Model calls let through without a budget check because the shared state was down.",
)

# KEYS[1] the day's spend; ARGV: amount, limit (micro-USD), ttl: the new total, or -1.
_RESERVE = """
local spent = tonumber(redis.call('GET', KEYS[1]) or '0')
if spent + tonumber(ARGV[1]) > tonumber(ARGV[2]) then return -1 end
local total = redis.call('INCRBY', KEYS[1], ARGV[1])
redis.call('EXPIRE', KEYS[1], ARGV[3])
return total
"""


@dataclass(frozen=True)
class Reservation:
    key: str
    day: int  # UTC day number
    micros: int
    counted: bool = True  # False when admitted unchecked during an outage


class SpendLedger(Protocol):
    async def reserve(self, key: str, usd: float, limit_usd: float) -> Reservation | None: ...

    async def settle(self, reservation: Reservation, usd: float) -> None: ...

    async def spent(self, key: str) -> float | None: ...


def reset_time(now: float) -> float:
    """When today's budgets start again: the next UTC midnight."""
    return (int(now // DAY) + 1) * DAY


class LocalLedger:
    """This process's spend (one replica per key, or a mesh without shared state)."""

    def __init__(self, clock: Callable[[], float] = time.time) -> None:
        self._clock = clock
        self._spent: dict[tuple[str, int], int] = {}

    async def reserve(self, key: str, usd: float, limit_usd: float) -> Reservation | None:
        day, micros = int(self._clock() // DAY), _micros(usd)
        spent = self._spent.get((key, day), 0)
        if spent + micros > _micros(limit_usd):
            return None
        self._spent = {k: v for k, v in self._spent.items() if k[1] >= day}  # forget old days
        self._spent[(key, day)] = spent + micros
        return Reservation(key, day, micros)

    async def settle(self, reservation: Reservation, usd: float) -> None:
        SPEND.labels(reservation.key).inc(usd)
        slot = (reservation.key, reservation.day)
        if slot in self._spent:
            self._spent[slot] += _micros(usd) - reservation.micros

    async def spent(self, key: str) -> float | None:
        return self._spent.get((key, int(self._clock() // DAY)), 0) / MICRO


class SharedLedger:
    """The spend of every replica, in the shared state."""

    def __init__(self, state: SharedState, clock: Callable[[], float] = time.time) -> None:
        self._state = state
        self._clock = clock

    def _key(self, key: str, day: int) -> str:
        return self._state.key("spend", str(day), key)

    async def reserve(self, key: str, usd: float, limit_usd: float) -> Reservation | None:
        day, micros = int(self._clock() // DAY), _micros(usd)
        name = self._key(key, day)
        try:
            total = await self._state.run(
                USER, lambda c: c.eval(_RESERVE, 1, name, micros, _micros(limit_usd), 2 * DAY)
            )
        except StateDown:
            UNCHECKED.inc()
            return Reservation(key, day, micros, counted=False)
        return None if int(total) < 0 else Reservation(key, day, micros)

    async def settle(self, reservation: Reservation, usd: float) -> None:
        SPEND.labels(reservation.key).inc(usd)
        if not reservation.counted:
            return
        name = self._key(reservation.key, reservation.day)
        change = _micros(usd) - reservation.micros
        # When the state is down, the worst case stays counted: the budget errs on the safe side.
        with contextlib.suppress(StateDown):
            await self._state.run(USER, lambda c: c.incrby(name, change))

    async def spent(self, key: str) -> float | None:
        """Today's spend of the key; None when the state does not answer."""
        name = self._key(key, int(self._clock() // DAY))
        try:
            raw = await self._state.run(USER, lambda c: c.get(name))
        except StateDown:
            return None
        return int(raw or 0) / MICRO


def _micros(usd: float) -> int:
    return max(0, round(usd * MICRO))


def create_ledger(state: SharedState | None) -> SpendLedger:
    return SharedLedger(state) if state is not None else LocalLedger()
