"""Fixtures of the replica tests: a state space of the test's own on the machine's Redis."""

from collections.abc import Iterator

import pytest

from tests.support.redis_state import StateSpace, shared_state_space


@pytest.fixture
def state() -> Iterator[StateSpace]:
    with shared_state_space() as space:
        yield space
