"""The Consul chart's values give the client agents the mesh certificate the prod overlay issues.

With mTLS the services refuse a health check without a certificate from the mesh's CA, so the
agents present one: values-mtls.yaml mounts the Secret of the overlay's Certificate and points
the agents' TLS settings at it. Helm is not needed: these tests merge the values files as Helm
does (maps deeply, anything else replaced) and hold them against the rendered overlay, the
chart's conventions (where it mounts client.extraVolumes, what it substitutes in
client.extraConfig) and the services' table of who may call what.
"""

import json
from collections.abc import Callable
from pathlib import PurePosixPath
from typing import Any

import jsonschema
import pytest
import yaml  # type: ignore[import-untyped]

from services.runtime import access
from services.runtime.tls import spiffe_id
from tests.unit.k8s.cert_manager import authority_of
from tests.unit.k8s.manifests import CONSUL_NAMESPACE, K8S, Doc, by_kind

Render = Callable[[str], tuple[Doc, ...]]
VALUES = K8S / "consul"
USERCONFIG = PurePosixPath("/consul/userconfig")  # the chart mounts extraVolumes/<name> here
# The chart's client start script replaces these words in client.extraConfig (sed).
SUBSTITUTED = ("HOST_IP", "POD_IP", "HOSTNAME")

_FILE = {"type": "string", "pattern": "^/"}
# The agent configuration values-mtls.yaml sets, as strictly as the cert-manager schemas: a
# misspelt key (Consul would refuse to start, or ignore it) fails here first.
AGENT_TLS_FOR_CHECKS = {
    "type": "object",
    "properties": {
        "enable_agent_tls_for_checks": {"const": True},
        "tls": {
            "type": "object",
            "properties": {
                "internal_rpc": {
                    "type": "object",
                    "properties": {"ca_file": _FILE, "cert_file": _FILE, "key_file": _FILE},
                    "required": ["ca_file", "cert_file", "key_file"],
                    "additionalProperties": False,
                }
            },
            "required": ["internal_rpc"],
            "additionalProperties": False,
        },
    },
    "required": ["enable_agent_tls_for_checks", "tls"],
    "additionalProperties": False,
}
EXTRA_VOLUME = {
    "type": "object",
    "properties": {
        "type": {"enum": ["configMap", "secret"]},
        "name": {"type": "string", "pattern": "^[a-z0-9]([-a-z0-9]*[a-z0-9])?$"},
        "load": {"type": "boolean"},
        "items": {"type": "array"},
    },
    "required": ["type", "name"],
    "additionalProperties": False,
}


def merged(*names: str) -> dict[str, Any]:
    """The values Helm sees for `-f` of each file in turn."""
    result: dict[str, Any] = {}
    for name in names:
        result = _merge(result, yaml.safe_load((VALUES / name).read_text()))
    return result


def _merge(base: dict[str, Any], override: dict[str, Any]) -> dict[str, Any]:
    out = dict(base)
    for key, value in override.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = _merge(out[key], value)
        else:
            out[key] = value
    return out


def agent_config(values: dict[str, Any]) -> dict[str, Any]:
    text = values["client"]["extraConfig"]
    assert not [word for word in SUBSTITUTED if word in text], "the chart would rewrite it"
    config = json.loads(text)
    assert isinstance(config, dict)
    return config


def test_with_mtls_the_agents_present_the_certificate_the_overlay_issues(
    rendered: Render,
) -> None:
    values = merged("values.yaml", "values-mtls.yaml")
    assert values["client"]["enabled"] is True  # checks run on the node-local client agents
    # Consul's own TLS would give the agents a certificate of Consul's CA for the checks
    # (auto-encrypt), or put its own in the same settings.
    assert not values["global"].get("tls", {}).get("enabled", False)
    config = agent_config(values)
    jsonschema.validate(config, AGENT_TLS_FOR_CHECKS)
    [volume] = values["client"]["extraVolumes"]
    jsonschema.validate(volume, EXTRA_VOLUME)
    assert volume["type"] == "secret"
    assert volume.get("load", False) is False  # files, not configuration for the agent
    files = {PurePosixPath(path) for path in config["tls"]["internal_rpc"].values()}
    assert {f.parent for f in files} == {USERCONFIG / volume["name"]}
    assert {f.name for f in files} == {"ca.crt", "tls.crt", "tls.key"}  # cert-manager's names

    docs = rendered("overlays/prod")
    [certificate] = [
        c
        for c in by_kind(docs, "Certificate").values()
        if c["spec"]["secretName"] == volume["name"]
    ]
    assert certificate["metadata"]["namespace"] == CONSUL_NAMESPACE  # the chart's namespace
    # The CA the services trust and sign with (test_k8s_mtls checks theirs the same way).
    assert authority_of(docs, certificate)["metadata"]["name"] == "tripmesh-ca"
    spec = certificate["spec"]
    assert spec["uris"] == [spiffe_id(access.CONSUL)]
    assert "client auth" in spec["usages"]
    assert "server auth" not in spec["usages"]  # it serves nothing: no mesh server's identity
    assert "dnsNames" not in spec


def test_the_agents_identity_may_check_health_and_do_nothing_else() -> None:
    consul = spiffe_id(access.CONSUL)
    assert access.may_call(consul, "/grpc.health.v1.Health/Check")
    for method in (
        "/grpc.health.v1.Health/Watch",
        "/grpc.reflection.v1.ServerReflection/ServerReflectionInfo",
        "/grpc.reflection.v1alpha.ServerReflection/ServerReflectionInfo",
        "/tripmesh.v1.ToolRegistryService/ListTools",
        "/tripmesh.v1.PerformanceMonitorService/RecordExecutions",
    ):
        assert not access.may_call(consul, method), method


@pytest.mark.parametrize("with_dev", [False, True], ids=["values", "values+dev"])
def test_without_the_mtls_values_the_agents_keep_no_certificate(with_dev: bool) -> None:
    """The dev overlay is plaintext: its cluster has no such Secret to mount."""
    values = merged("values.yaml", *(["values-dev.yaml"] if with_dev else []))
    assert not values["client"].get("extraVolumes")
    assert "enable_agent_tls_for_checks" not in values["client"].get("extraConfig", "")


def test_the_schema_catches_a_misspelt_agent_setting() -> None:
    config = agent_config(merged("values.yaml", "values-mtls.yaml"))
    config["enable_agent_tls_for_check"] = config.pop("enable_agent_tls_for_checks")
    with pytest.raises(jsonschema.ValidationError, match="enable_agent_tls_for_check"):
        jsonschema.validate(config, AGENT_TLS_FOR_CHECKS)
