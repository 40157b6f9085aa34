"""TRIPMESH_STATE_URL: where replicas share their state (unset: in process, one replica each)."""

from urllib.parse import urlsplit

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict


class StateSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="TRIPMESH_", extra="ignore")

    state_url: SecretStr | None = Field(
        default=None,
        description="Redis URL of the state replicas share (registry, monitor, limits, spend), "
        "e.g. redis://127.0.0.1:6379/1; unset: in process.",
    )
    state_prefix: str = Field(
        "tripmesh:", description="Prefix of every key the mesh writes in the state database."
    )
    state_timeout: float = Field(
        0.5, gt=0, description="Seconds a state read or write may take before it counts as down."
    )
    state_rest: float = Field(
        2.0, gt=0, description="Seconds the state is left alone after a failure before a retry."
    )

    @field_validator("state_url", mode="before")
    @classmethod
    def _empty_is_none(cls, value: object) -> object:
        return None if isinstance(value, str) and not value.strip() else value

    @field_validator("state_url")
    @classmethod
    def _valid_state_url(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None:
            check_redis_url(value.get_secret_value())
        return value


def check_redis_url(url: str) -> None:
    """Raises ValueError for a URL Redis cannot use; the message never repeats the URL,
    which may carry a password."""
    parts = urlsplit(url.strip())
    if parts.scheme == "unix":
        if not parts.path:
            raise ValueError("a unix:// URL needs a socket path")
        return
    if parts.scheme not in ("redis", "rediss"):
        raise ValueError("expected redis://host:port/db, rediss://... or unix:///path")
    if not parts.hostname:
        raise ValueError("the URL names no host")
    _ = parts.port  # raises ValueError for a port that is not a number in range
    db = parts.path.strip("/")
    if db and not db.isdigit():
        raise ValueError("the database after the host must be a number, e.g. /0")
