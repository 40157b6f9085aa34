"""Tests that need infrastructure skip with the reason when it is missing, or fail when
TRIPMESH_REQUIRE_INFRA=1 (CI): read at import, before the tests' environment is cleaned."""

import os
from typing import NoReturn

import pytest

REQUIRED = os.environ.get("TRIPMESH_REQUIRE_INFRA") == "1"


def missing(reason: str) -> NoReturn:
    """Skips the test with `reason`, or fails it when infrastructure is required."""
    if REQUIRED:
        pytest.fail(f"{reason} (TRIPMESH_REQUIRE_INFRA=1)")
    pytest.skip(reason)
