"""Settings of overload control (overload.py) and of client resilience (balancing.py).

Apart from those modules so that the settings class stays light to import.
"""

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from services.runtime.overload import LimitOptions


class OverloadSettings(BaseSettings):
    """TRIPMESH_OVERLOAD_*: the adaptive concurrency limit of every server and the gateway."""

    model_config = SettingsConfigDict(env_prefix="TRIPMESH_", extra="ignore")

    overload_control: bool = Field(True, description="Refuse calls beyond an adaptive limit.")
    overload_min_limit: int = Field(
        32, ge=1, description="Calls always admitted at once, however slow they get."
    )
    overload_max_limit: int = Field(512, ge=1, description="Calls never admitted beyond.")
    overload_initial_limit: int = Field(64, ge=1, description="The limit before any latency.")
    overload_tolerance: float = Field(
        2.0, ge=1.0, description="Latency, in multiples of a method's cheapest, not shrinking it."
    )
    overload_max_wait: float = Field(
        0.05, ge=0, description="Seconds a call may wait for a slot before it is refused."
    )

    def limit_options(self) -> LimitOptions:
        low = min(self.overload_min_limit, self.overload_max_limit)
        return LimitOptions(
            initial=self.overload_initial_limit,
            min_limit=low,
            max_limit=self.overload_max_limit,
            tolerance=self.overload_tolerance,
            max_wait=self.overload_max_wait,
        )
