"""Whose A2A task: the API key the gateway named for the call (services.runtime.caller).

The task stores scope every task by its owner (the SDK's `resolve_user_scope`), so that with
keys on, one key's tasks are never listed, read or cancelled under another key. Without keys
every caller is the same anonymous owner, as the SDK has it. The key's name comes from the
gateway's own metadata (it never passes on a client's header of that name); with mTLS on,
only the gateway and operators may call A2AService at all.

Imported on the first A2A call (services.a2a.serving), with the a2a-sdk's server side.
"""

import grpc
from a2a.auth.user import UnauthenticatedUser, User
from a2a.server.request_handlers.grpc_handler import DefaultGrpcServerCallContextBuilder

from services.runtime.caller import caller_var


class KeyHolder(User):
    """The holder of one API key, named by the key's name (never its secret)."""

    def __init__(self, key: str) -> None:
        self._key = key

    @property
    def is_authenticated(self) -> bool:
        return True

    @property
    def user_name(self) -> str:
        return f"key:{self._key}"


class KeyContextBuilder(DefaultGrpcServerCallContextBuilder):
    """The SDK's call context, with the caller's key as its user."""

    def build_user(self, context: grpc.aio.ServicerContext) -> User:  # type: ignore[type-arg]
        caller = caller_var.get()
        return KeyHolder(caller.key) if caller is not None else UnauthenticatedUser()
