"""Every server concern of a service in one interceptor.

Steps, outermost first: overload control (admission.py), tracing (OpenTelemetry's
interceptor), metrics, execution reports (reporting.py), the request context (request id,
method, deadline, caller; the access line), the fault delay of tests, errors (typed errors
become their status, anything else INTERNAL), the caller check with mTLS on
(authorization.py), and the door (door.py: decoding and bounds).

A method's handler is wrapped once, on its first call, and kept: what the steps do
depends on the method alone. Each call then runs one coroutine for the steps from metrics
to the door (tracing's around it, overload control's around that), instead of a handler
rebuilt by each of eight interceptors and an async context manager per step.
"""

import asyncio
import inspect
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import grpc
from prometheus_client import Counter, Histogram

from services.runtime import admission as overload
from services.runtime import authorization, deadlines
from services.runtime.bounds import Table
from services.runtime.bounds_table import BOUNDS
from services.runtime.caller import caller_of, caller_var
from services.runtime.door import admit, guarded
from services.runtime.interceptors import (
    REQUEST_ID_HEADER,
    ErrorStatuses,
    abort_with,
    access_level,
    final_code,
    log_access,
)
from services.runtime.logs import correlation_id, correlation_id_var, method_var
from services.runtime.metrics import (
    SERVER_HANDLED,
    SERVER_HANDLING_SECONDS,
    SERVER_STARTED,
    split_method,
)
from services.runtime.overload import Admission
from services.runtime.reporting import ExecutionReporter, reported, rpc_execution

if TYPE_CHECKING:
    from services.runtime.interceptors import Handler

Continuation = Callable[[grpc.HandlerCallDetails], Awaitable["Handler | None"]]
Behavior = Callable[..., Any]
MAX_KEPT = 1024  # wrapped handlers kept (methods): a server has a few dozen


@dataclass(frozen=True)
class FaultDelay:
    """Test setting TRIPMESH_FAULT_DELAY_MS: every tripmesh RPC (or those whose full method
    starts with one of TRIPMESH_FAULT_DELAY_METHODS) takes that much longer."""

    seconds: float
    prefixes: tuple[str, ...] = ("/tripmesh.",)


@dataclass(frozen=True)
class _Method:
    """What the steps need of one method, worked out once."""

    name: str
    rpc_type: str  # "unary" or "server_stream"
    service: str
    short_name: str
    started: Counter  # its children of the metrics (labels looked up once)
    handling: Histogram
    reported: bool
    access_level: int
    delay: float
    check: authorization.Check | None
    table: Table
    by_code: dict[grpc.StatusCode, Counter] = field(default_factory=dict)  # handled's children

    def handled(self, code: grpc.StatusCode) -> Counter:
        found = self.by_code.get(code)
        if found is None:
            found = self.by_code[code] = SERVER_HANDLED.labels(
                self.rpc_type, self.service, self.short_name, code.name
            )
        return found


class _Scope:
    """One call between the metrics step and the door: what it set, to undo and report."""

    __slots__ = (
        "caller",
        "cancelled",
        "correlation",
        "deadline",
        "failed",
        "method",
        "start",
        "wall",
    )

    def __init__(self, spec: _Method, context: grpc.aio.ServicerContext[Any, Any]) -> None:
        spec.started.inc()
        self.start = time.perf_counter()
        self.wall = time.time() if spec.reported else 0.0
        metadata = dict(context.invocation_metadata() or ())
        given = metadata.get(REQUEST_ID_HEADER)
        self.correlation = correlation_id_var.set(
            correlation_id(given if isinstance(given, str) else None)
        )
        self.method = method_var.set(spec.name)
        self.deadline = deadlines.set_deadline(context.time_remaining())
        self.caller = caller_var.set(caller_of(metadata))
        self.failed = self.cancelled = False

    def end(
        self,
        spec: _Method,
        context: grpc.aio.ServicerContext[Any, Any],
        reporter: ExecutionReporter | None,
    ) -> None:
        code = final_code(context, self.failed, self.cancelled)
        seconds = time.perf_counter() - self.start
        try:
            log_access(spec.access_level, code, seconds)
        finally:
            caller_var.reset(self.caller)
            deadlines.reset_deadline(self.deadline)
            method_var.reset(self.method)
            correlation_id_var.reset(self.correlation)
        if reporter is not None and spec.reported:
            reporter.record(
                rpc_execution(reporter.service, spec.name, self.wall, seconds, code.name)
            )
        spec.handled(code).inc()
        spec.handling.observe(seconds)


