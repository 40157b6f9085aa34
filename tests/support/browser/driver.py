"""Debian's Chromium driven through chromium-driver (Selenium): never a downloaded browser.

`make chromium` installs both. Without them the browser tests skip with the reason, and
fail when TRIPMESH_REQUIRE_INFRA=1.
"""

import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from selenium import webdriver
from selenium.webdriver.chrome.service import Service

from tests.support.infra import missing

FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
    "--window-size=1280,900",
)


def browser_binaries() -> tuple[str, str]:
    """(chromium, chromedriver) on PATH, or a skip (a failure under TRIPMESH_REQUIRE_INFRA=1)."""
    browser = shutil.which("chromium")
    driver = shutil.which("chromedriver")
    if browser and driver:
        return browser, driver
    missing("Chromium", "chromium and chromium-driver are not installed (`make chromium`)")


@contextmanager
def chromium(profile: Path, width: int = 1280, height: int = 900) -> Iterator[webdriver.Chrome]:
    """A headless Chromium with a fresh profile in `profile`."""
    browser, driver = browser_binaries()
    options = webdriver.ChromeOptions()
    options.binary_location = browser
    for flag in FLAGS:
        options.add_argument(flag)
    options.add_argument(f"--window-size={width},{height}")
    options.add_argument(f"--user-data-dir={profile}")
    session = webdriver.Chrome(options=options, service=Service(executable_path=driver))
    try:
        yield session
    finally:
        session.quit()
