"""Keys that just work, in real processes: a key alone chooses its provider, and a provider
named in TRIPMESH_MODELS without its key stops the service at start, in one line."""

import subprocess
import sys
import time
from pathlib import Path

from tests.fakes import FakeGemini
from tests.support.processes import ROOT, ServiceProcess, base_env


def test_a_key_alone_selects_its_provider(tmp_path: Path) -> None:
    with FakeGemini() as fake:
        env = base_env(
            tmp_path,
            GEMINI_API_KEY="test-key",
            GEMINI_BASE_URL=fake.base_url,
            ENABLE_PERFORMANCE_MONITORING="false",
        )
        guide = ServiceProcess("guide", env).start(tmp_path)
        try:
            line = _wait_for_line(guide, "model provider chain")
        finally:
            guide.stop()
    assert (
        "model provider chain: gemini:gemini-2.5-flash -> offline, following the keys set "
        "(GEMINI_API_KEY; TRIPMESH_MODELS unset)"
    ) in line


def _wait_for_line(process: ServiceProcess, text: str, timeout: float = 90.0) -> str:
    """The first log line holding `text`, logged as the chain is built, before SERVING."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = [line for line in process.log().splitlines() if text in line]
        if found:
            return found[0]
        assert process.process is not None
        assert process.process.poll() is None, process.log()
        time.sleep(0.1)
    raise AssertionError(f"no {text!r} in the log after {timeout} s: {process.log()}")


def test_a_provider_named_without_its_key_refuses_to_start(tmp_path: Path) -> None:
    env = base_env(tmp_path, TRIPMESH_MODELS="openai,offline", TRIPMESH_PORT="0")
    done = subprocess.run(
        [sys.executable, "-m", "services.cli", "serve", "planner"],
        env={**env, "TRIPMESH_METRICS_PORT": "0"},
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 1
    assert done.stderr.strip() == (
        "tripmesh: planner: TRIPMESH_MODELS names openai:gpt-4.1-mini but OPENAI_API_KEY is not set"
    )


def test_tripmesh_up_names_the_missing_key_and_starts_nothing(tmp_path: Path) -> None:
    env = base_env(tmp_path, TRIPMESH_MODELS="anthropic:claude-sonnet-4-5")
    done = subprocess.run(
        [sys.executable, "-m", "services.cli", "up", "--port-offset", "6000"],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 2
    assert done.stderr.strip() == (
        "tripmesh: TRIPMESH_MODELS names anthropic:claude-sonnet-4-5 "
        "but ANTHROPIC_API_KEY is not set"
    )
    assert not (tmp_path / "logs").exists()  # no service was started
