"""Real runtime services behind the gateway: a slow one (504), a dead one (503, /readyz)."""

from services.tool_registry.server import create_server as tool_registry_server
from tests.integration.gateway.support import endpoints, running_gateway
from tests.integration.gateway.test_transcoding import assert_status
from tests.support.inprocess import running_server


async def test_tiny_grpc_timeout_against_a_slow_service_is_504() -> None:
    # TRIPMESH_FAULT_DELAY_MS: every tripmesh RPC of the service takes 500 ms longer.
    async with (
        running_server(tool_registry_server, fault_delay_ms=500) as (_server, port),
        running_gateway(endpoints=endpoints(tool_registry=port)) as client,
    ):
        response = await client.get("/v1/tools", headers={"grpc-timeout": "100m"})
        assert_status(response, 504, 4, "DEADLINE_EXCEEDED")
        assert (await client.get("/v1/tools", headers={"grpc-timeout": "5S"})).status_code == 200


async def test_readyz_names_the_upstreams_that_are_not_serving() -> None:
    async with (
        running_server(tool_registry_server) as (_server, port),
        running_gateway(endpoints=endpoints(tool_registry=port)) as client,
    ):
        response = await client.get("/readyz")
        assert response.status_code == 503
        body = response.json()
        assert body["upstreams"]["tripmesh-tool-registry"] == "SERVING"
        assert body["upstreams"]["tripmesh-orchestrator"] == "UNREACHABLE"
        assert "tripmesh-orchestrator" in body["notServing"]
        assert "tripmesh-tool-registry" not in body["notServing"]
        assert (await client.get("/healthz")).status_code == 200  # the gateway itself is fine


async def test_metrics_label_routes_by_template() -> None:
    async with (
        running_server(tool_registry_server) as (_server, port),
        running_gateway(endpoints=endpoints(tool_registry=port)) as client,
    ):
        await client.get("/v1/tools/geo.distance")
        await client.get("/v1/no/such/route/123")
        text = (await client.get("/metrics")).text
    assert 'http_requests_total{method="GET",route="/v1/{name=tools/*}",status="404"}' in text
    assert 'route="unmatched",status="404"' in text
    assert "geo.distance" not in text
    assert "/123" not in text
    assert (
        'http_request_duration_seconds_bucket{le="0.005",method="GET",route="/v1/{name=tools/*}"}'
        in text
    )
    assert "http_requests_in_flight" in text
