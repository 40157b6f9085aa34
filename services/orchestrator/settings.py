"""Settings of the orchestrator: revision rounds, the trip deadline, the trip store."""

from datetime import timedelta
from typing import Literal

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from services.a2a.settings import A2ASettings
from services.llm.settings import LLMSettings
from services.runtime.settings import ServerSettings


class OrchestratorSettings(BaseSettings):
    """TRIPMESH_MAX_REVISIONS, TRIPMESH_TRIP_DEADLINE, TRIPMESH_TRIP_STORE, ..."""

    model_config = SettingsConfigDict(env_prefix="TRIPMESH_", extra="ignore")

    max_revisions: int = Field(
        2, ge=0, le=10, description="Revision rounds to fit the budget before giving up."
    )
    trip_deadline: float = Field(
        60.0, gt=0, description="Seconds a trip request may take when its caller set no deadline."
    )
    answer_reserve: float = Field(
        0.3, ge=0, description="Seconds of the deadline kept back to store the trip and answer."
    )
    guide_timeout_share: float = Field(
        0.5,
        gt=0,
        le=1,
        description="Share of the time left after the draft that the (optional) guide may take.",
    )
    idempotency_window: float = Field(
        24 * 3600.0, gt=0, description="Seconds a request_id returns its stored trip."
    )
    trip_retention: timedelta = Field(
        timedelta(days=30),
        ge=timedelta(0),
        description="How long trips are kept (30d, 12h, P30D); 0: forever.",
    )
    trip_purge_interval: float = Field(
        3600.0, gt=0, description="Seconds between purges of trips past their retention."
    )
    trip_store: Literal["sqlite", "postgres"] = Field("sqlite", description="Trip store backend.")
    database_url: str = Field("", description="PostgreSQL URL (TRIPMESH_TRIP_STORE=postgres).")


class Settings(OrchestratorSettings, A2ASettings, LLMSettings, ServerSettings):
    """Every setting the orchestrator reads (the model settings: A2A sentences)."""
