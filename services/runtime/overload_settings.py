"""Settings of overload control (overload.py) and of clients' resilience (channels.py).

Apart from those modules so that the settings class stays light to import.
"""

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from services.runtime.balancing import HedgeOptions
from services.runtime.channels import Resilience
from services.runtime.overload import LimitOptions
from services.runtime.replicas import OutlierOptions


class OverloadSettings(BaseSettings):
    """TRIPMESH_OVERLOAD_*: the adaptive concurrency limit of every server and the gateway."""

    model_config = SettingsConfigDict(env_prefix="TRIPMESH_", extra="ignore")

    overload_control: bool = Field(True, description="Refuse calls beyond an adaptive limit.")
    # 16: about what keeps two cores busy with offline trips (make chaos); more only queue.
    # Raise it where calls mostly wait on model APIs rather than use the CPU.
    overload_min_limit: int = Field(
        16, ge=1, description="Calls always admitted at once, however slow they get."
    )
    overload_max_limit: int = Field(512, ge=1, description="Calls never admitted beyond.")
    overload_initial_limit: int = Field(16, ge=1, description="The limit before any latency.")
    overload_tolerance: float = Field(
        2.0, ge=1.0, description="Latency, in multiples of a method's cheapest, not shrinking it."
    )
    overload_max_wait: float = Field(
        0.05,
        ge=0,
        description="Seconds a queued call may wait for a slot before it is refused, or as"
        " long as its method typically takes if longer (0: never queue, refuse at once).",
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


class ResilienceSettings(BaseSettings):
    """TRIPMESH_EJECTION_*, TRIPMESH_HEDGE_*, TRIPMESH_RETRY_BUDGET: how clients treat replicas."""

    model_config = SettingsConfigDict(env_prefix="TRIPMESH_", extra="ignore")

    ejection_failures: int = Field(
        3, ge=1, description="Transport failures or lost hedges in a row that eject a replica."
    )
    ejection_base: float = Field(2.0, gt=0, description="Seconds of a first ejection.")
    ejection_max: float = Field(30.0, gt=0, description="Seconds of the longest ejection.")
    ejection_slow_factor: float = Field(
        5.0, gt=1, description="A replica this many times slower than its fastest peer is ejected."
    )
    hedge_min_delay: float = Field(
        0.2, gt=0, description="Seconds before a late call is sent to a second replica, at least."
    )
    hedge_max_delay: float = Field(2.0, gt=0, description="... and at most.")
    retry_budget: float = Field(
        0.1,
        ge=0,
        le=1,
        description="Retries per call, and hedges per call, each besides a reserve of 10.",
    )

    def resilience(self) -> Resilience:
        return Resilience(
            outliers=OutlierOptions(
                failures_to_eject=self.ejection_failures,
                base_ejection=self.ejection_base,
                max_ejection=max(self.ejection_base, self.ejection_max),
                slow_factor=self.ejection_slow_factor,
            ),
            hedging=HedgeOptions(
                min_delay=self.hedge_min_delay,
                max_delay=max(self.hedge_min_delay, self.hedge_max_delay),
            ),
            retry_ratio=self.retry_budget,
        )
