"""The operators' page in a real Chromium: every service SERVING with its instances, then the
model-failure alert appearing live when the mesh's model provider (a fake OpenAI at its wire)
fails, the monitor's percentiles and error rates, the trip's waterfall, and the alert
resolving live when the monitor's window fills with successful model calls."""

import re
from collections.abc import Iterator
from pathlib import Path

import grpc
import httpx
import pytest
from selenium import webdriver
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select, WebDriverWait
from tripmesh.v1 import performance_monitor_service_pb2_grpc as pm_grpc

from registry import KNOWN_SERVICES
from tests.fakes import FakeOpenAI
from tests.integration.web.support import REDRAWN, WAIT, shown
from tests.support.meshes import openai_env, trip_request
from tests.support.monitor_records import model_calls_in_window, record_model_calls
from tests.support.processes import MeshProcess

pytestmark = pytest.mark.slow

MODEL = "model openai:gpt-4.1-mini"
GATEWAY_ROW = "gateway · POST /v1/trips:plan"
HOST_PORT = re.compile(r"^[0-9a-z.\-]+:[0-9]{2,5}$")
MILLISECONDS = re.compile(r"^[0-9]+\.[0-9] ms$")


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


def stats_rows(browser: webdriver.Chrome, *until: str) -> dict[str, list[str]]:
    """The statistics table (refreshed every five seconds) once it has a row holding each of
    `until`: "service · method or model" -> the row's other cells."""

    def rows(driver: webdriver.Chrome) -> dict[str, list[str]] | bool:
        found = {}
        for row in driver.find_elements(By.CSS_SELECTOR, "#stats table.stats tbody tr"):
            cells = [cell.text for cell in row.find_elements(By.TAG_NAME, "td")]
            found[f"{cells[0]} · {cells[1]}"] = cells[2:]
        return found if all(any(u in key for key in found) for u in until) else False

    found: dict[str, list[str]] = WebDriverWait(
        browser, WAIT, poll_frequency=1, ignored_exceptions=REDRAWN
    ).until(rows, f"rows of {until}")
    return found


def waterfall_rows(browser: webdriver.Chrome, *until: str) -> list[str]:
    """The waterfall's rows once a row holds each of `until`: asked again while the services'
    last records (sent in batches, once a second) reach the monitor."""

    def rows(driver: webdriver.Chrome) -> list[str] | bool:
        driver.find_element(By.CSS_SELECTOR, "#waterfall-form button").click()
        texts = [row.text for row in shown(driver, "svg.waterfall .waterfall-row")]
        return texts if all(any(u in text for text in texts) for u in until) else False

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
    for card in cards:  # each with its instances from discovery, as host:port
        instances = [
            li.text.split()[0] for li in card.find_elements(By.CSS_SELECTOR, ".instances li")
        ]
        assert instances, card.text
        assert all(HOST_PORT.match(address) for address in instances), instances
    assert browser.find_element(By.ID, "no-alerts").is_displayed()

    plan_a_trip(openai_mesh.gateway_url)
    assert fake_openai.count() > 0  # the provider was asked, and failed

    alert = shown(browser, ".alert[data-alert='alerts/model_failure_rate']")[0]
    assert alert.get_attribute("data-state") == "ALERT_STATE_FIRING"
    assert "model calls failed" in alert.text

    # the monitor's rolling figures: percentiles and error rates per method and per model
    headers = [th.text.lower() for th in shown(browser, "#stats table.stats thead th")]
    assert headers == ["service", "method or model", "calls", "errors", "p50", "p95", "p99", "cost"]
    plan_trip = "orchestrator · OrchestratorService/PlanTrip"
    stats = stats_rows(browser, MODEL, plan_trip)
    calls, errors, *percentiles, _ = next(v for k, v in stats.items() if MODEL in k)
    assert int(calls) > 0
    assert errors == "100.0 %"  # every call of the provider failed
    assert all(MILLISECONDS.match(p) for p in percentiles), percentiles
    calls, errors, *percentiles, _ = stats[plan_trip]
    assert int(calls) >= 1
    assert errors == "0.0 %"  # the trip was planned all the same, offline
    assert all(MILLISECONDS.match(p) for p in percentiles), percentiles

    # successful model calls fill the rule's window: the same alert resolves, live
    address = f"127.0.0.1:{openai_mesh.port('performance-monitor')}"
    with grpc.insecure_channel(address) as channel:
        monitor = pm_grpc.PerformanceMonitorServiceStub(channel)
        record_model_calls(monitor, "OK", 10 * model_calls_in_window(monitor))
    resolved = ".alert[data-alert='alerts/model_failure_rate'][data-state=ALERT_STATE_RESOLVED]"
    assert "resolved" in shown(browser, resolved)[0].text

    # the trip's waterfall: its RPCs and model calls from every service, the failed one marked
    browser.refresh()
    chooser = Select(shown(browser, "#waterfall-form select")[0])
    WebDriverWait(browser, WAIT).until(lambda _: len(chooser.options) > 1, "no trip to choose")
    chooser.select_by_index(1)  # the newest trip
    # (records are sent at most once, in batches: on a loaded machine one may be late or lost,
    # so the test waits for the calls that fired the alert, which have surely arrived)
    rows = waterfall_rows(browser, MODEL, GATEWAY_ROW)
    assert rows[0].startswith(GATEWAY_ROW), rows  # the request at the gateway comes first
    model_rows = [row for row in rows if MODEL in row]
    assert "UNAVAILABLE" in model_rows[0]
    assert "tok" in model_rows[0]
    assert "$" in model_rows[0]  # its cost
    assert re.search(r"[0-9]+\.[0-9] ms", model_rows[0])  # its duration
    starts = [
        title.get_attribute("textContent")
        for title in browser.find_elements(By.CSS_SELECTOR, "svg.waterfall .waterfall-row title")
    ]
    assert all("start +" in start for start in starts), starts  # each call's start
    assert browser.find_elements(By.CSS_SELECTOR, "svg.waterfall .waterfall-row rect.failed")
    assert len({row.split(" · ")[0] for row in rows}) >= 2, rows  # calls of several services
