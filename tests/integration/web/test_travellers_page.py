"""The travellers' page in a real Chromium against a whole offline mesh."""

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from selenium import webdriver
from selenium.webdriver.common.by import By

from tests.integration.web.support import shown, text_of
from tests.support.meshes import trip_request
from tests.support.processes import MeshProcess, ServiceProcess, base_env

pytestmark = pytest.mark.slow


def fill(browser: webdriver.Chrome, field: str, value: str) -> None:
    element = browser.find_element(By.NAME, field)
    element.clear()
    element.send_keys(value)


def test_plan_a_trip_through_the_form_and_read_its_days(
    browser: webdriver.Chrome, mesh: MeshProcess
) -> None:
    browser.get(mesh.gateway_url + "/")
    fill(browser, "destination", "Lisbon, Portugal")
    fill(browser, "days", "3")
    browser.find_element(By.CSS_SELECTOR, "label.chip:has(input[value=art])").click()
    browser.find_element(By.ID, "plan-button").click()

    days = shown(browser, ".day")
    assert len(days) == 3
    assert text_of(browser, ".trip-head h1") == "Lisbon"
    first = days[0]
    assert first.find_elements(By.CSS_SELECTOR, ".activity .time strong")[0].text[:2].isdigit()
    assert first.find_elements(By.CSS_SELECTOR, "svg.plot .plot-point")  # positions drawn
    assert browser.find_elements(By.CSS_SELECTOR, "svg.budget-chart rect")
    stages = [e.get_attribute("data-stage") for e in shown(browser, "#progress li")]
    assert stages[0] == "PLAN_STAGE_VALIDATED"
    assert stages[-1] == "PLAN_STAGE_COMPLETED"

    # the address is the trip's own page: opened afresh, it shows the stored trip
    trip_url = browser.current_url
    assert "/trips/" in trip_url
    browser.get(trip_url)
    assert len(shown(browser, ".day")) == 3
    trip_id = trip_url.rsplit("/", 1)[1]
    assert shown(browser, f"#trip-list a[href='/trips/{trip_id}']")


def test_an_invalid_form_shows_the_apis_message_beside_the_field(
    browser: webdriver.Chrome, mesh: MeshProcess
) -> None:
    browser.get(mesh.gateway_url + "/")
    fill(browser, "destination", "Lisbon")
    fill(browser, "days", "45")
    browser.find_element(By.ID, "plan-button").click()

    message = text_of(browser, "[data-error-for=days]")
    assert "days" in message
    assert "45" in message
    assert browser.find_element(By.NAME, "days").get_attribute("aria-invalid") == "true"
    assert not browser.find_elements(By.CSS_SELECTOR, ".day")
    # the same words the API gives
    request = trip_request("Lisbon", days=45, budget_eur=1500)
    reply = httpx.post(mesh.gateway_url + "/v1/trips:plan", json=request).json()
    violations = [d for d in reply["details"] if d["@type"].endswith("BadRequest")]
    assert violations[0]["fieldViolations"][0]["description"] == message


@pytest.fixture
def gateway_with_keys(mesh: MeshProcess, tmp_path: Path) -> Iterator[str]:
    env = base_env(tmp_path, TRIPMESH_ENDPOINTS=mesh.endpoints(), TRIPMESH_API_KEYS="k1")
    gateway = ServiceProcess("gateway", env).start(tmp_path).wait_serving()
    yield f"http://{gateway.address}"
    gateway.stop()


def test_with_api_keys_the_key_is_asked_once_per_session(
    browser: webdriver.Chrome, gateway_with_keys: str
) -> None:
    browser.get(gateway_with_keys + "/")
    dialog = shown(browser, "dialog#key-dialog")[0]  # the trips list needs a key
    dialog.find_element(By.NAME, "key").send_keys("k1")
    dialog.find_element(By.CSS_SELECTOR, "button").click()
    text_of(browser, "#trip-list li")
    assert "could not be listed" not in browser.find_element(By.ID, "trip-list").text
    assert browser.execute_script("return sessionStorage.getItem('tripmesh.apiKey')") == "k1"

    browser.refresh()  # the same session: no second question
    text_of(browser, "#trip-list li")
    assert "could not be listed" not in browser.find_element(By.ID, "trip-list").text
    assert not browser.find_elements(By.CSS_SELECTOR, "dialog#key-dialog[open]")
