"""Consul's checks of instances that serve mTLS only, against a real dev agent."""

from pathlib import Path

import pytest

from registry.consul import ConsulDiscovery
from services import certs
from services.runtime.tls import TlsFiles
from tests.integration.consul.conftest import HealthServer, Recorder, config_for, ports
from tests.support.consul.agent import ConsulAgent

pytestmark = pytest.mark.consul


def agent_tls_hcl(files: TlsFiles) -> str:
    """What a Consul agent needs to check mTLS instances: a certificate from the mesh's CA."""
    return "\n".join(
        (
            "enable_agent_tls_for_checks = true",
            f'cert_file = "{files.cert}"',
            f'key_file = "{files.key}"',
            f'ca_file = "{files.ca}"',
        )
    )


async def test_an_agent_with_a_mesh_certificate_passes_the_tls_check(
    consul_binary: str, tmp_path: Path, service_name: str
) -> None:
    """The agent's certificate is `tripmesh certs`' consul one, which the server authorizes
    for grpc.health.v1.Health/Check (and nothing else)."""
    certs.generate(tmp_path, names=["planner", certs.CONSUL])
    agent = ConsulAgent(consul_binary, agent_tls_hcl(certs.files(tmp_path, certs.CONSUL)))
    server = await HealthServer(files=certs.files(tmp_path, "planner")).start()
    agent.start()
    discovery = ConsulDiscovery(config_for(agent, tls_checks=True))
    try:
        await discovery.start()
        recorder = Recorder()
        discovery.watch(service_name, recorder)
        await discovery.register(server.registration(service_name))
        await recorder.until(lambda endpoints: ports(endpoints) == {server.port}, within=10)
    finally:
        await discovery.close()
        await server.stop()
        agent.close()
