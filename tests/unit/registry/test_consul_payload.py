"""The body that registers an instance in Consul."""

from registry.base import Registration
from registry.consul_api import ConsulApi
from registry.consul_config import ConsulConfig
from registry.consul_registrar import service_payload


async def test_payload_has_tags_meta_and_a_grpc_check() -> None:
    api = ConsulApi(ConsulConfig(check_interval=2.0, check_timeout=1.0))
    try:
        registration = Registration(
            "tripmesh-planner",
            "tripmesh-planner-abc",
            "10.0.0.5",
            50052,
            tags=("tool:draft_itinerary", "v1"),
            meta={"version": "0.1.0", "proto_services": "tripmesh.v1.PlannerService"},
        )
        payload = service_payload(registration, api)
    finally:
        await api.close()
    assert payload["ID"] == "tripmesh-planner-abc"
    assert payload["Name"] == "tripmesh-planner"
    assert (payload["Address"], payload["Port"]) == ("10.0.0.5", 50052)
    assert payload["Tags"] == ["grpc", "v1", "tool:draft_itinerary"]
    assert payload["Meta"] == {"version": "0.1.0", "proto_services": "tripmesh.v1.PlannerService"}
    assert payload["Check"] == {
        "CheckID": "service:tripmesh-planner-abc",
        "Name": "gRPC health of tripmesh-planner",
        "GRPC": "10.0.0.5:50052",
        "GRPCUseTLS": False,
        "Interval": "2000ms",
        "Timeout": "1000ms",
        "DeregisterCriticalServiceAfter": "60000ms",
    }


async def test_ipv6_check_target_is_bracketed() -> None:
    api = ConsulApi(ConsulConfig())
    try:
        payload = service_payload(Registration("tripmesh-guide", "g", "fd00::5", 50054), api)
    finally:
        await api.close()
    assert payload["Check"]["GRPC"] == "[fd00::5]:50054"


async def test_the_http_gateway_gets_an_http_check_on_readyz() -> None:
    api = ConsulApi(ConsulConfig())
    try:
        registration = Registration("tripmesh-gateway", "gw-1", "10.0.0.9", 8080)
        payload = service_payload(registration, api)
    finally:
        await api.close()
    assert payload["Tags"] == ["http", "v1"]
    assert payload["Check"]["HTTP"] == "http://10.0.0.9:8080/readyz"
    assert "GRPC" not in payload["Check"]


async def test_with_mtls_checks_use_tls() -> None:
    api = ConsulApi(ConsulConfig(tls_checks=True))
    try:
        grpc_check = service_payload(Registration("tripmesh-budget", "b", "10.0.0.7", 50053), api)
        http_check = service_payload(Registration("tripmesh-gateway", "g", "10.0.0.9", 8080), api)
    finally:
        await api.close()
    assert grpc_check["Check"]["GRPCUseTLS"] is True
    assert grpc_check["Check"]["TLSSkipVerify"] is True  # the agent authenticates, see _check
    assert http_check["Check"]["HTTP"] == "https://10.0.0.9:8080/readyz"
    assert "TLSServerName" not in grpc_check["Check"]  # unknown to Consul before 1.10


async def test_verified_checks_name_the_instance_for_consul_to_check_its_certificate() -> None:
    api = ConsulApi(ConsulConfig(tls_checks=True, verify_checks=True))
    try:
        grpc_check = service_payload(Registration("tripmesh-budget", "b", "10.0.0.7", 50053), api)
        http_check = service_payload(Registration("tripmesh-gateway", "g", "10.0.0.9", 8080), api)
    finally:
        await api.close()
    for check, name in ((grpc_check, "tripmesh-budget"), (http_check, "tripmesh-gateway")):
        assert check["Check"]["TLSServerName"] == name
        assert "TLSSkipVerify" not in check["Check"]
