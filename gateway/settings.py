"""Settings of the gateway: API keys, rate limit, CORS, body limit, deadlines."""

from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from services.runtime.overload_settings import OverloadSettings, ResilienceSettings
from services.runtime.reporting_settings import ReportSettings
from services.runtime.settings import RuntimeSettings
from services.runtime.state.settings import StateSettings


class GatewaySettings(BaseSettings):
    """TRIPMESH_API_KEYS, TRIPMESH_RATE_LIMIT, TRIPMESH_CORS_ORIGINS, ..."""

    model_config = SettingsConfigDict(env_prefix="TRIPMESH_", extra="ignore")

    api_keys: str = Field(
        "", repr=False, description="Comma-separated API keys; empty: no auth, loopback only."
    )
    api_key_file: Path | None = Field(None, description="File with one API key per line.")
    rate_limit: int = Field(0, ge=0, description="Requests per minute per key (or IP); 0: off.")
    rate_limit_burst: int = Field(
        0, ge=0, description="Requests a client may make at once; 0: one minute's worth."
    )
    cors_origins: str = Field("", description="Comma-separated origins allowed by CORS.")
    max_body_bytes: int = Field(1024 * 1024, ge=1, description="Largest request body.")
    gateway_deadline: float = Field(
        60.0, gt=0, description="Seconds a unary call may take when the client set no timeout."
    )
    gateway_stream_deadline: float = Field(
        60.0,
        gt=0,
        description="Seconds a streaming call may take without a client timeout (the same as"
        " unary calls by default, as the orchestrator shares its deadline out across hops;"
        " long watch streams ask for more with Grpc-Timeout, up to TRIPMESH_GATEWAY_MAX_DEADLINE).",
    )
    gateway_max_deadline: float = Field(
        3600.0, gt=0, description="Longest timeout a client may ask for."
    )
    gateway_forward_headers: str = Field(
        "", description="Comma-separated extra request headers passed on as gRPC metadata."
    )
    audit_log: str = Field(
        "audit.log",
        description="JSON lines of every /v1 request (key id, route, status, request id,"
        " duration), relative to TRIPMESH_DATA_DIR; empty: off.",
    )
    gateway_overload_max_wait: float = Field(
        0.0,
        ge=0,
        description="Seconds a request may wait for a slot of the gateway's adaptive limit"
        " before its 503 (0: refused at once, never queued at the edge; the services wait"
        " TRIPMESH_OVERLOAD_MAX_WAIT).",
    )
    gateway_overload_min_limit: int = Field(
        64,
        ge=1,
        description="Requests the gateway always admits at once: above the services' own"
        " minimum, since one gateway fronts every replica behind it and each sheds its own load.",
    )
    mcp_poll_interval: float = Field(
        2.0, gt=0, description="Seconds between looks at the tool registry for MCP list changes."
    )
    gateway_readyz_timeout: float = Field(
        1.0, gt=0, description="Seconds /readyz waits for each upstream's health check."
    )


class Settings(
    GatewaySettings,
    ReportSettings,
    StateSettings,
    OverloadSettings,
    ResilienceSettings,
    RuntimeSettings,
):
    """Every setting the gateway reads."""
