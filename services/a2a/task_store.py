"""A2A tasks in this process, bounded.

The SDK's in-memory store keeps every task, with every message sent to it, for as long as
the process lives: anyone who can reach the port could grow it without end. This one
keeps at most `max_tasks` tasks and `max_bytes` of them (the oldest saved are forgotten
first: GetTask then answers not found), and of each task its newest `max_history`
messages, fewer where that keeps the task within `max_task_bytes`.

With TRIPMESH_STATE_URL set, tasks are shared by the replicas (shared_tasks.py) and this
store is the replica's own copy of what it saved.
"""

from collections import OrderedDict

from a2a.server.context import ServerCallContext
from a2a.server.owner_resolver import resolve_user_scope
from a2a.server.tasks import InMemoryTaskStore
from a2a.types.a2a_pb2 import Task
from prometheus_client import Counter

EVICTED = Counter(
    "tripmesh_a2a_tasks_evicted_total",
    "A2A tasks forgotten to keep the in-process task store within its bounds.",
)

MAX_TASKS = 10_000
MAX_BYTES = 64 << 20
MAX_TASK_BYTES = 1 << 20
MAX_HISTORY = 20


def bounded(task: Task, max_history: int = MAX_HISTORY, max_bytes: int = MAX_TASK_BYTES) -> Task:
    """`task`, or a copy of it keeping its newest `max_history` messages, and fewer where
    that keeps it within `max_bytes` (a task larger without any history stays larger)."""
    excess = len(task.history) - max_history
    if excess <= 0 and task.ByteSize() <= max_bytes:
        return task
    trimmed = Task()
    trimmed.CopyFrom(task)
    if excess > 0:
        del trimmed.history[:excess]
    while trimmed.history and trimmed.ByteSize() > max_bytes:
        del trimmed.history[0]
    return trimmed


class BoundedTaskStore(InMemoryTaskStore):
    def __init__(
        self,
        max_tasks: int = MAX_TASKS,
        max_bytes: int = MAX_BYTES,
        max_history: int = MAX_HISTORY,
        max_task_bytes: int = MAX_TASK_BYTES,
    ) -> None:
        super().__init__(owner_resolver=resolve_user_scope)
        self._max_tasks = max_tasks
        self._max_bytes = max_bytes
        self._max_history = max_history
        self._max_task_bytes = max_task_bytes
        # (owner, task id) -> (size, the context to delete it with), oldest saved first
        self._saved: OrderedDict[tuple[str, str], tuple[int, ServerCallContext]] = OrderedDict()
        self._bytes = 0

    async def save(self, task: Task, context: ServerCallContext) -> None:
        task = bounded(task, self._max_history, self._max_task_bytes)
        await super().save(task, context)
        key = (resolve_user_scope(context), task.id)
        size = task.ByteSize()
        previous = self._saved.pop(key, None)
        self._bytes += size - (previous[0] if previous else 0)
        self._saved[key] = (size, context)
        while len(self._saved) > 1 and (
            len(self._saved) > self._max_tasks or self._bytes > self._max_bytes
        ):
            (_owner, task_id), (old_size, old_context) = self._saved.popitem(last=False)
            self._bytes -= old_size
            await super().delete(task_id, old_context)
            EVICTED.inc()

    async def delete(self, task_id: str, context: ServerCallContext) -> None:
        removed = self._saved.pop((resolve_user_scope(context), task_id), None)
        if removed is not None:
            self._bytes -= removed[0]
        await super().delete(task_id, context)
