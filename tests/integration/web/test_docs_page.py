"""/docs in a real Chromium: each operation with its fields in the protos' words, and a
form that tries it against the gateway."""

import httpx
import pytest
from selenium import webdriver
from selenium.webdriver.common.by import By

from tests.integration.web.support import shown, text_of
from tests.support.processes import MeshProcess

pytestmark = pytest.mark.slow


def test_docs_show_fields_and_try_a_call(browser: webdriver.Chrome, mesh: MeshProcess) -> None:
    browser.get(mesh.gateway_url + "/docs")
    plan = shown(browser, "#OrchestratorService_PlanTrip")[0]
    rows = {
        row.find_element(By.CSS_SELECTOR, "td code").text: row.text
        for row in plan.find_elements(By.CSS_SELECTOR, "table.fields > tbody > tr")
    }
    assert "Number of days, 1..30." in rows["days"]
    assert "REQUIRED" in rows["days"].upper()
    assert "≤ 30" in rows["days"]
    assert "REQUIRED" not in rows["interests"].upper()
    assert "≤ 120 chars" in rows["destination"]  # the guardrail's, tighter than the door's
    assert "≤ 10 items" in rows["interests"]
    # the comments' `code` is set as code, not shown as Markdown backticks
    assert "`" not in browser.find_element(By.ID, "operations").text
    assert "gRPC /tripmesh.v1.OrchestratorService/PlanTrip" in plan.text
    assert plan.find_element(By.CSS_SELECTOR, "p code").text.startswith("/tripmesh.v1.")

    # every operation of the OpenAPI document, each with its own form
    document = httpx.get(mesh.gateway_url + "/openapi.json").json()
    operations = [op for methods in document["paths"].values() for op in methods.values()]
    assert len(operations) > 10
    for operation in operations:
        section = browser.find_element(By.ID, operation["operationId"])
        assert section.find_elements(By.CSS_SELECTOR, ".try-it form.try button"), section.text
        if "requestBody" in operation or operation.get("parameters"):
            assert section.find_elements(By.CSS_SELECTOR, "table.fields"), section.text

    listing = browser.find_element(By.ID, "OrchestratorService_ListTrips")
    listing.find_element(By.CSS_SELECTOR, ".try-it > summary").click()
    listing.find_element(By.CSS_SELECTOR, "input[name=pageSize]").send_keys("1")
    listing.find_element(By.CSS_SELECTOR, ".try button").click()
    reply = text_of(browser, "#OrchestratorService_ListTrips pre.response.ok")
    assert reply.startswith("200")
    assert '"trips"' in reply
