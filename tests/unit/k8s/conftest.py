"""The manifest tests skip, saying why, where nothing can render kustomize."""

from collections.abc import Callable

import pytest

from tests.unit.k8s.manifests import Doc, RendererMissing, render, renderer


@pytest.fixture
def rendered() -> Callable[[str], tuple[Doc, ...]]:
    try:
        renderer()
    except RendererMissing as exc:
        pytest.skip(str(exc))
    return render
