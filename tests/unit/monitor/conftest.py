"""Fixtures of the monitor's shared-state tests: a Redis prefix of the test's own and two
replicas' connections to it, on an injectable clock."""

from collections.abc import AsyncIterator, Iterator

import pytest

from services.runtime.state.connection import SharedState, connect
from tests.support.redis_state import StateSpace, shared_state_space


@pytest.fixture
def space() -> Iterator[StateSpace]:
    with shared_state_space() as space:
        yield space


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
