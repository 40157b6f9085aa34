"""Typed settings from the environment, read once at start.

Each concern declares a pydantic-settings mixin next to its code; each service
composes the mixins it reads into its own `Settings` class (in its server module)
on top of `ServerSettings`, so a bad value stops the process at start with a
message naming the variable, and the runtime knows nothing of the services above it.
"""

from pathlib import Path
from typing import Literal, TypeVar

from pydantic import AliasChoices, Field, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from registry.static import EndpointsSyntaxError, parse_endpoints
from services.runtime.overload_settings import OverloadSettings, ResilienceSettings
from services.runtime.reporting_settings import ReportSettings
from services.runtime.state.settings import StateSettings
from services.runtime.tls import TlsSettings

PREFIX = "TRIPMESH_"
S = TypeVar("S", bound=BaseSettings)


class RuntimeSettings(TlsSettings):
    """What every server needs: binding, limits, drain, discovery, observability."""

    model_config = SettingsConfigDict(env_prefix=PREFIX, extra="ignore")

    host: str = Field("127.0.0.1", description="Address servers bind to.")
    port: int | None = Field(None, ge=0, le=65535, description="gRPC port (HTTP for the gateway).")
    metrics_port: int | None = Field(None, ge=0, le=65535, description="Prometheus port.")
    instance_id: str = Field("", description="Unique id of this instance (generated when empty).")
    data_dir: Path = Field(Path(".tripmesh"), description="Where state files live.")
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"

    max_concurrent_rpcs: int = Field(512, ge=1, description="RPCs served at once, per server.")
    max_message_bytes: int = Field(4 * 1024 * 1024, ge=1024, description="Largest message.")
    grace_period: float = Field(10.0, ge=0, description="Seconds in-flight calls get on drain.")
    event_loop: Literal["asyncio", "uvloop"] = Field(
        "asyncio",
        description="The gRPC services' event loop: uvloop costs a call less CPU, and a process"
        " about 2 MB more memory (the gateway stays on asyncio's loop).",
    )
    drain_delay: float = Field(0.0, ge=0, description="Seconds NOT_SERVING before stopping.")
    readiness_interval: float = Field(
        5.0, gt=0, description="Seconds between probes of a service's hard dependencies."
    )
    default_deadline: float = Field(30.0, gt=0, description="Outgoing deadline without a caller's.")
    deadline_margin: float = Field(0.05, ge=0, description="Seconds kept back on each hop.")
    fault_delay_ms: int = Field(0, ge=0, description="Test setting: delay every tripmesh RPC.")
    fault_delay_methods: str = Field(
        "/tripmesh.", description="Comma-separated method prefixes the fault delay applies to."
    )

    endpoints: str = Field("", description="Static discovery: name=host:port,...")
    discovery: Literal["static", "consul", ""] = Field("", description="Backend (auto when empty).")
    consul_http_addr: str = Field("", validation_alias=AliasChoices("CONSUL_HTTP_ADDR"))
    consul_http_token: str = Field("", validation_alias=AliasChoices("CONSUL_HTTP_TOKEN"))
    consul_cacert: str = Field("", validation_alias=AliasChoices("CONSUL_CACERT"))
    consul_check_interval: float = Field(2.0, gt=0)
    consul_check_timeout: float = Field(1.0, gt=0)
    consul_verify_checks: bool = Field(
        False,
        description="With mTLS, Consul's checks verify the instance's certificate"
        " (TLSServerName: Consul 1.10 or later).",
    )

    tracing: Literal["off", "console", "otlp", ""] = Field(
        "", description="Span export; empty: OTLP when OTEL_EXPORTER_OTLP_ENDPOINT is set."
    )
    otel_exporter_otlp_endpoint: str = Field(
        "", validation_alias=AliasChoices("OTEL_EXPORTER_OTLP_ENDPOINT")
    )
    enable_performance_monitoring: bool = Field(
        True, validation_alias=AliasChoices("ENABLE_PERFORMANCE_MONITORING")
    )

    @field_validator("endpoints")
    @classmethod
    def _endpoints_parse(cls, value: str) -> str:
        try:
            parse_endpoints(value)
        except EndpointsSyntaxError as exc:
            raise ValueError(str(exc)) from None
        return value

    @property
    def discovery_kind(self) -> str:
        """ "consul" when asked for or when CONSUL_HTTP_ADDR is set, else "static"."""
        if self.discovery:
            return self.discovery
        return "consul" if self.consul_http_addr else "static"


class ServerSettings(
    ReportSettings, StateSettings, OverloadSettings, ResilienceSettings, RuntimeSettings
):
    """What the shared gRPC server runtime reads; each service's settings extend it."""


class SettingsError(Exception):
    """A setting is missing or malformed; the message names the variable."""


def env_name(settings_class: type[BaseSettings], field: str) -> str:
    """The environment variable that sets `field`."""
    info = settings_class.model_fields.get(field)
    alias = info.validation_alias if info else None
    if isinstance(alias, AliasChoices):
        return str(alias.choices[0])
    if isinstance(alias, str):
        return alias
    return f"{PREFIX}{field.upper()}"


def load_settings(settings_class: type[S], **overrides: object) -> S:
    """Reads the environment once; raises SettingsError naming the bad variable."""
    try:
        return settings_class(**overrides)  # type: ignore[arg-type]
    except ValidationError as exc:
        raise SettingsError(describe(exc, settings_class)) from None


def describe(exc: ValidationError, settings_class: type[BaseSettings]) -> str:
    """One line per bad variable: "TRIPMESH_PORT: Input should be a valid integer (got 'x')"."""
    lines = []
    for error in exc.errors():
        field = str(error["loc"][0]) if error["loc"] else "?"
        name = field if field.isupper() else env_name(settings_class, field)
        shown = "input" in error and error["type"] != "missing" and not _secret(name)
        got = f" (got {error['input']!r})" if shown else ""
        lines.append(f"{name}: {error['msg']}{got}")
    return "; ".join(lines)


def _secret(variable: str) -> bool:
    """Variables whose values never appear in a message (keys, tokens, URLs with passwords)."""
    return any(word in variable for word in ("KEY", "TOKEN", "SECRET", "PASSWORD", "URL"))
