"""The metrics port answers kubelet probes in plain HTTP, from the server's overall health."""

import httpx

from services.runtime.metrics import serve_metrics


def test_readyz_follows_the_serving_state_and_healthz_only_liveness() -> None:
    serving = False
    port = serve_metrics("127.0.0.1", 0, ready=lambda: serving)
    base = f"http://127.0.0.1:{port}"
    assert httpx.get(f"{base}/readyz", timeout=5).status_code == 503
    assert httpx.get(f"{base}/healthz", timeout=5).status_code == 200
    serving = True
    assert httpx.get(f"{base}/readyz", timeout=5).status_code == 200
    assert "python_info" in httpx.get(f"{base}/metrics", timeout=5).text
