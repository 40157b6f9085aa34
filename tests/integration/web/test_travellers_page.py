"""The travellers' page in a real Chromium against a whole offline mesh."""

import re
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from selenium import webdriver
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webelement import WebElement

from tests.fakes import FakeOpenAI
from tests.integration.web.support import shown, text_of
from tests.support.meshes import openai_env, trip_request
from tests.support.processes import MeshProcess, ServiceProcess, base_env

pytestmark = pytest.mark.slow

FIELDS = ("days", "travelers")  # wrong in the invalid form, each with its own message


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
    stages = [e.get_attribute("data-stage") for e in shown(browser, "#progress li")]
    assert stages[0] == "PLAN_STAGE_VALIDATED"
    assert stages[-1] == "PLAN_STAGE_COMPLETED"

    # the address is the trip's own page: opened afresh, it shows the stored trip
    trip_url = browser.current_url
    assert "/trips/" in trip_url
    browser.get(trip_url)
    assert len(shown(browser, ".day")) == 3
    trip_id = trip_url.rsplit("/", 1)[1]
    # and the list of stored trips, on the front page, opens it
    browser.get(mesh.gateway_url + "/")
    shown(browser, f"#trip-list a[href='/trips/{trip_id}']")[0].click()
    assert len(shown(browser, ".day")) == 3
    assert browser.current_url == trip_url

    # each day: its activities in order with their times, and plotted at their positions
    trip = httpx.get(f"{mesh.gateway_url}/v1/trips/{trip_id}").json()
    for day, card in zip(trip["itinerary"]["days"], shown(browser, ".day"), strict=True):
        activities = day["activities"]
        times = [e.text for e in card.find_elements(By.CSS_SELECTOR, ".activity .time strong")]
        assert times == [a["startTime"] for a in activities]
        points = card.find_elements(By.CSS_SELECTOR, "svg.plot .plot-point")
        assert len(points) == len([a for a in activities if a.get("location")])
        assert not card.find_elements(By.CSS_SELECTOR, "img, iframe")  # no map tiles
    # the budget: a bar per line item, and their total against a line at the budget
    chart = shown(browser, "svg.budget-chart")[0]
    labels = [t.text.lower() for t in chart.find_elements(By.CSS_SELECTOR, "text.label")]
    items = [i["category"].lower() for i in trip["estimate"]["lineItems"]]
    assert labels[: len(items) + 1] == [*items, "total"]
    assert len(chart.find_elements(By.CSS_SELECTOR, "rect")) == 2 * len(items)
    assert chart.find_elements(By.CSS_SELECTOR, "line.budget-line")
    assert "budget" in labels[-1]


def test_an_invalid_form_shows_the_apis_message_beside_each_field(
    browser: webdriver.Chrome, mesh: MeshProcess
) -> None:
    browser.get(mesh.gateway_url + "/")
    fill(browser, "destination", "Lisbon")
    fill(browser, "days", "45")
    fill(browser, "travelers", "0")
    browser.find_element(By.ID, "plan-button").click()

    shown_errors = {field: text_of(browser, f"[data-error-for={field}]") for field in FIELDS}
    for field in FIELDS:
        assert browser.find_element(By.NAME, field).get_attribute("aria-invalid") == "true"
    assert not browser.find_element(By.NAME, "destination").get_attribute("aria-invalid")
    assert not browser.find_elements(By.CSS_SELECTOR, ".day")
    assert "45" in shown_errors["days"]
    # the same words the API gives, one BadRequest violation per field
    request = {**trip_request("Lisbon", days=45, budget_eur=1500), "travelers": 0}
    reply = httpx.post(mesh.gateway_url + "/v1/trips:plan", json=request).json()
    (bad_request,) = [d for d in reply["details"] if d["@type"].endswith("BadRequest")]
    violations = {v["field"]: v["description"] for v in bad_request["fieldViolations"]}
    assert violations == shown_errors


@pytest.fixture
def billed_mesh(tmp_path: Path) -> Iterator[MeshProcess]:
    """A mesh whose model (a fake OpenAI) bills every call and cuts every answer short at the
    length limit: trips are planned offline, with warnings and a usage that costs something."""
    with FakeOpenAI() as fake:
        fake.default = FakeOpenAI.answer('{"travel_style": "bud', finish_reason="length")
        env = openai_env(tmp_path, fake, TRIPMESH_LLM_CACHE_SIZE="0")
        running = MeshProcess(env).start(tmp_path / "up.log")
        yield running
        running.stop()


def figures(section: WebElement) -> dict[str, str]:
    """A card's figures: label -> value, as shown."""
    return {
        f.find_element(By.TAG_NAME, "span").text: f.find_element(By.TAG_NAME, "strong").text
        for f in section.find_elements(By.CSS_SELECTOR, ".figure")
    }


def test_a_trip_shows_its_tips_warnings_usage_and_cost(
    browser: webdriver.Chrome, billed_mesh: MeshProcess
) -> None:
    request = trip_request("Porto", days=2, budget_eur=900)
    reply = httpx.post(f"{billed_mesh.gateway_url}/v1/trips:plan", json=request, timeout=60)
    assert reply.status_code == 200, reply.text
    trip = reply.json()
    assert trip["warnings"], "a model that did not answer is a warning"
    browser.get(f"{billed_mesh.gateway_url}/{trip['name']}")

    warnings = [li.text for li in shown(browser, ".warnings li")]
    assert warnings == trip["warnings"]
    tips = [li.text for li in shown(browser, ".guide .tip li")]
    assert tips == [tip["text"] for tip in sorted_by_category(trip["guide"]["tips"])]

    usage = trip["usage"]
    assert int(usage["inputTokens"]) > 0
    assert usage["costUsd"] > 0
    shown_usage = figures(shown(browser, ".usage")[0])
    digits = {label: re.sub(r"[^0-9]", "", value) for label, value in shown_usage.items()}
    assert digits["Model calls"] == str(usage["modelCalls"])
    assert digits["Tokens in"] == str(usage["inputTokens"])
    assert digits["Tokens out"] == str(usage["outputTokens"])
    assert digits["Revisions"] == str(trip.get("revisions", 0))
    cost = float(re.sub(r"[^0-9.]", "", shown_usage["Model cost"]))
    assert shown_usage["Model cost"].startswith("$")
    assert cost == pytest.approx(usage["costUsd"], abs=0.00005)  # to four decimals


def sorted_by_category(tips: list[dict[str, str]]) -> list[dict[str, str]]:
    """Tips as the page groups them: by category, in the order each category first appears."""
    order = list(dict.fromkeys(tip["category"] for tip in tips))
    return sorted(tips, key=lambda tip: order.index(tip["category"]))


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
