"""Waiting on a page the way a user does: until something shows, with a deadline."""

from selenium import webdriver
from selenium.common.exceptions import StaleElementReferenceException
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webelement import WebElement
from selenium.webdriver.support.ui import WebDriverWait

WAIT = 60.0  # seconds: a trip on a busy two-core machine
# A page that redraws replaces elements between finding and reading them: look again.
REDRAWN = (StaleElementReferenceException,)


def shown(browser: webdriver.Chrome, css: str, timeout: float = WAIT) -> list[WebElement]:
    """The elements matching `css` once at least one is displayed."""

    def displayed(driver: webdriver.Chrome) -> list[WebElement] | bool:
        found = [e for e in driver.find_elements(By.CSS_SELECTOR, css) if e.is_displayed()]
        return found or False

    found: list[WebElement] = WebDriverWait(browser, timeout, ignored_exceptions=REDRAWN).until(
        displayed, f"nothing shown for {css!r}"
    )
    return found


def text_of(browser: webdriver.Chrome, css: str, timeout: float = WAIT) -> str:
    """The text of the first displayed element matching `css` once it has some."""

    def has_text(driver: webdriver.Chrome) -> str | bool:
        for element in driver.find_elements(By.CSS_SELECTOR, css):
            if element.is_displayed() and element.text.strip():
                return str(element.text.strip())
        return False

    text: str = WebDriverWait(browser, timeout, ignored_exceptions=REDRAWN).until(
        has_text, f"no text in {css!r}"
    )
    return text
