"""What a test does when a real part it needs (PostgreSQL, Redis, Consul, kubectl,
Chromium, promtool, ...) is missing: skip with the reason on a developer's machine,
fail under TRIPMESH_REQUIRE_INFRA=1, which CI sets, so that CI cannot pass by skipping.
"""

import os
from typing import NoReturn

import pytest

# Read at import: the autouse fixture of tests/conftest.py clears TRIPMESH_* per test.
REQUIRED = os.environ.get("TRIPMESH_REQUIRE_INFRA", "") == "1"


def missing(part: str, reason: object) -> NoReturn:
    """Skips (or, with TRIPMESH_REQUIRE_INFRA=1, fails) a test that needs `part`."""
    message = f"{part} is not available: {reason}"
    if REQUIRED:
        pytest.fail(f"{message} (TRIPMESH_REQUIRE_INFRA=1: CI must not skip it)", pytrace=False)
    pytest.skip(message)
