"""Fixtures for unit tests that drive the real model SDKs against a fake server, and for
those of the shared state: a key prefix of the test's own on the machine's Redis, and two
replicas' connections to it on a clock the test moves."""

from collections.abc import AsyncIterator, Iterator

import pytest

from services.llm import ModelChain
from services.runtime.state.connection import SharedState, connect
from tests.fakes import FakeOpenAI
from tests.fakes.chains import openai_chain
from tests.support.redis_state import StateSpace, shared_state_space

MODEL = "gpt-4.1-mini"


@pytest.fixture(scope="module")
def openai_fake() -> Iterator[FakeOpenAI]:
    """One fake OpenAI server per module (tests/unit/llm has its own, per test)."""
    with FakeOpenAI() as server:
        yield server


@pytest.fixture
async def chain(openai_fake: FakeOpenAI) -> AsyncIterator[ModelChain]:
    """`openai:gpt-4.1-mini,offline` on the fake, which starts each test with nothing queued."""
    openai_fake.reset()
    model_chain = openai_chain(openai_fake, MODEL)
    yield model_chain
    await model_chain.aclose()


@pytest.fixture
def space() -> Iterator[StateSpace]:
    """A prefix of the test's own on the machine's Redis, deleted afterwards."""
    with shared_state_space() as space:
        yield space


class ManualClock:
    """A clock that moves only when the test moves it."""

    def __init__(self, now: float = 0.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> ManualClock:
    """The shared state's clock in `states` (a test module may start it elsewhere)."""
    return ManualClock()


@pytest.fixture
async def states(space: StateSpace, clock: ManualClock) -> AsyncIterator[list[SharedState]]:
    """Two replicas' connections to the test's own prefix, on `clock`."""
    made = [
        SharedState(connect(space.url, 1.0), prefix=space.prefix, rest=60, clock=clock)
        for _ in range(2)
    ]
    yield made
    for state in made:
        await state.aclose()
