"""The two ways `tripmesh plan` reaches the orchestrator's StreamPlanTrip.

Through the gateway (`POST /v1/trips:stream`, newline-delimited JSON), or
directly over gRPC. Both yield StreamPlanTripResponse messages and raise
ServerError (a status from the server) or Unreachable (no answer at all).
"""

import json
import ssl
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import grpc
import httpx
from google.protobuf import json_format
from google.rpc import code_pb2
from grpc_status import rpc_status
from tripmesh.v1.orchestrator_service_pb2 import StreamPlanTripResponse
from tripmesh.v1.orchestrator_service_pb2_grpc import OrchestratorServiceStub
from tripmesh.v1.trip_pb2 import PlanTripRequest

from services.runtime import tls
from services.runtime.errors import error_info

ERROR_INFO_TYPE = "type.googleapis.com/google.rpc.ErrorInfo"
ORCHESTRATOR = "tripmesh-orchestrator"  # the name its certificate carries
HINT = (
    "Is the mesh running (`tripmesh up` or `make run`)? Beside another one, pass the same"
    " --port-offset; elsewhere, --gateway URL (or --grpc HOST:PORT)."
)


@dataclass
class ServerError(Exception):
    """The server answered with a status other than OK."""

    code: str
    message: str
    reason: str = ""


class Unreachable(Exception):
    """Nothing answered at the address."""


def via_grpc(
    address: str, request: PlanTripRequest, timeout: float, files: tls.TlsFiles | None = None
) -> Iterator[StreamPlanTripResponse]:
    """StreamPlanTrip on the orchestrator at host:port (over mTLS with `files`)."""
    with tls.sync_channel(address, files, service=ORCHESTRATOR) as channel:
        call = OrchestratorServiceStub(channel).StreamPlanTrip(request, timeout=timeout)
        try:
            yield from call
        except grpc.RpcError as exc:
            raise _grpc_error(exc, address) from None
        finally:
            call.cancel()  # a no-op once done; stops the work when the user interrupts


def _grpc_error(exc: grpc.RpcError, address: str) -> Exception:
    code: grpc.StatusCode = exc.code()  # type: ignore[attr-defined]
    message: str = exc.details() or code.name  # type: ignore[attr-defined]
    status = rpc_status.from_call(exc)  # type: ignore[arg-type]
    info = error_info(status) if status is not None else None
    if code == grpc.StatusCode.UNAVAILABLE and info is None:
        return Unreachable(f"cannot reach the orchestrator at {address}: {message}. {HINT}")
    return ServerError(code.name, message, info.reason if info else "")


def via_gateway(
    url: str,
    request: PlanTripRequest,
    timeout: float,
    api_key: str = "",
    files: tls.TlsFiles | None = None,
) -> Iterator[StreamPlanTripResponse]:
    """POST {url}/v1/trips:stream, reading one JSON object per line (an https URL is checked
    against the mesh's CA when `files` is given, else against the system's)."""
    headers = {
        "Accept": "application/x-ndjson",
        "Content-Type": "application/json",
        "Grpc-Timeout": f"{max(1, int(timeout * 1000))}m",
    }
    if api_key:
        headers["X-API-Key"] = api_key
    body = json_format.MessageToJson(request)
    try:
        with (
            httpx.Client(timeout=httpx.Timeout(timeout + 5), verify=_verify(files)) as client,
            client.stream(
                "POST", f"{url.rstrip('/')}/v1/trips:stream", content=body, headers=headers
            ) as response,
        ):
            if response.status_code >= 400:
                response.read()
                raise _status_error(_json(response.text), response.status_code)
            for line in response.iter_lines():
                if line.strip():
                    yield _event(_json(line))
    except httpx.TransportError as exc:
        raise Unreachable(f"cannot reach the gateway at {url}: {exc}. {HINT}") from None


def _verify(files: tls.TlsFiles | None) -> ssl.SSLContext | bool:
    """How an https gateway is checked: against the mesh's CA with `files`, else the system's."""
    return tls.client_ssl_context(files) if files else True


def gateway_call(
    method: str,
    url: str,
    path: str,
    timeout: float,
    api_key: str = "",
    files: tls.TlsFiles | None = None,
) -> Any:
    """One plain call to the gateway (GET /v1/trips, DELETE /v1/trips/x); its JSON answer."""
    headers = {"Grpc-Timeout": f"{max(1, int(timeout * 1000))}m"}
    if api_key:
        headers["X-API-Key"] = api_key
    try:
        response = httpx.request(
            method,
            f"{url.rstrip('/')}{path}",
            headers=headers,
            timeout=timeout + 5,
            verify=_verify(files),
        )
    except httpx.TransportError as exc:
        raise Unreachable(f"cannot reach the gateway at {url}: {exc}. {HINT}") from None
    if response.status_code >= 400:
        raise _status_error(_json(response.text), response.status_code)
    return _json(response.text)


def _json(text: str) -> Any:
    try:
        return json.loads(text)
    except ValueError:
        return {"message": text.strip()[:200]}


def _event(item: Any) -> StreamPlanTripResponse:
    """One NDJSON line: the event itself, `{"result": event}`, or `{"error": status}`."""
    if isinstance(item, dict) and "error" in item:
        raise _status_error(item["error"], 500)
    if isinstance(item, dict) and "result" in item:
        item = item["result"]
    if isinstance(item, dict) and "code" in item and "stage" not in item:
        raise _status_error(item, 500)
    return json_format.ParseDict(item, StreamPlanTripResponse(), ignore_unknown_fields=True)


def _status_error(status: Any, http_status: int) -> ServerError:
    """A google.rpc.Status as JSON (the gateway's error body) as a ServerError."""
    if not isinstance(status, dict):
        return ServerError(f"HTTP {http_status}", str(status))
    code = status.get("code", "")
    if isinstance(code, int):
        code = code_pb2.Code.Name(code) if code in code_pb2.Code.values() else str(code)
    reason = next(
        (
            str(d.get("reason", ""))
            for d in status.get("details") or []
            if isinstance(d, dict) and d.get("@type") == ERROR_INFO_TYPE
        ),
        "",
    )
    message = str(status.get("message") or f"HTTP {http_status}")
    return ServerError(str(code or f"HTTP {http_status}"), message, reason)
