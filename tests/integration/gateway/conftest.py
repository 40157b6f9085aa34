"""Fixtures of the gateway's integration tests: a probe upstream and the gateway before it."""

from collections.abc import AsyncIterator

import httpx
import pytest

from tests.integration.gateway.support import Probe, endpoints, running_gateway, running_probe


@pytest.fixture
async def probe() -> AsyncIterator[tuple[Probe, int]]:
    async with running_probe() as found:
        yield found


@pytest.fixture
async def gateway(probe: tuple[Probe, int]) -> AsyncIterator[httpx.AsyncClient]:
    """The gateway routing OrchestratorService to the probe; every other service is down."""
    async with running_gateway(endpoints=endpoints(orchestrator=probe[1])) as client:
        yield client