class ServerPipeline(grpc.aio.ServerInterceptor):
    """The one interceptor of every tripmesh server (see the module's docstring)."""

    def __init__(
        self,
        domain: str,
        *,
        tracing: grpc.aio.ServerInterceptor | None = None,
        admission: Admission | None = None,
        reporter: ExecutionReporter | None = None,
        fault_delay: FaultDelay | None = None,
        authorize: bool = False,
        table: Table = BOUNDS,
    ) -> None:
        self._domain = domain
        self._tracing = tracing
        self._admission = admission
        self._reporter = reporter if reporter is not None and reporter.enabled else None
        self._fault_delay = fault_delay
        self._authorize = authorize
        self._table = table
        self._errors = ErrorStatuses(domain)
        self._kept: dict[str, tuple[Handler, Handler]] = {}

    async def intercept_service(
        self, continuation: Continuation, handler_call_details: grpc.HandlerCallDetails
    ) -> "Handler | None":
        handler = await continuation(handler_call_details)
        if handler is None:
            return None
        method = handler_call_details.method
        kept = self._kept.get(method)
        if kept is not None and kept[0] is handler:
            return kept[1]
        wrapped = await self._wrap(handler, handler_call_details)
        if len(self._kept) < MAX_KEPT:
            self._kept[method] = (handler, wrapped)
        return wrapped

    async def _wrap(self, handler: "Handler", details: grpc.HandlerCallDetails) -> "Handler":
        method = details.method
        check = authorization.caller_check(method, self._domain) if self._authorize else None
        if handler.request_streaming:  # client and bidi streaming: none of ours
            return authorization.guarded(handler, check) if check is not None else handler
        behavior: Any
        factory: Any
        if handler.unary_unary is not None:
            behavior, rpc_type, stream = handler.unary_unary, "unary", False
            factory = grpc.unary_unary_rpc_method_handler
        else:
            behavior, rpc_type = handler.unary_stream, "server_stream"
            stream = inspect.isasyncgenfunction(behavior)
            factory = grpc.unary_stream_rpc_method_handler
        spec = self._method(method, rpc_type, check)
        decode = guarded(handler.request_deserializer)
        serialize = handler.response_serializer
        inner = self._stream(spec, behavior) if stream else self._unary(spec, behavior)
        wrapped: Any = factory(inner, request_deserializer=decode, response_serializer=serialize)
        if self._tracing is not None:
            untraced = wrapped

            async def this(_: grpc.HandlerCallDetails) -> "Handler":
                return untraced  # type: ignore[no-any-return]

            wrapped = await self._tracing.intercept_service(this, details)
        if self._admission is not None and overload.limited(method):
            traced = wrapped.unary_stream if rpc_type == "server_stream" else wrapped.unary_unary
            limited = self._limited_stream if stream else self._limited_unary
            wrapped = factory(
                limited(method, traced, learn=rpc_type == "unary"),
                request_deserializer=decode,
                response_serializer=serialize,
            )
        return wrapped  # type: ignore[no-any-return]

    def _method(self, name: str, rpc_type: str, check: authorization.Check | None) -> _Method:
        service, short_name = split_method(name)
        delay = self._fault_delay
        return _Method(
            name=name,
            rpc_type=rpc_type,
            service=service,
            short_name=short_name,
            started=SERVER_STARTED.labels(rpc_type, service, short_name),
            handling=SERVER_HANDLING_SECONDS.labels(rpc_type, service, short_name),
            reported=self._reporter is not None and reported(name),
            access_level=access_level(name),
            delay=delay.seconds if delay is not None and name.startswith(delay.prefixes) else 0.0,
            check=check,
            table=self._table,
        )

    # --- from metrics to the door ---------------------------------------------------------

    async def _enter(self, spec: _Method, request: Any, context: Any) -> None:
        """The steps before the handler, inside the error step: delay, caller, door."""
        if spec.check is not None:
            await spec.check(context)
        admit(request, spec.table)

    async def _fail(self, spec: _Method, exc: Exception, context: Any) -> None:
        """The error step: ends the call with the status `exc` stands for."""
        if isinstance(exc, grpc.aio.AbortError):
            raise exc
        await abort_with(context, self._errors.of(exc, spec.name))

    def _unary(self, spec: _Method, behavior: Behavior) -> Behavior:
        reporter = self._reporter

        async def call(request: Any, context: grpc.aio.ServicerContext[Any, Any]) -> Any:
            scope = _Scope(spec, context)
            try:
                if spec.delay:
                    await asyncio.sleep(spec.delay)
                try:
                    await self._enter(spec, request, context)
                    return await behavior(request, context)
                except Exception as exc:
                    await self._fail(spec, exc, context)
                    raise  # _fail has raised already; this keeps the type checker informed
            except asyncio.CancelledError:
                scope.failed = scope.cancelled = True
                raise
            except BaseException:
                scope.failed = True
                raise
            finally:
                scope.end(spec, context, reporter)

        return call

    def _stream(self, spec: _Method, behavior: Behavior) -> Behavior:
        reporter = self._reporter

        async def stream(
            request: Any, context: grpc.aio.ServicerContext[Any, Any]
        ) -> AsyncIterator[Any]:
            scope = _Scope(spec, context)
            try:
                if spec.delay:
                    await asyncio.sleep(spec.delay)
                try:
                    await self._enter(spec, request, context)
                    async for response in behavior(request, context):
                        yield response
                except Exception as exc:
                    await self._fail(spec, exc, context)
                    raise
            except asyncio.CancelledError:
                scope.failed = scope.cancelled = True
                raise
            except BaseException:
                scope.failed = True
                raise
            finally:
                scope.end(spec, context, reporter)

        return stream

    # --- overload control, outermost -------------------------------------------------------

    def _limited_unary(self, method: str, behavior: Behavior, *, learn: bool) -> Behavior:
        admission, domain = self._admission, self._domain
        assert admission is not None

        async def call(request: Any, context: grpc.aio.ServicerContext[Any, Any]) -> Any:
            started = await overload.enter(admission, method, context, domain)
            completed = False
            try:
                result = await behavior(request, context)
                completed = True
                return result
            finally:
                admission.leave(method, started, completed and learn)

        return call

    def _limited_stream(self, method: str, behavior: Behavior, *, learn: bool) -> Behavior:
        admission, domain = self._admission, self._domain
        assert admission is not None

        async def stream(
            request: Any, context: grpc.aio.ServicerContext[Any, Any]
        ) -> AsyncIterator[Any]:
            started = await overload.enter(admission, method, context, domain)
            completed = False
            try:
                async for response in behavior(request, context):
                    yield response
                completed = True
            finally:
                admission.leave(method, started, completed and learn)

        return stream
