"""Alerts shared by the monitor replicas: one evaluates, every one lists and watches.

The replica holding the lease `monitor-alerts` evaluates the rules and commits the
changes in one fenced script: the active alerts (a hash), the resolved ones (a list)
and a stream of changes, written only while it still holds the lease. Every replica
loads the alerts from the hash and list, and follows the stream to feed its own
WatchAlerts callers, so an alert fires once and is seen on every replica.
"""

import asyncio
import contextlib
import dataclasses
import json
import logging
from typing import TYPE_CHECKING, Any

from services.performance_monitor.alerts import RESOLVED_RETENTION, Alert, AlertBook
from services.runtime.state.connection import SharedState, StateDown
from services.runtime.state.lease import Lease

if TYPE_CHECKING:
    from redis.asyncio import Redis

logger = logging.getLogger(__name__)

USER = "performance monitor alerts"
STREAM_LENGTH = 1000  # changes kept for watchers that poll
RESOLVED_KEPT = 1000

# KEYS: lease, active, resolved, stream; ARGV: owner, then per change "1"/"0" and its JSON.
_COMMIT = f"""
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
for i = 2, #ARGV, 2 do
  local alert = cjson.decode(ARGV[i + 1])
  if ARGV[i] == '1' then
    redis.call('HSET', KEYS[2], alert['name'], ARGV[i + 1])
  else
    redis.call('HDEL', KEYS[2], alert['name'])
    redis.call('LPUSH', KEYS[3], ARGV[i + 1])
    redis.call('LTRIM', KEYS[3], 0, {RESOLVED_KEPT - 1})
  end
  redis.call('XADD', KEYS[4], 'MAXLEN', '~', {STREAM_LENGTH}, '*', 'alert', ARGV[i + 1])
end
return 1
"""


class SharedAlerts:
    def __init__(self, state: SharedState, book: AlertBook, lease: Lease) -> None:
        self.book = book
        self.lease = lease
        self._state = state
        self._active = state.key("monitor", "alerts", "active")
        self._resolved = state.key("monitor", "alerts", "resolved")
        self._stream = state.key("monitor", "alerts", "changes")
        self._last_id: str | None = None  # of the stream, once known

    async def load(self, now: float) -> None:
        """The book takes the shared alerts; unchanged while the state is down."""

        async def read(client: "Redis") -> list[Any]:
            pipe = client.pipeline(transaction=False)
            pipe.hvals(self._active)
            pipe.lrange(self._resolved, 0, -1)
            return list(await pipe.execute())

        try:
            active, resolved = await self._state.run(USER, read)
        except StateDown:
            return
        recent = [a for a in map(_alert_of, resolved) if a.end_time >= now - RESOLVED_RETENTION]
        self.book.restore([_alert_of(raw) for raw in active], recent)

    async def commit(self, changes: list[Alert]) -> bool:
        """Publishes the changes of an evaluation, if this replica still holds the lease."""
        if not changes:
            return True
        args = [self.lease.owner]
        for alert in changes:
            args += ["1" if alert.firing else "0", _json_of(alert)]
        keys = [self.lease.key, self._active, self._resolved, self._stream]
        try:
            done = await self._state.run(USER, lambda c: c.eval(_COMMIT, 4, *keys, *args))
        except StateDown:
            return False
        return bool(done)

    async def follow(self, interval: float) -> None:
        """Feeds the stream's changes to this replica's watchers, until cancelled."""
        while True:
            # During an outage: read on from the last id seen when the state is back.
            with contextlib.suppress(StateDown):
                await self._state.run(USER, self._read_changes)
            await asyncio.sleep(interval)

    async def _read_changes(self, client: "Redis") -> None:
        if self._last_id is None:  # start at the end: what came before is listed, not news
            last: Any = await client.xrevrange(self._stream, count=1)
            self._last_id = str(last[0][0]) if last else "0-0"
            return
        answer: Any = await client.xread({self._stream: self._last_id}, count=100)
        for _stream, entries in answer:
            for entry_id, fields in entries:
                self._last_id = entry_id
                self.book.publish(_alert_of(fields["alert"]))


def _json_of(alert: Alert) -> str:
    return json.dumps(dataclasses.asdict(alert), separators=(",", ":"))


def _alert_of(raw: str) -> Alert:
    return Alert(**json.loads(raw))
