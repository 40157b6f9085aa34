"""Settings of the task router: routing mode, scoring and outlier ejection."""

from pydantic import AliasChoices, Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from services.runtime.settings import ServerSettings


class RouterSettings(BaseSettings):
    """ENABLE_INTELLIGENT_ROUTING keeps its name from the operations notes."""

    model_config = SettingsConfigDict(env_prefix="TRIPMESH_", extra="ignore")

    enable_intelligent_routing: bool = Field(
        True,
        validation_alias=AliasChoices("ENABLE_INTELLIGENT_ROUTING"),
        description="Power of two choices with outlier ejection; false: plain round robin.",
    )
    router_ewma_decay: float = Field(
        3.0,
        gt=0,
        description="Seconds over which an unused instance's latency and error estimates fade.",
    )
    router_ejection_failures: int = Field(
        5, ge=1, description="Consecutive failures that eject an instance."
    )
    router_ejection_base: float = Field(
        10.0, gt=0, description="Seconds of the first ejection; each further one lasts longer."
    )
    router_ejection_max: float = Field(300.0, gt=0, description="Longest ejection, in seconds.")
    router_tool_cache_ttl: float = Field(
        1.0, ge=0, description="Seconds the router reuses a tool's registry entry."
    )


class Settings(RouterSettings, ServerSettings):
    """Every setting the task router reads."""
