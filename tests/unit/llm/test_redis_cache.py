"""The Redis response cache, against the real Redis of this machine (127.0.0.1:6379).

Each test writes under its own random namespace and deletes it afterwards. Without a
reachable Redis the tests that need one skip, saying why; the outage tests need none.
"""

import asyncio
import logging
import os
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import AsyncIterator, Callable, Iterator
from pathlib import Path

import pytest
import redis

from services.llm import LLMSettings, ModelChain, create_model_chain, redis_cache
from services.llm.redis_cache import RedisCache
from tests.fakes import FakeOpenAI
from tests.support.infra import missing
from tests.support.settings import SettingsError, load_settings
from tests.unit.llm.conftest import GOOD, OPENAI, plan_task

REDIS_URL = "redis://127.0.0.1:6379/0"


@pytest.fixture(scope="module")
def redis_client() -> Iterator[redis.Redis]:
    client = redis.Redis.from_url(REDIS_URL, socket_timeout=1, decode_responses=True)
    try:
        client.ping()
    except redis.RedisError as exc:
        client.close()
        missing("Redis", f"not reachable at {REDIS_URL} ({type(exc).__name__}: {exc})")
    yield client
    client.close()


@pytest.fixture
def namespace(redis_client: redis.Redis, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """A namespace of this test only, also the one a chain built from settings uses."""
    prefix = f"tripmesh:llm:test-{uuid.uuid4().hex}:"
    monkeypatch.setattr(redis_cache, "NAMESPACE", prefix)
    yield prefix
    keys = list(redis_client.scan_iter(match=f"{prefix}*"))
    if keys:
        redis_client.delete(*keys)


@pytest.fixture
async def make_chain(
    make_settings: Callable[..., LLMSettings],
) -> AsyncIterator[Callable[[str], ModelChain]]:
    """Chains with the response cache at `url`, closed after the test."""
    chains: list[ModelChain] = []

    def make(url: str) -> ModelChain:
        chains.append(create_model_chain(make_settings(f"openai:{OPENAI},offline", cache_url=url)))
        return chains[-1]

    yield make
    for chain in chains:
        await chain.aclose()


async def test_get_set_and_the_namespace(redis_client: redis.Redis, namespace: str) -> None:
    cache = RedisCache(REDIS_URL, ttl=60)
    try:
        assert await cache.get("k") is None
        await cache.set("k", '{"a": 1}')
        assert await cache.get("k") == '{"a": 1}'
    finally:
        await cache.aclose()
    assert redis_client.get(f"{namespace}k") == '{"a": 1}'
    assert 55 <= redis_client.ttl(f"{namespace}k") <= 60  # SET ... EX 60


async def test_the_default_namespace_is_tripmesh_llm(redis_client: redis.Redis) -> None:
    key = f"test-{uuid.uuid4().hex}"
    cache = RedisCache(REDIS_URL, ttl=60)
    try:
        await cache.set(key, "v")
        assert redis_client.get(f"tripmesh:llm:{key}") == "v"
    finally:
        await cache.aclose()
        redis_client.delete(f"tripmesh:llm:{key}")


async def test_an_entry_expires_after_its_ttl(namespace: str) -> None:
    cache = RedisCache(REDIS_URL, ttl=1)
    try:
        await cache.set("k", "v")
        assert await cache.get("k") == "v"
        await asyncio.sleep(1.1)
        assert await cache.get("k") is None
    finally:
        await cache.aclose()


async def test_a_repeated_task_makes_no_provider_call(
    make_chain: Callable[[str], ModelChain],
    openai_fake: FakeOpenAI,
    redis_client: redis.Redis,
    namespace: str,
) -> None:
    openai_fake.default = FakeOpenAI.answer(GOOD)
    chain = make_chain(REDIS_URL)
    first = await chain.run(plan_task("Lisbon"))
    again = await chain.run(plan_task(" Lisbon "))

    assert openai_fake.count() == 1
    assert again.value == first.value
    assert again.usage.model_calls == 0
    assert len(list(redis_client.scan_iter(match=f"{namespace}*"))) == 1  # in Redis, not memory


async def test_two_processes_sharing_one_redis_share_hits(
    make_chain: Callable[[str], ModelChain], openai_fake: FakeOpenAI, namespace: str
) -> None:
    openai_fake.default = FakeOpenAI.answer(GOOD)
    await make_chain(REDIS_URL).run(plan_task("Porto"))
    other = await make_chain(REDIS_URL).run(plan_task("Porto"))

    assert openai_fake.count() == 1
    assert other.provider == f"cache:openai:{OPENAI}"
    assert other.usage.model_calls == 0


async def test_closing_the_chain_closes_its_redis_client(
    make_settings: Callable[..., LLMSettings], namespace: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    closed: list[RedisCache] = []
    original = RedisCache.aclose

    async def aclose(self: RedisCache) -> None:
        closed.append(self)
        await original(self)

    monkeypatch.setattr(RedisCache, "aclose", aclose)
    await create_model_chain(make_settings(cache_url=REDIS_URL)).aclose()
    assert len(closed) == 1


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
    return port


@pytest.fixture
def silent_redis() -> Iterator[str]:
    """A "Redis" that accepts connections (the kernel's backlog) and never answers."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen(16)
        yield f"redis://127.0.0.1:{sock.getsockname()[1]}/0"


@pytest.mark.parametrize("outage", ["closed port", "silent server"])
async def test_an_unreachable_redis_costs_calls_not_answers_nor_time(
    outage: str,
    make_chain: Callable[[str], ModelChain],
    openai_fake: FakeOpenAI,
    silent_redis: str,
    caplog: pytest.LogCaptureFixture,
) -> None:
    openai_fake.default = FakeOpenAI.answer(GOOD)
    url = f"redis://127.0.0.1:{_closed_port()}/0" if outage == "closed port" else silent_redis
    chain = make_chain(url)
    began = time.monotonic()
    with caplog.at_level(logging.WARNING, logger="services.llm"):
        for _ in range(3):
            assert (await chain.run(plan_task())).provider == f"openai:{OPENAI}"

    assert openai_fake.count() == 3
    assert time.monotonic() - began < 2.0  # one socket timeout (0.25 s), then it rests
    outages = [r for r in caplog.records if "response cache" in r.getMessage()]
    assert len(outages) == 1  # once per outage, not per call


def test_a_malformed_url_stops_the_service_naming_the_variable(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("TRIPMESH_CACHE_URL", "localhost:6379")
    with pytest.raises(SettingsError, match=r"^TRIPMESH_CACHE_URL: .*redis://host:port/db"):
        load_settings()


def test_without_a_cache_url_redis_is_not_imported() -> None:
    script = (
        "import sys\n"
        "from services.llm import LLMSettings, create_model_chain\n"
        "create_model_chain(LLMSettings())\n"
        "print('redis' in sys.modules)\n"
    )
    root = Path(__file__).resolve().parents[3]
    env = {k: v for k, v in os.environ.items() if k != "TRIPMESH_CACHE_URL"}
    env["PYTHONPATH"] = f"{root / 'protos'}{os.pathsep}{root}"
    out = subprocess.run(
        [sys.executable, "-c", script], env=env, capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == "False"
