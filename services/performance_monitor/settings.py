"""Settings of the performance monitor: health watching and alert rules."""

from typing import Literal

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from services.runtime.settings import ServerSettings


class MonitorSettings(BaseSettings):
    """Alert defaults come from the operations notes (issue #5)."""

    model_config = SettingsConfigDict(env_prefix="TRIPMESH_", extra="ignore")

    monitor_health_interval: float = Field(
        5.0, gt=0, description="Seconds between health checks of every service."
    )
    monitor_eval_interval: float = Field(
        2.0, gt=0, description="Seconds between evaluations of the alert rules."
    )
    monitor_lease_ttl: float = Field(
        10.0,
        gt=0,
        description="Seconds the alert lease lasts without renewal (replicas with shared "
        "state): another replica takes over the rules within about this long.",
    )
    alert_window: Literal[60, 300, 3600] = Field(
        300, description="Window of the rate and mean rules, in seconds: one of the stats windows."
    )
    alert_min_count: int = Field(
        5, ge=1, description="Executions a rate rule needs in its window before it can fire."
    )
    alert_trip_failure_rate: float = Field(
        0.05, ge=0, le=1, description="Fire above this share of failed trips (0 turns it off)."
    )
    alert_trip_duration: float = Field(
        600.0, ge=0, description="Fire above this mean trip processing time, seconds (0: off)."
    )
    alert_model_failure_rate: float = Field(
        0.20, ge=0, le=1, description="Fire above this share of failed model calls (0: off)."
    )
    alert_service_down: float = Field(
        120.0, ge=0, description="Fire when a service is not SERVING this long, seconds (0: off)."
    )


class Settings(MonitorSettings, ServerSettings):
    """Every setting the performance monitor reads."""
