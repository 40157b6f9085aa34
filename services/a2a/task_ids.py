"""Task ids that name the agent replica holding the task.

A task lives in the process that runs it (serving.py), so GetTask, CancelTask,
SubscribeToTask and a reply to input-required must reach that replica, whichever
replica a load balancer would pick. Each replica's task ids end with a tag of the gRPC
address it announces to discovery (`<uuid>.<tag>`); the gateway matches the tag of a
request's task against the addresses discovery gives it and sends the call to that
replica (gateway.upstream). A tag no replica has (it is gone) leaves the choice to the
balancer: the task is then not found, as it is.
"""

import hashlib
import uuid
from collections.abc import Callable, Sequence

from a2a.server.id_generator import IDGenerator, IDGeneratorContext
from a2a.types import a2a_pb2
from google.protobuf.message import Message

SEPARATOR = "."
TAG_LENGTH = 12
_HEX = frozenset("0123456789abcdef")
_TARGET_PREFIXES = ("dns:///", "ipv4:", "ipv6:")  # services.runtime.channels.endpoint_target


def replica_tag(address: str) -> str:
    """The tag of a replica at `address` ("10.0.0.5:50051", or a gRPC target of it)."""
    for prefix in _TARGET_PREFIXES:
        if address.startswith(prefix):
            address = address.removeprefix(prefix)
            break
    return hashlib.sha256(address.encode()).hexdigest()[:TAG_LENGTH]


def new_task_id(address: str) -> str:
    """A fresh task id of the replica at `address`."""
    return f"{uuid.uuid4()}{SEPARATOR}{replica_tag(address)}"


class ReplicaTaskIds(IDGenerator):
    """The SDK's generator of task ids, for the replica at `address`; `on_new` hears of
    each id made (the shared task store: a task no other replica can know yet)."""

    def __init__(self, address: str, on_new: Callable[[str], None] | None = None) -> None:
        self._address = address
        self._on_new = on_new

    def generate(self, context: IDGeneratorContext) -> str:
        task_id = new_task_id(self._address)
        if self._on_new is not None:
            self._on_new(task_id)
        return task_id


def tag_of_task(task_id: str) -> str:
    """The replica tag a task id ends with; "" for an id without one."""
    _, separator, tag = task_id.rpartition(SEPARATOR)
    if separator and len(tag) == TAG_LENGTH and set(tag) <= _HEX:
        return tag
    return ""


def task_id_of(request: Message) -> str:
    """The task an A2AService request names ("" for none): `message.task_id` of
    SendMessage, `task_id` of the push-config requests, `id` of GetTask, CancelTask and
    SubscribeToTask."""
    if isinstance(request, a2a_pb2.SendMessageRequest):
        return str(request.message.task_id)
    fields = request.DESCRIPTOR.fields_by_name
    for name in ("task_id", "id"):
        if name in fields:
            return str(getattr(request, name))
    return ""


def replica_holding(request: Message, addresses: Sequence[str]) -> str:
    """Of the replicas' `addresses`, that of the replica holding the task `request` names;
    "" when it names none, or a replica no longer among them."""
    tag = tag_of_task(task_id_of(request))
    if not tag:
        return ""
    return next((address for address in addresses if replica_tag(address) == tag), "")
