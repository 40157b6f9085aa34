"""A failing browser test leaves a screenshot of the page as it was when it failed."""

import os
import subprocess
import sys
from pathlib import Path

from tests.support.browser.driver import browser_binaries
from tests.support.processes import ROOT

CONFTEST = """
from pathlib import Path

import tests.integration.web.conftest as web
from tests.integration.web.conftest import browser, pytest_runtest_makereport  # noqa: F401

web.SCREENSHOTS = Path(__file__).parent / "shots"
"""

FAILING = """
def test_a_page_that_fails(browser):
    browser.get("data:text/html,<h1 id=seen>the page as it was</h1>")
    assert browser.find_element("id", "seen").text == "something else"
"""


def test_a_failing_browser_test_saves_a_screenshot(tmp_path: Path) -> None:
    browser_binaries()  # skip (or fail under TRIPMESH_REQUIRE_INFRA=1) without Chromium
    (tmp_path / "conftest.py").write_text(CONFTEST)
    (tmp_path / "test_failing.py").write_text(FAILING)
    run = subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-q", "test_failing.py"],
        cwd=tmp_path,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        capture_output=True,
        text=True,
        timeout=90,
        check=False,
    )
    assert run.returncode == 1, run.stdout + run.stderr  # the test failed, and only it
    shot = tmp_path / "shots" / "test_a_page_that_fails.png"
    assert f"screenshot of the failure: {shot}" in run.stdout
    assert shot.read_bytes().startswith(b"\x89PNG\r\n\x1a\n")
    assert shot.stat().st_size > 1000  # a rendered page, not an empty image
