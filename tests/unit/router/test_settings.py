"""The settings of issue 5 under their environment names."""

import pytest

from tests.support.settings import SettingsError, load_settings


def test_defaults(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("ENABLE_INTELLIGENT_ROUTING", "ENABLE_PERFORMANCE_MONITORING"):
        monkeypatch.delenv(name, raising=False)
    settings = load_settings()
    assert settings.tool_ttl == 15
    assert settings.enable_intelligent_routing is True
    assert settings.enable_performance_monitoring is True
    assert settings.router_ejection_failures == 5
    assert (settings.alert_trip_failure_rate, settings.alert_model_failure_rate) == (0.05, 0.20)
    assert (settings.alert_trip_duration, settings.alert_service_down) == (600, 120)


def test_environment_names(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ENABLE_INTELLIGENT_ROUTING", "false")
    monkeypatch.setenv("ENABLE_PERFORMANCE_MONITORING", "false")
    monkeypatch.setenv("TRIPMESH_TOOL_TTL", "2.5")
    monkeypatch.setenv("TRIPMESH_REPORT_BUFFER_SIZE", "50")
    settings = load_settings()
    assert settings.enable_intelligent_routing is False
    assert settings.enable_performance_monitoring is False
    assert settings.tool_ttl == 2.5
    assert settings.report_buffer_size == 50


def test_bad_values_name_the_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TRIPMESH_ALERT_WINDOW", "61")
    with pytest.raises(SettingsError, match="TRIPMESH_ALERT_WINDOW"):
        load_settings()
    monkeypatch.delenv("TRIPMESH_ALERT_WINDOW")
    monkeypatch.setenv("ENABLE_INTELLIGENT_ROUTING", "maybe")
    with pytest.raises(SettingsError, match="ENABLE_INTELLIGENT_ROUTING"):
        load_settings()
