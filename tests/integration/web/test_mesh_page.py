"""The operators' page in a real Chromium: every service SERVING, then the model-failure
alert appearing live when the mesh's model provider (a fake OpenAI at its wire) fails."""

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from selenium import webdriver
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select, WebDriverWait

from registry import KNOWN_SERVICES
from tests.fakes import FakeOpenAI
from tests.integration.web.support import REDRAWN, WAIT, shown
from tests.support.meshes import openai_env, trip_request
from tests.support.processes import MeshProcess

pytestmark = pytest.mark.slow


@pytest.fixture
def fake_openai() -> Iterator[FakeOpenAI]:
    with FakeOpenAI() as fake:  # answers 500 to every call until a test scripts otherwise
        yield fake


@pytest.fixture
def openai_mesh(fake_openai: FakeOpenAI, tmp_path: Path) -> Iterator[MeshProcess]:
    env = openai_env(
        tmp_path,
        fake_openai,
        TRIPMESH_ALERT_MIN_COUNT="2",
        TRIPMESH_LLM_CACHE_SIZE="0",
    )
    running = MeshProcess(env).start(tmp_path / "up.log")
    yield running
    running.stop()


def plan_a_trip(gateway_url: str) -> None:
    request = trip_request("Porto", days=2, budget_eur=900)
    response = httpx.post(gateway_url + "/v1/trips:plan", json=request, timeout=60)
    assert response.status_code == 200, response.text  # the chain fell back to offline


def waterfall_rows(browser: webdriver.Chrome, until: str) -> list[str]:
    """The waterfall's rows once one holds `until`: asked again while the services' last
    records (sent in batches, once a second) reach the monitor."""

    def rows(driver: webdriver.Chrome) -> list[str] | bool:
        driver.find_element(By.CSS_SELECTOR, "#waterfall-form button").click()
        texts = [row.text for row in shown(driver, "svg.waterfall .waterfall-row")]
        return texts if any(until in text for text in texts) else False

    found: list[str] = WebDriverWait(
        browser, WAIT, poll_frequency=1, ignored_exceptions=REDRAWN
    ).until(rows, until)
    return found


def test_eight_services_serving_then_an_alert_when_the_provider_fails(
    browser: webdriver.Chrome, openai_mesh: MeshProcess, fake_openai: FakeOpenAI
) -> None:
    browser.get(openai_mesh.gateway_url + "/mesh")
    cards = shown(browser, ".service[data-status]")
    statuses = {c.get_attribute("data-service"): c.get_attribute("data-status") for c in cards}
    assert len(statuses) == 8
    assert statuses == dict.fromkeys(KNOWN_SERVICES, "SERVING")
    assert browser.find_element(By.ID, "no-alerts").is_displayed()

    plan_a_trip(openai_mesh.gateway_url)
    assert fake_openai.count() > 0  # the provider was asked, and failed

    alert = shown(browser, ".alert[data-alert='alerts/model_failure_rate']")[0]
    assert alert.get_attribute("data-state") == "ALERT_STATE_FIRING"
    assert "model calls failed" in alert.text

    # the trip's waterfall: its RPCs and model calls from every service, the failed one marked
    browser.refresh()
    chooser = Select(shown(browser, "#waterfall-form select")[0])
    WebDriverWait(browser, WAIT).until(lambda _: len(chooser.options) > 1, "no trip to choose")
    chooser.select_by_index(1)  # the newest trip
    # (records are sent at most once, in batches: on a loaded machine one may be late or lost,
    # so the test waits for the calls that fired the alert, which have surely arrived)
    rows = waterfall_rows(browser, until="model openai:gpt-4.1-mini")
    model_rows = [row for row in rows if "model openai:gpt-4.1-mini" in row]
    assert "UNAVAILABLE" in model_rows[0]
    assert "tok" in model_rows[0]
    assert browser.find_elements(By.CSS_SELECTOR, "svg.waterfall .waterfall-row rect.failed")
    assert len({row.split(" · ")[0] for row in rows}) >= 2, rows  # calls of several services
