"""Fixtures of the monitor's shared-state tests: two replicas' connections to the test's
own Redis prefix (`space`, tests/unit/conftest.py), on an injectable clock."""

from collections.abc import AsyncIterator

import pytest

from services.runtime.state.connection import SharedState, connect
from tests.support.redis_state import StateSpace


class Monotonic:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def monotonic() -> Monotonic:
    return Monotonic()


@pytest.fixture
async def states(space: StateSpace, monotonic: Monotonic) -> AsyncIterator[list[SharedState]]:
    made = [
        SharedState(connect(space.url, 1.0), prefix=space.prefix, rest=60, clock=monotonic)
        for _ in range(2)
    ]
    yield made
    for state in made:
        await state.aclose()
