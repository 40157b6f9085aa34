"""A2A tasks shared by an agent's replicas, in the shared state (TRIPMESH_STATE_URL).

Every save goes to the replica's own bounded store (task_store.py) and to Redis, so that
GetTask and ListTasks answer alike from any replica, also for a task whose replica is
gone. Streaming, cancel and the work itself stay with the replica running the task (the
gateway routes calls naming it by the tag of its id: task_ids.py).

In Redis, per agent and per owner (the SDK's `resolve_user_scope`: one caller never sees
another's tasks): each task under its own key, an index of when each was saved and of
what ListTasks filters and orders by, and the bytes they hold. The bounds are those of the
replica's store: at most `max_tasks` tasks and `max_bytes` of them per owner (the oldest
saved forgotten first), of each task its newest `max_history` messages, fewer to keep it
within `max_task_bytes` (a task still larger stays in its replica only); and every key
expires `ttl` seconds (TRIPMESH_A2A_TASK_TTL) after the owner's last save, each task `ttl`
after its own.

When Redis does not answer: saves keep the task in the replica's memory (the task goes on)
and share it at the replica's first store call once Redis is back; GetTask answers from
the replica's memory when it holds the task, else UNAVAILABLE (reason STATE_UNAVAILABLE,
with a retry delay); ListTasks is UNAVAILABLE, rather than a list of one replica's tasks.
"""

import asyncio
import base64
import contextlib
import hashlib
import time
from collections import OrderedDict
from collections.abc import AsyncIterator, Callable, Sequence
from typing import TYPE_CHECKING, Any, cast

from a2a.server.context import ServerCallContext
from a2a.server.owner_resolver import resolve_user_scope
from a2a.server.tasks import InMemoryTaskStore, TaskStore
from a2a.types.a2a_pb2 import ListTasksRequest, ListTasksResponse, Task
from prometheus_client import Counter

from services.a2a.task_ids import ReplicaTaskIds
from services.a2a.task_store import (
    MAX_BYTES,
    MAX_HISTORY,
    MAX_TASK_BYTES,
    MAX_TASKS,
    BoundedTaskStore,
    bounded,
)
from services.runtime.errors import Unavailable
from services.runtime.state.connection import SharedState, StateDown

if TYPE_CHECKING:
    from redis.asyncio import Redis

USER = "A2A task store"
FLUSH_BATCH = 100  # tasks shared after an outage per store call

SHARED_EVICTED = Counter(
    "tripmesh_a2a_shared_tasks_evicted_total",
    "A2A tasks forgotten in the shared state to keep an owner's tasks within their bounds.",
)
UNSHARED = Counter(
    "tripmesh_a2a_tasks_unshared_total",
    "A2A task saves kept only in the replica's memory: the shared state was down (shared "
    "once it is back) or the task too large.",
    ["reason"],
)

# KEYS[1] saved (sorted set: task id -> when saved), KEYS[2] index (hash: task id ->
# "size|skeleton"), KEYS[3] the bytes of the owner's tasks.
# ARGV[1] prefix of the task keys, ARGV[2] now, ARGV[3] ttl (s), ARGV[4] max tasks,
# ARGV[5] max bytes, ARGV[6] task id, ARGV[7] the task ("": forget it), ARGV[8] its index
# entry, ARGV[9] its size. Forgets expired tasks, saves (or forgets) the task, then the
# oldest saved past the bounds; returns how many of those it forgot.
_SAVE = """
local function forget(id)
  local entry = redis.call('HGET', KEYS[2], id)
  if entry then
    redis.call('DECRBY', KEYS[3], string.match(entry, '^(%d+)|'))
    redis.call('HDEL', KEYS[2], id)
  end
  redis.call('ZREM', KEYS[1], id)
  redis.call('DEL', ARGV[1] .. id)
end
local now, ttl = tonumber(ARGV[2]), tonumber(ARGV[3])
for _, id in ipairs(redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', now - ttl)) do
  forget(id)
end
forget(ARGV[6])
local evicted = 0
if ARGV[7] ~= '' then
  redis.call('SET', ARGV[1] .. ARGV[6], ARGV[7], 'EX', ttl)
  redis.call('ZADD', KEYS[1], now, ARGV[6])
  redis.call('HSET', KEYS[2], ARGV[6], ARGV[8])
  local bytes = redis.call('INCRBY', KEYS[3], ARGV[9])
  local count = redis.call('ZCARD', KEYS[1])
  while count > 1 and (count > tonumber(ARGV[4]) or bytes > tonumber(ARGV[5])) do
    forget(redis.call('ZRANGE', KEYS[1], 0, 0)[1])
    bytes = tonumber(redis.call('GET', KEYS[3]))
    count = count - 1
    evicted = evicted + 1
  end
end
for i = 1, 3 do
  redis.call('EXPIRE', KEYS[i], ttl)
end
return evicted
"""


