"""The web pages ship in the package and are served offline, under a same-origin-only policy."""

import re

import httpx
import pytest

from gateway.app import create_app
from gateway.pages import STATIC_DIR
from tests.support.settings import load_settings


@pytest.fixture
async def client() -> httpx.AsyncClient:
    app = create_app(load_settings())
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://gateway") as client:
        yield client


@pytest.mark.parametrize(
    ("path", "marker"),
    [
        ("/", "Plan a trip"),
        ("/trips/01abc-def", "Plan a trip"),
        ("/mesh", "Services"),
        ("/docs", "/openapi.json"),
    ],
)
async def test_pages_are_html_with_a_same_origin_policy(
    client: httpx.AsyncClient, path: str, marker: str
) -> None:
    response = await client.get(path)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    assert marker in response.text
    policy = response.headers["content-security-policy"]
    assert "default-src 'self'" in policy
    assert "script-src 'self'" in policy


async def test_static_modules_have_their_type_and_an_etag(client: httpx.AsyncClient) -> None:
    response = await client.get("/static/js/traveller.js")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/javascript")
    assert response.headers["etag"]


async def test_unknown_files_and_pages_are_json_404s(client: httpx.AsyncClient) -> None:
    for path in ("/static/nothing.js", "/static/../pyproject.toml", "/trips/a/b"):
        response = await client.get(path)
        assert response.status_code == 404, path
        assert response.json()["details"][0]["reason"] == "ROUTE_NOT_FOUND"


def test_pages_fetch_nothing_from_elsewhere() -> None:
    """No CDN: every URL a page or module names is on this origin, and every import exists."""
    for path in STATIC_DIR.rglob("*"):
        if path.suffix not in (".html", ".js", ".css"):
            continue
        text = path.read_text()
        assert not re.search(r"(src|href)=[\"']?(https?:)?//", text), path
        assert "@import" not in text, path
        for module in re.findall(r"from \"(\./[^\"]+)\"", text):
            assert (path.parent / module).is_file(), f"{path.name} imports missing {module}"
        for asset in re.findall(r"(?:src|href)=\"(/static/[^\"]+)\"", text):
            assert (STATIC_DIR / asset.removeprefix("/static/")).is_file(), asset
