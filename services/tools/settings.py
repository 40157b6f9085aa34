"""Settings of tool providers and of the tool registry."""

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from services.runtime.settings import ServerSettings


class ToolSettings(BaseSettings):
    """How long a tool registration lives, and how often providers renew it."""

    model_config = SettingsConfigDict(env_prefix="TRIPMESH_", extra="ignore")

    tool_ttl: float = Field(
        15.0, gt=0, description="Seconds a provider stays listed without a heartbeat."
    )
    tool_heartbeat_interval: float = Field(
        5.0, gt=0, description="Seconds between heartbeats (at most a third of the TTL is used)."
    )
    tool_registry_timeout: float = Field(
        2.0, gt=0, description="Deadline of a registration or heartbeat call."
    )
    tool_result_ttl: float = Field(
        600.0,
        ge=0,
        description="Seconds an agent remembers a pure tool's result (0: always the router).",
    )


class ToolProviderSettings(ToolSettings, ServerSettings):
    """What a server that offers tools reads."""
