"""A headless Chromium per test, with a screenshot in .cache/screenshots when a test fails."""

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from selenium import webdriver

from tests.support.browser.driver import browser_binaries, chromium
from tests.support.processes import ROOT

SCREENSHOTS = ROOT / ".cache" / "screenshots"


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[Any]) -> Any:
    report = yield
    if report.when == "call":
        item.stash[FAILED] = report.failed
    return report


FAILED = pytest.StashKey[bool]()


@pytest.fixture
def browser(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[webdriver.Chrome]:
    browser_binaries()  # skip (or fail under TRIPMESH_REQUIRE_INFRA=1) before any mesh starts
    with chromium(tmp_path / "profile") as session:
        session.implicitly_wait(0)
        yield session
        if request.node.stash.get(FAILED, False):
            SCREENSHOTS.mkdir(parents=True, exist_ok=True)
            shot = SCREENSHOTS / f"{request.node.name}.png"
            session.save_screenshot(str(shot))
            print(f"screenshot of the failure: {shot}")
