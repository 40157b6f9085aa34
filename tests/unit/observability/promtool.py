"""Debian's Prometheus and promtool, fetched into .cache/prometheus by `make promtool`."""

import shutil
from pathlib import Path

import yaml  # type: ignore[import-untyped]

from tests.support.infra import missing

ROOT = Path(__file__).resolve().parents[3]
OBSERVABILITY = ROOT / "observability"
CACHED = ROOT / ".cache" / "prometheus" / "usr" / "bin"


def prometheus_binary(name: str) -> str:
    """`promtool` or `prometheus`: the cached one, else on PATH, else a skip (or failure)."""
    cached = CACHED / name
    if cached.is_file():
        return str(cached)
    found = shutil.which(name)
    if found is None:
        missing(name, "not in .cache/prometheus nor on PATH (`make promtool`)")
    return found


def write_rules(directory: Path) -> Path:
    """The PrometheusRule's spec as a plain Prometheus rule file in `directory`."""
    rule = yaml.safe_load((OBSERVABILITY / "prometheus-rule.yaml").read_text())
    path = directory / "rules.yaml"
    path.write_text(yaml.safe_dump(rule["spec"], sort_keys=False))
    return path
