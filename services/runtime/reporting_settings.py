"""Settings of execution reporting to the performance monitor (reporting.py).

Apart from reporting.py so that the settings class stays light to import.
"""

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class ReportSettings(BaseSettings):
    """Batching of execution records; ENABLE_PERFORMANCE_MONITORING (runtime) turns it off."""

    model_config = SettingsConfigDict(env_prefix="TRIPMESH_", extra="ignore")

    report_batch_size: int = Field(
        200, ge=1, le=1000, description="Records per RecordExecutions call (the monitor's bound)."
    )
    report_interval: float = Field(1.0, gt=0, description="Seconds between sends at most.")
    report_buffer_size: int = Field(
        10_000, ge=1, description="Records kept while the monitor is slow; more are dropped."
    )
    report_timeout: float = Field(2.0, gt=0, description="Deadline of a RecordExecutions call.")
