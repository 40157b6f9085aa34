"""The manifest tests skip, saying why, where nothing can render kustomize."""

from collections.abc import Callable

import pytest

from tests.support.infra import missing
from tests.unit.k8s.manifests import Doc, RendererMissing, render, renderer


@pytest.fixture
def rendered() -> Callable[[str], tuple[Doc, ...]]:
    try:
        renderer()
    except RendererMissing as exc:
        missing("kubectl or kustomize", exc)
    return render
