"""Renders the kustomize overlays of k8s/ into Python objects, for the tests beside this file."""

import functools
import shutil
import subprocess
from pathlib import Path
from typing import Any

import yaml  # type: ignore[import-untyped]

ROOT = Path(__file__).resolve().parents[3]
K8S = ROOT / "k8s"
OVERLAYS = ("base", "overlays/dev", "overlays/prod")
# Where HashiCorp's Consul chart runs (k8s/README.md), and the labels of its client agents'
# pods (release and name "consul", k8s/consul/values.yaml).
CONSUL_NAMESPACE = "consul"
CONSUL_CLIENT = {
    "app": "consul",
    "chart": "consul-helm",
    "release": "consul",
    "component": "client",
}

Doc = dict[str, Any]


class RendererMissing(Exception):
    """Neither kubectl nor kustomize is on PATH."""


def renderer() -> list[str]:
    """`kubectl kustomize`, or a standalone `kustomize build`."""
    if kubectl := shutil.which("kubectl"):
        return [kubectl, "kustomize"]
    if kustomize := shutil.which("kustomize"):
        return [kustomize, "build"]
    raise RendererMissing(
        "neither kubectl nor kustomize is on PATH (install the `kubectl` apt package from "
        "Kubernetes' apt repository, or a kustomize release binary)"
    )


@functools.cache
def render(overlay: str) -> tuple[Doc, ...]:
    done = subprocess.run(
        [*renderer(), str(K8S / overlay)], capture_output=True, text=True, timeout=60, check=False
    )
    if done.returncode != 0:
        raise AssertionError(f"kustomize {overlay} failed: {done.stderr}")
    return tuple(doc for doc in yaml.safe_load_all(done.stdout) if doc)


def by_kind(docs: tuple[Doc, ...], kind: str) -> dict[str, Doc]:
    return {d["metadata"]["name"]: d for d in docs if d["kind"] == kind}


def container(deployment: Doc) -> Doc:
    containers = deployment["spec"]["template"]["spec"]["containers"]
    assert len(containers) == 1, "one container per pod"
    return dict(containers[0])
