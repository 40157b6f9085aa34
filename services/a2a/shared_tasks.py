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

Saves are conditional (the SDK's VersionedTaskStore): each save gives the task a new
version, and a save names the version its task was read at; when the task in Redis has
another version since (a newer save by another replica, or a cancel), the save changes
nothing and raises the SDK's ConcurrentTaskModificationError; so does any save of a task
that has ended (completed, failed, cancelled, rejected). The SDK's task manager then reads
the task anew (and ends its run, answering the ended task, when it was cancelled
elsewhere), and a cancel from another replica answers the cancelled task or
TASK_NOT_CANCELABLE. A save to CANCELED needs no version, only a task not yet ended (the
SDK's rule). A task Redis no longer holds (evicted, expired, too large) takes any save.

When Redis does not answer: saves keep the task in the replica's memory (the task goes on,
a save needing the replica's newest one of the task) and share it at the replica's first
store call once Redis is back, on the condition that Redis still holds the version the
first of them was read at: if another replica saved the task in between, the delayed saves
are dropped, with the replica's copy (counted in tripmesh_a2a_stale_task_saves_total), and
the newer one stays. GetTask answers from the replica's memory when it holds the task, else
UNAVAILABLE (reason STATE_UNAVAILABLE, with a retry delay); ListTasks is UNAVAILABLE, rather
than a list of one replica's tasks.
"""

import asyncio
import base64
import contextlib
import hashlib
import logging
import time
import uuid
from collections import OrderedDict
from collections.abc import AsyncIterator, Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, cast

from a2a.server.cluster import (
    ConcurrentTaskModificationError,
    StoredTask,
    TaskVersion,
    VersionedTaskStore,
)
from a2a.server.context import ServerCallContext
from a2a.server.events.event_queue import Event
from a2a.server.owner_resolver import resolve_user_scope
from a2a.server.tasks import InMemoryTaskStore, TaskStore
from a2a.types.a2a_pb2 import (
    TASK_STATE_CANCELED,
    TASK_STATE_COMPLETED,
    TASK_STATE_FAILED,
    TASK_STATE_REJECTED,
    ListTasksRequest,
    ListTasksResponse,
    Task,
)
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

logger = logging.getLogger(__name__)

USER = "A2A task store"
FLUSH_BATCH = 100  # tasks shared after an outage per store call
TERMINAL = frozenset(
    {TASK_STATE_COMPLETED, TASK_STATE_FAILED, TASK_STATE_CANCELED, TASK_STATE_REJECTED}
)

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
STALE = Counter(
    "tripmesh_a2a_stale_task_saves_total",
    "A2A task saves refused because another replica saved the task after the writer read "
    "it: on saving, or on sharing what was saved while the shared state was down.",
    ["when"],
)

# KEYS[1] saved (sorted set: task id -> when saved), KEYS[2] index (hash: task id ->
# "size|version|terminal|skeleton"), KEYS[3] the bytes of the owner's tasks.
# ARGV[1] prefix of the task keys, ARGV[2] now, ARGV[3] ttl (s), ARGV[4] max tasks,
# ARGV[5] max bytes, ARGV[6] task id, ARGV[7] the task ("": forget it), ARGV[8] its
# skeleton, ARGV[9] its size, ARGV[10] the condition ("any"; "version": the task is absent,
# or not terminal and of version ARGV[11] ("" for none); "live": absent or not terminal),
# ARGV[12] its new version, ARGV[13] "1" when it is terminal. Forgets expired tasks; unless
# the condition fails (then returns {0, 0}), saves (or forgets) the task, then the oldest
# saved past the bounds; returns {1, how many of those it forgot}.
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
local held = redis.call('HGET', KEYS[2], ARGV[6])
if held and ARGV[10] ~= 'any' then
  local version, terminal = string.match(held, '^%d+|([^|]*)|(%d)|')
  if terminal == '1' or (ARGV[10] == 'version' and version ~= ARGV[11]) then
    return {0, 0}
  end
end
forget(ARGV[6])
local evicted = 0
if ARGV[7] ~= '' then
  redis.call('SET', ARGV[1] .. ARGV[6], ARGV[7], 'EX', ttl)
  redis.call('ZADD', KEYS[1], now, ARGV[6])
  local entry = table.concat({ARGV[9], ARGV[12], ARGV[13], ARGV[8]}, '|')
  redis.call('HSET', KEYS[2], ARGV[6], entry)
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
return {1, evicted}
"""


class SharedVersion(TaskVersion):
    """A version of a shared task: its saves' count, zero-padded (so that versions order as
    the SDK's `is_after` compares them), and a nonce, unique to the save that made it."""

    __slots__ = ()

    @classmethod
    def after(cls, version: TaskVersion) -> "SharedVersion":
        count = int(version.token.partition(".")[0]) if isinstance(version, cls) else 0
        return cls(f"{count + 1:010d}.{uuid.uuid4().hex[:8]}")

    @property
    def token(self) -> str:
        return str(self._value)


def _token(version: TaskVersion) -> str:
    """What Redis holds of `version` ("" for none)."""
    return version.token if isinstance(version, SharedVersion) else ""


@dataclass
class _Unshared:
    """Saves of a task kept here while the state was down: the context to share them with,
    and the version the first was read at, which Redis must still hold to take them."""

    context: ServerCallContext
    base: str


class SharedTaskStore(VersionedTaskStore):
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
        # (owner, task id) -> the version of the replica's own copy of the task
        self._versions: OrderedDict[tuple[str, str], SharedVersion] = OrderedDict()
        # (owner, task id) -> saved here while the state was down, not yet shared
        self._unshared: OrderedDict[tuple[str, str], _Unshared] = OrderedDict()
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

    async def save(
        self,
        task: Task,
        *,
        event: Event | None = None,
        prev: Task | None = None,
        prev_version: TaskVersion,
        context: ServerCallContext,
    ) -> TaskVersion:
        """Saves `task`, read at `prev_version`; raises ConcurrentTaskModificationError,
        changing nothing, when the task has been saved since by another (see the module)."""
        del event, prev  # the whole task is saved
        task = bounded(task, self._max_history, self._max_task_bytes)
        self._fresh.pop(task.id, None)
        key = (resolve_user_scope(context), task.id)
        cancel = task.status.state == TASK_STATE_CANCELED
        version = SharedVersion.after(prev_version)
        async with self._one_writer(task.id):
            pending = self._unshared.get(key)
            if pending is not None and not await self._follows(key, prev_version, cancel):
                STALE.labels("save").inc()
                raise ConcurrentTaskModificationError(task.id)
            base = pending.base if pending is not None else _token(prev_version)
            try:
                shared = await self._share(task, key[0], base, version, cancel)
            except StateDown:
                UNSHARED.labels("state_down").inc()
                self._unshared.setdefault(key, _Unshared(context, base))
                while len(self._unshared) > self._max_tasks:
                    self._unshared.popitem(last=False)
                await self._keep(key, task, version, context)
                return version
            if not shared:
                await self._stale(key, context, "save")
                raise ConcurrentTaskModificationError(task.id)
            self._unshared.pop(key, None)
            await self._keep(key, task, version, context)
        await self._flush()
        return version

    async def get(self, task_id: str, context: ServerCallContext) -> StoredTask | None:
        await self._flush()
        key = (resolve_user_scope(context), task_id)
        if task_id in self._fresh or key in self._unshared:
            return await self._held(key, context)
        scope = self._scope(key[0])
        name, index = self._key("task", scope, task_id), self._key("index", scope)
        try:
            raw, entry = await self._state.run(USER, lambda c: _get(c, name, index, task_id))
        except StateDown:
            held = await self._held(key, context)
            if held is None:
                raise self._refusal(f"task {task_id}") from None
            return held
        if raw is None:  # expired or evicted there, or too large to share: ours if we hold it
            return await self._held(key, context)
        version = _entry(entry)[1] if entry is not None else ""
        return StoredTask(_decode(raw), SharedVersion(version) if version else TaskVersion.MISSING)

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
                await skeletons.save(_decode(_entry(entry)[3]), context)
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
        self._versions.pop((owner, task_id), None)
        try:
            await self._run_save(owner, task_id, "", "", 0, ("any", "", "", "0"))
        except StateDown:
            raise self._refusal(f"deleting task {task_id}") from None

    async def _follows(self, key: tuple[str, str], prev_version: TaskVersion, cancel: bool) -> bool:
        """Whether a save read at `prev_version` follows the replica's own copy of the task,
        saved here but not yet shared (a cancel: whether that copy is not terminal)."""
        if not cancel:
            return prev_version == self._versions.get(key)
        held = await self._local.get(key[1], self._unshared[key].context)
        return held is None or held.status.state not in TERMINAL

    async def _share(
        self, task: Task, owner: str, base: str, version: SharedVersion, cancel: bool
    ) -> bool:
        """Saves `task` in Redis as `version` if Redis holds it at `base` and not ended (a
        cancel: if not ended), or not at all; False, saving nothing, when it does not."""
        condition = ("live" if cancel else "version", base, version.token)
        terminal = "1" if task.status.state in TERMINAL else "0"
        if task.ByteSize() > self._max_task_bytes:  # too large even without its history
            UNSHARED.labels("too_large").inc()
            # no older copy of it either
            return await self._run_save(owner, task.id, "", "", 0, (*condition, terminal))
        blob = _encode(task)
        skeleton = Task(id=task.id, context_id=task.context_id)  # what ListTasks reads
        if task.HasField("status"):
            skeleton.status.CopyFrom(task.status)
            skeleton.status.ClearField("message")
        return await self._run_save(
            owner, task.id, blob, _encode(skeleton), len(blob), (*condition, terminal)
        )

    async def _run_save(
        self,
        owner: str,
        task_id: str,
        blob: str,
        skeleton: str,
        size: int,
        condition: tuple[str, str, str, str],
    ) -> bool:
        """`condition`: its kind ("any", "version", "live"), the version Redis must hold,
        the task's new version and whether it is terminal ("1" or "0")."""
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
            skeleton,
            size,
            *condition,
        ]
        saved, evicted = await self._state.run(USER, lambda c: _eval(c, keys, args))
        SHARED_EVICTED.inc(evicted)
        return saved

    async def _keep(
        self, key: tuple[str, str], task: Task, version: SharedVersion, context: ServerCallContext
    ) -> None:
        """The replica's own copy of the task, at `version`."""
        await self._local.save(task, context)
        self._versions[key] = version
        self._versions.move_to_end(key)
        while len(self._versions) > self._max_tasks:
            self._versions.popitem(last=False)

    async def _held(self, key: tuple[str, str], context: ServerCallContext) -> StoredTask | None:
        task = await self._local.get(key[1], context)
        if task is None:
            return None
        return StoredTask(task, self._versions.get(key, TaskVersion.MISSING))

    async def _stale(self, key: tuple[str, str], context: ServerCallContext, when: str) -> None:
        """Another replica saved the task since this one read it: this one's copy is dropped
        (GetTask answers the newer one from Redis)."""
        STALE.labels(when).inc()
        logger.warning(
            "A2A task %s was saved by another replica since this one read it: its save here "
            "is dropped",
            key[1],
        )
        self._unshared.pop(key, None)
        self._versions.pop(key, None)
        await self._local.delete(key[1], context)

    async def _flush(self) -> None:
        """Shares what was saved here while the state was down, a batch a call, once it is
        back, if Redis still holds the task as the first of those saves read it (a task this
        replica has since forgotten is skipped)."""
        for _ in range(min(FLUSH_BATCH, len(self._unshared))):
            if self._state.down:
                return
            key = next(iter(self._unshared))
            try:
                async with self._one_writer(key[1]):
                    # in the lock: a save may have shared it meanwhile, or saved it anew
                    pending = self._unshared.get(key)
                    if pending is None:
                        continue
                    task = await self._local.get(key[1], pending.context)
                    version = self._versions.get(key)
                    if task is None or version is None:
                        self._unshared.pop(key, None)
                        continue
                    cancel = task.status.state == TASK_STATE_CANCELED
                    if await self._share(task, key[0], pending.base, version, cancel):
                        self._unshared.pop(key, None)
                    else:
                        await self._stale(key, pending.context, "after_outage")
            except StateDown:
                return

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


def _encode(task: Task) -> str:
    return base64.b64encode(task.SerializeToString()).decode()


def _decode(blob: str) -> Task:
    return Task.FromString(base64.b64decode(blob))


def _entry(entry: str) -> list[str]:
    """An index entry's size, version, whether terminal ("1") and skeleton."""
    return entry.split("|", 3)


async def _get(
    client: "Redis", name: str, index: str, task_id: str
) -> tuple[str | None, str | None]:
    """The task, and its index entry (the client decodes answers)."""
    async with client.pipeline(transaction=False) as pipe:
        pipe.get(name)
        pipe.hget(index, task_id)
        raw, entry = await pipe.execute()
    return cast("str | None", raw), cast("str | None", entry)


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


async def _eval(client: "Redis", keys: Sequence[str], args: Sequence[Any]) -> tuple[bool, int]:
    """Whether the save's condition held, and how many tasks it evicted."""
    saved, evicted = await client.eval(_SAVE, len(keys), *keys, *args)  # type: ignore[misc]
    return bool(int(saved)), int(evicted)


def create_task_store(
    state: SharedState | None, agent: str, ttl: int, address: str
) -> tuple[TaskStore | VersionedTaskStore, ReplicaTaskIds]:
    """The task store of the agent's replica at `address` (shared by its replicas with a
    shared state, else its own) and the generator of its task ids."""
    if state is None:
        return BoundedTaskStore(), ReplicaTaskIds(address)
    store = SharedTaskStore(state, agent, ttl=ttl)
    return store, ReplicaTaskIds(address, on_new=store.expect)
