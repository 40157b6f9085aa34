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
    """On a failed test, a screenshot while the page and the mesh behind it still run."""
    report = yield
    session = getattr(item, "funcargs", {}).get("browser")
    if report.when == "call" and report.failed and session is not None:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        shot = SCREENSHOTS / f"{item.name}.png"
        height = session.execute_script("return document.documentElement.scrollHeight")
        session.set_window_size(1280, min(int(height), 6000))  # the whole page, not its top
        session.save_screenshot(str(shot))
        report.sections.append(("screenshot", f"screenshot of the failure: {shot}"))
    return report


@pytest.fixture
def browser(tmp_path: Path) -> Iterator[webdriver.Chrome]:
    browser_binaries()  # skip (or fail under TRIPMESH_REQUIRE_INFRA=1) before any mesh starts
    with chromium(tmp_path / "profile") as session:
        yield session
