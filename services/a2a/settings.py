"""TRIPMESH_A2A_TASK_TTL: how long replicas keep sharing an A2A task (shared_tasks.py)."""

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class A2ASettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="TRIPMESH_", extra="ignore")

    a2a_task_ttl: int = Field(
        86_400,
        ge=1,
        description="Seconds an A2A task stays in the shared state (TRIPMESH_STATE_URL) after "
        "its last change; then GetTask and ListTasks of other replicas no longer find it.",
    )
