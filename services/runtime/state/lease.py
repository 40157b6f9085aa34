"""A lease in the shared state: at most one holder at a time, lost when not renewed.

The holder renews well within `ttl`; a holder that dies lets the lease expire, and
another replica takes it at its next try, so the work moves within about two terms.
Writes made on the lease's behalf check it again in the same script (a fence), so a
holder that lost the lease while paused cannot overwrite its successor's work.
"""

import contextlib
from typing import TYPE_CHECKING

from services.runtime.state.connection import SharedState, StateDown

if TYPE_CHECKING:
    from redis.asyncio import Redis

# KEYS[1] lease, ARGV[1] owner, ARGV[2] ttl ms: 1 if the owner holds it (now or already).
_HOLD = """
local current = redis.call('GET', KEYS[1])
if current == ARGV[1] then
  redis.call('PEXPIRE', KEYS[1], ARGV[2])
  return 1
end
if not current then
  redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
  return 1
end
return 0
"""

# KEYS[1] lease, ARGV[1] owner: releases only a lease the owner holds.
_RELEASE = """
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('DEL', KEYS[1])
end
return 0
"""


class Lease:
    def __init__(self, state: SharedState, name: str, owner: str, ttl: float) -> None:
        self.key = state.key("lease", name)
        self.owner = owner
        self.ttl = ttl
        self._state = state
        self.held = False

    async def hold(self) -> bool:
        """Takes or renews the lease; False when another holds it or the state is down."""

        async def hold(client: "Redis") -> bool:
            answer = await client.eval(_HOLD, 1, self.key, self.owner, int(self.ttl * 1000))
            return bool(answer)

        try:
            self.held = await self._state.run("lease", hold)
        except StateDown:  # it expires by itself; nobody can be sure of holding it now
            self.held = False
        return self.held

    async def release(self) -> None:
        """Gives the lease up at once (a drain), so that another replica need not wait out
        the term; when the state is down it expires by itself."""
        if not self.held:
            return
        self.held = False
        with contextlib.suppress(StateDown):
            await self._state.run("lease", lambda c: c.eval(_RELEASE, 1, self.key, self.owner))