class SharedTaskStore(TaskStore):
    """The tasks of one agent (`agent`: its name), shared in `state`, and kept in `local`."""

    def __init__(
        self,
        state: SharedState,
        agent: str,
        *,
        ttl: int = 86_400,
        max_tasks: int = MAX_TASKS,
        max_bytes: int = MAX_BYTES,
        max_task_bytes: int = MAX_TASK_BYTES,
        max_history: int = MAX_HISTORY,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._state = state
        self._agent = agent
        self._ttl = ttl
        self._local = BoundedTaskStore(max_tasks, max_bytes, max_history, max_task_bytes)
        self._max_tasks = max_tasks
        self._max_bytes = max_bytes
        self._max_task_bytes = max_task_bytes
        self._max_history = max_history
        self._clock = clock
        # (owner, task id) -> context: saved here while the state was down, not yet shared
        self._unshared: OrderedDict[tuple[str, str], ServerCallContext] = OrderedDict()
        self._fresh: OrderedDict[str, None] = OrderedDict()  # ids made here, not yet saved
        # a task's writes, one at a time: one sharing it after an outage must not overtake
        # a newer save (task id -> its lock, and how many hold or wait for it)
        self._writing: dict[str, tuple[asyncio.Lock, list[int]]] = {}

    def expect(self, task_id: str) -> None:
        """`task_id` was just made here: no replica holds it yet (the SDK looks a new task
        up before saving it, which must not need the shared state)."""
        self._fresh[task_id] = None
        while len(self._fresh) > self._max_tasks:
            self._fresh.popitem(last=False)

    async def save(self, task: Task, context: ServerCallContext) -> None:
        task = bounded(task, self._max_history, self._max_task_bytes)
        await self._local.save(task, context)
        self._fresh.pop(task.id, None)
        key = (resolve_user_scope(context), task.id)
        self._unshared.pop(key, None)
        try:
            async with self._one_writer(task.id):
                await self._share(task, context)
        except StateDown:
            UNSHARED.labels("state_down").inc()
            self._unshared[key] = context
            while len(self._unshared) > self._max_tasks:
                self._unshared.popitem(last=False)
            return
        await self._flush()

    async def get(self, task_id: str, context: ServerCallContext) -> Task | None:
        await self._flush()
        if task_id in self._fresh or (resolve_user_scope(context), task_id) in self._unshared:
            return await self._local.get(task_id, context)
        name = self._task_key(resolve_user_scope(context), task_id)
        try:
            raw = await self._state.run(USER, lambda c: _get(c, name))
        except StateDown:
            held = await self._local.get(task_id, context)
            if held is None:
                raise self._refusal(f"task {task_id}") from None
            return held
        if raw is None:  # expired or evicted there, or too large to share: ours if we hold it
            return await self._local.get(task_id, context)
        return _decode(raw)

    async def list(self, params: ListTasksRequest, context: ServerCallContext) -> ListTasksResponse:
        """The owner's tasks of every replica, filtered, ordered and paged by the SDK's
        in-memory store itself, run over what the index holds of each task."""
        await self._flush()
        scope = self._scope(resolve_user_scope(context))
        saved, index = self._key("saved", scope), self._key("index", scope)
        since = self._clock() - self._ttl
        try:
            live, entries = await self._state.run(USER, lambda c: _index(c, saved, index, since))
        except StateDown:
            raise self._refusal("ListTasks") from None
        skeletons = InMemoryTaskStore(use_copying=False)
        for task_id in live:
            entry = entries.get(task_id)
            if entry is not None:
                await skeletons.save(_decode(entry.partition("|")[2]), context)
        page = await skeletons.list(params, context)
        names = [self._key("task", scope, task.id) for task in page.tasks]
        try:
            blobs = await self._state.run(USER, lambda c: _get_many(c, names))
        except StateDown:
            raise self._refusal("ListTasks") from None
        answer = ListTasksResponse()
        answer.CopyFrom(page)
        del answer.tasks[:]
        answer.tasks.extend(_decode(blob) for blob in blobs if blob is not None)
        return answer

    async def delete(self, task_id: str, context: ServerCallContext) -> None:
        await self._local.delete(task_id, context)
        owner = resolve_user_scope(context)
        self._unshared.pop((owner, task_id), None)
        try:
            await self._run_save(owner, task_id, "", "", 0)
        except StateDown:
            raise self._refusal(f"deleting task {task_id}") from None

    async def _share(self, task: Task, context: ServerCallContext) -> None:
        owner = resolve_user_scope(context)
        if task.ByteSize() > self._max_task_bytes:  # too large even without its history
            UNSHARED.labels("too_large").inc()
            await self._run_save(owner, task.id, "", "", 0)  # no older copy of it either
            return
        blob = _encode(task)
        skeleton = Task(id=task.id, context_id=task.context_id)  # what ListTasks reads
        if task.HasField("status"):
            skeleton.status.CopyFrom(task.status)
            skeleton.status.ClearField("message")
        await self._run_save(owner, task.id, blob, f"{len(blob)}|{_encode(skeleton)}", len(blob))

    async def _run_save(self, owner: str, task_id: str, blob: str, entry: str, size: int) -> None:
        scope = self._scope(owner)
        keys = [self._key(part, scope) for part in ("saved", "index", "bytes")]
        args: list[Any] = [
            self._key("task", scope, ""),
            repr(self._clock()),
            self._ttl,
            self._max_tasks,
            self._max_bytes,
            task_id,
            blob,
            entry,
            size,
        ]
        evicted = await self._state.run(USER, lambda c: _eval(c, keys, args))
        SHARED_EVICTED.inc(int(evicted))

    async def _flush(self) -> None:
        """Shares what was saved here while the state was down, a batch a call, once it is
        back (a task this replica has since forgotten is skipped)."""
        for _ in range(min(FLUSH_BATCH, len(self._unshared))):
            if self._state.down:
                return
            (owner, task_id), context = next(iter(self._unshared.items()))
            try:
                async with self._one_writer(task_id):
                    task = await self._local.get(task_id, context)  # the newest, in the lock
                    if task is not None:
                        await self._share(task, context)
            except StateDown:
                return
            self._unshared.pop((owner, task_id), None)

    @contextlib.asynccontextmanager
    async def _one_writer(self, task_id: str) -> AsyncIterator[None]:
        lock, users = self._writing.setdefault(task_id, (asyncio.Lock(), [0]))
        users[0] += 1
        try:
            async with lock:
                yield
        finally:
            users[0] -= 1
            if not users[0]:
                del self._writing[task_id]

    def _refusal(self, what: str) -> Unavailable:
        return self._state.refusal(f"{what}: A2A tasks are shared")

    def _scope(self, owner: str) -> str:
        """The owner's part of the keys: a digest, so that any user name makes a key part."""
        return hashlib.sha256(owner.encode()).hexdigest()[:32]

    def _key(self, kind: str, scope: str, task_id: str | None = None) -> str:
        parts = ("a2a", self._agent, scope, kind)
        return self._state.key(*parts) if task_id is None else self._state.key(*parts, task_id)

    def _task_key(self, owner: str, task_id: str) -> str:
        return self._key("task", self._scope(owner), task_id)


def _encode(task: Task) -> str:
    return base64.b64encode(task.SerializeToString()).decode()


def _decode(blob: str) -> Task:
    return Task.FromString(base64.b64decode(blob))


async def _get(client: "Redis", name: str) -> str | None:
    return cast("str | None", await client.get(name))  # the client decodes answers


async def _get_many(client: "Redis", names: Sequence[str]) -> list[str | None]:
    if not names:
        return []
    return cast("list[str | None]", await client.mget(names))


async def _index(
    client: "Redis", saved: str, index: str, since: float
) -> tuple[list[str], dict[str, str]]:
    """The ids of the tasks saved after `since`, and the index's entries."""
    async with client.pipeline(transaction=False) as pipe:
        pipe.zrangebyscore(saved, f"({since!r}", "+inf")
        pipe.hgetall(index)
        live, entries = await pipe.execute()
    return list(live), dict(entries)


async def _eval(client: "Redis", keys: Sequence[str], args: Sequence[Any]) -> int:
    evicted = await client.eval(_SAVE, len(keys), *keys, *args)  # type: ignore[misc]
    return int(evicted)


def create_task_store(
    state: SharedState | None, agent: str, ttl: int, address: str
) -> tuple[TaskStore, ReplicaTaskIds]:
    """The task store of the agent's replica at `address` (shared by its replicas with a
    shared state, else its own) and the generator of its task ids."""
    if state is None:
        return BoundedTaskStore(), ReplicaTaskIds(address)
    store = SharedTaskStore(state, agent, ttl=ttl)
    return store, ReplicaTaskIds(address, on_new=store.expect)
