"""The few Consul HTTP calls the backend makes, over py-consul's asyncio client.

Turns py-consul's and aiohttp's exceptions into the typed errors of
`registry.errors` and logs one warning per Consul outage (not one per retry).
"""

import asyncio
import json
import logging
import warnings
from collections.abc import Awaitable, Mapping
from typing import Any, TypeVar

import aiohttp
import consul.aio
from consul.callback import CB
from consul.exceptions import (
    ACLDisabled,
    ACLPermissionDenied,
    BadRequest,
    ClientError,
    ConsulException,
    NotFound,
    Timeout,
)

from registry.base import Endpoint
from registry.consul_config import ConsulAddress, ConsulConfig, parse_address
from registry.errors import (
    ConsulRejected,
    ConsulTokenError,
    ConsulUnavailable,
    DiscoveryConfigError,
)
from tripmesh_retry import AsyncRetry, if_exception_type

logger = logging.getLogger(__name__)

T = TypeVar("T")
_TRANSIENT = (aiohttp.ClientError, OSError, asyncio.TimeoutError, Timeout)


def background_retry(config: ConsulConfig) -> AsyncRetry:
    """How the background loops (watches, registrations) retry a Consul call: for ever,
    with backoff; the longest wait each time Consul refuses what only an operator can fix
    (the token, a payload)."""

    def operator_wait(exc: Exception) -> float | None:
        return None if isinstance(exc, ConsulUnavailable) else config.backoff_max

    return AsyncRetry(
        if_exception_type(ConsulUnavailable, ConsulTokenError, ConsulRejected),
        initial=config.backoff_initial,
        maximum=config.backoff_max,
        timeout=None,
        hint=operator_wait,
    )


class ConsulApi:
    """One HTTP session to one Consul agent. Create it inside the running event loop."""

    def __init__(self, config: ConsulConfig) -> None:
        self.config = config
        self.address: ConsulAddress = parse_address(config.address)
        self._client = _make_client(self.address, config)
        self._reachable: bool | None = None

    async def close(self) -> None:
        await self._client.close()

    async def check_token(self) -> None:
        """Raises ConsulTokenError when ACLs are on and the token is unknown."""
        try:
            await self._call(
                self._client.http.get(CB.json(), "/v1/acl/token/self", headers=self._headers())
            )
        except ACLDisabled:
            return  # no ACLs: every token is fine

    async def passing(self, name: str, index: int, wait: float) -> tuple[int, list[Endpoint]]:
        """Instances of `name` whose checks all pass; blocks up to `wait` when `index` > 0."""
        params: list[tuple[str, Any]] = [("passing", "1")]
        if index > 0:
            params += [("index", str(index)), ("wait", f"{max(1, round(wait))}s")]
        call = self._client.http.get(
            CB.json(index=True),
            f"/v1/health/service/{name}",
            params=params,
            headers=self._headers(),
        )
        raw_index, entries = await self._call(call, within=wait + self.config.request_timeout)
        return int(raw_index), sorted(_endpoint(entry) for entry in entries or [])

    async def register(self, payload: Mapping[str, Any]) -> None:
        """PUT /v1/agent/service/register, replacing the checks of an earlier registration."""
        call = self._client.http.put(
            CB.boolean(),
            "/v1/agent/service/register",
            params=[("replace-existing-checks", "true")],
            data=json.dumps(payload),
            headers=self._headers(),
        )
        await self._call(call)

    async def deregister(self, service_id: str) -> None:
        path = f"/v1/agent/service/deregister/{service_id}"
        await self._call(self._client.http.put(CB.boolean(), path, headers=self._headers()))

    async def has_service(self, service_id: str) -> bool:
        """Whether the local agent still knows the instance (an agent restart forgets it)."""
        path = f"/v1/agent/service/{service_id}"
        found = await self._call(self._client.http.get(CB.json(), path, headers=self._headers()))
        return found is not None

    def _headers(self) -> dict[str, str]:
        return {"X-Consul-Token": self.config.token} if self.config.token else {}

    async def _call(self, call: Awaitable[T], within: float | None = None) -> T:
        try:
            # asyncio.timeout, not wait_for: on 3.11 wait_for can swallow a cancellation
            # that arrives as the call completes, and a watch being closed then sleeps on.
            async with asyncio.timeout(within or self.config.request_timeout):
                result = await call
        except ACLPermissionDenied as exc:
            self._mark_reachable()
            raise self._token_error(str(exc)) from None
        except ACLDisabled:
            self._mark_reachable()
            raise
        except (BadRequest, ClientError, NotFound) as exc:
            self._mark_reachable()
            raise ConsulRejected(
                f"Consul refused a request: {exc}", reason="CONSUL_REJECTED"
            ) from None
        except (*_TRANSIENT, ConsulException) as exc:
            raise self._unavailable(exc) from None
        self._mark_reachable()
        return result

    def _token_error(self, consul_message: str) -> ConsulTokenError:
        said = consul_message.strip() or "Permission denied"
        which = "CONSUL_HTTP_TOKEN" if self.config.token else "CONSUL_HTTP_TOKEN (not set)"
        return ConsulTokenError(
            f"Consul at {self.address.url} refused {which}: {said}", consul_message=said
        )

    def _unavailable(self, exc: BaseException) -> ConsulUnavailable:
        cause = str(exc).strip() or type(exc).__name__
        if self._reachable is not False:
            logger.warning(
                "Consul at %s is unreachable (%s): serving cached endpoints, retrying",
                self.address.url,
                cause,
            )
        self._reachable = False
        return ConsulUnavailable(
            f"Consul at {self.address.url}: {cause}", reason="CONSUL_UNAVAILABLE"
        )

    def _mark_reachable(self) -> None:
        if self._reachable is False:
            logger.info("Consul at %s answers again", self.address.url)
        self._reachable = True


def _make_client(address: ConsulAddress, config: ConsulConfig) -> Any:
    # Plain http needs no TLS context (loading the system CAs costs tens of milliseconds).
    verify: bool | str = (config.ca_file or True) if address.scheme == "https" else False
    try:
        with warnings.catch_warnings():
            # py-consul still passes aiohttp's deprecated TLS arguments; nothing we can change.
            warnings.filterwarnings(
                "ignore", "(ssl_context|verify_ssl) is deprecated", DeprecationWarning
            )
            client = consul.aio.Consul(
                host=address.host, port=address.port, scheme=address.scheme, verify=verify
            )
    except (OSError, ValueError) as exc:  # ssl could not load the CA file
        raise DiscoveryConfigError(
            f"CONSUL_CACERT={config.ca_file!r}: {exc}",
            reason="BAD_CONSUL_CACERT",
            field="CONSUL_CACERT",
        ) from None
    # py-consul prefers the CONSUL_HTTP_TOKEN of the environment over its argument;
    # we send our own header instead, so that settings stay the one source of truth.
    client.token = None
    return client


def _endpoint(entry: Mapping[str, Any]) -> Endpoint:
    service = entry["Service"]
    host = service.get("Address") or entry["Node"]["Address"]  # empty: the node's address
    return Endpoint(host, int(service["Port"]), service["ID"])
