"""Fixtures shared by every test."""

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.processes import MeshProcess, base_env

# Variables a developer's shell may hold that would change what the tests see.
OWN_PREFIXES = ("TRIPMESH_", "CONSUL_", "OPENAI_", "GEMINI_", "ANTHROPIC_", "GOOGLE_", "OTEL_")


@pytest.fixture(autouse=True)
def _isolated_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Tests never read a developer's keys, endpoints or data dir."""
    import os

    for name in list(os.environ):
        if name.startswith(OWN_PREFIXES) and name != "TRIPMESH_REQUIRE_INFRA":
            monkeypatch.delenv(name)
    monkeypatch.setenv("TRIPMESH_DATA_DIR", str(tmp_path / "data"))


@pytest.fixture(scope="session")
def mesh(tmp_path_factory: pytest.TempPathFactory) -> Iterator[MeshProcess]:
    """One offline mesh (`tripmesh up`) shared by the end-to-end tests of a session."""
    data_dir = tmp_path_factory.mktemp("mesh")
    running = MeshProcess(base_env(data_dir)).start(data_dir / "up.log")
    yield running
    running.stop()
