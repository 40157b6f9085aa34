"""Fixtures for unit tests that drive the real model SDKs against a fake server, and for
those of the shared state: a key prefix of the test's own on the machine's Redis."""

from collections.abc import AsyncIterator, Iterator

import pytest

from services.llm import ModelChain
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
