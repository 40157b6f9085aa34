"""Reflection serves the shipped descriptors with their comments: `grpcurl describe` shows
the .proto files' own words, for services, methods, messages and fields."""

import pytest

from tests.integration.foundation.test_services_in_processes import grpcurl
from tests.support.processes import MeshProcess

pytestmark = pytest.mark.slow


def test_grpcurl_describe_shows_the_comments(mesh: MeshProcess) -> None:
    address = f"127.0.0.1:{mesh.port('orchestrator')}"
    service = grpcurl(address, "describe", "tripmesh.v1.OrchestratorService")
    assert service.returncode == 0, service.stderr
    assert "// Runs a trip request through the agents and stores the result." in service.stdout
    assert "// Lists stored trips, newest first." in service.stdout

    request = grpcurl(address, "describe", "tripmesh.v1.PlanTripRequest")
    assert request.returncode == 0, request.stderr
    assert "// Number of days, 1..30." in request.stdout
    assert "int32 days = 3 [(.google.api.field_behavior) = REQUIRED];" in request.stdout


def test_another_service_describes_its_methods_with_comments(mesh: MeshProcess) -> None:
    described = grpcurl(
        f"127.0.0.1:{mesh.port('performance-monitor')}",
        "describe",
        "tripmesh.v1.PerformanceMonitorService",
    )
    assert described.returncode == 0, described.stderr
    assert "// Streams alerts as they fire and resolve." in described.stdout


def test_grpcurl_describes_one_method(mesh: MeshProcess) -> None:
    address = f"127.0.0.1:{mesh.port('orchestrator')}"
    method = grpcurl(address, "describe", "tripmesh.v1.OrchestratorService.ListTrips")
    assert method.returncode == 0, method.stderr
    assert "tripmesh.v1.OrchestratorService.ListTrips is a method:" in method.stdout
    assert "// Lists stored trips, newest first." in method.stdout
    unknown = grpcurl(address, "describe", "tripmesh.v1.OrchestratorService.NoSuchMethod")
    assert unknown.returncode != 0
    assert "Symbol not found" in unknown.stderr
