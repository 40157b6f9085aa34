"""Every service's settings in one object, for tests that build servers in process.

Each service reads only its own settings class; a test often builds several
services from one set of overrides, so it takes the union of them all.
"""

from gateway.settings import Settings as GatewayServerSettings
from services.agents.settings import AgentSettings
from services.orchestrator.settings import Settings as OrchestratorServerSettings
from services.performance_monitor.settings import Settings as MonitorServerSettings
from services.runtime import settings as runtime_settings
from services.runtime.settings import SettingsError
from services.task_router.settings import Settings as RouterServerSettings
from services.tool_registry.settings import Settings as RegistryServerSettings

__all__ = ["Settings", "SettingsError", "load_settings"]


class Settings(
    GatewayServerSettings,
    OrchestratorServerSettings,
    RouterServerSettings,
    MonitorServerSettings,
    RegistryServerSettings,
    AgentSettings,
):
    """The union of every service's settings."""


def load_settings(**overrides: object) -> Settings:
    return runtime_settings.load_settings(Settings, **overrides)
