"""Settings of the LLM provider chain, a mixin of the service's one Settings class."""

from typing import Literal

from pydantic import AliasChoices, BaseModel, Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from services.llm.specs import KEY_VARIABLES, ProviderSpec, parse_models, specs_for_keys
from services.runtime.state.settings import check_redis_url


class ModelPrice(BaseModel):
    # __doc__ assigned, not a docstring, so that its schema is the same under -OO (see
    # services/agents/schemas.py).
    __doc__ = """USD per one million tokens."""

    input: float = Field(ge=0)
    output: float = Field(ge=0)


class LLMSettings(BaseSettings):
    """Which models answer, in which order, and how hard the chain tries each one."""

    model_config = SettingsConfigDict(env_prefix="TRIPMESH_", extra="ignore")

    models: str | None = Field(
        default=None,
        description="Provider order, e.g. 'openai:gpt-4.1-mini,gemini:gemini-2.5-flash,offline'; "
        "unset: every provider whose key is set (OpenAI, Gemini, Anthropic), then offline.",
    )

    # One retry layer: attempts per provider (the first call included), full-jitter backoff.
    llm_retry_attempts: int = Field(default=3, ge=1, le=10)
    llm_backoff_base: float = Field(default=0.5, gt=0, description="Seconds; doubled per attempt.")
    llm_backoff_cap: float = Field(default=8.0, gt=0, description="Longest backoff, seconds.")
    llm_max_wait: float = Field(
        default=20.0,
        ge=0,
        description="Longest wait (Retry-After, backoff, rate limit) before failing over.",
    )
    llm_call_timeout: float = Field(
        default=60.0, gt=0, description="One model call without a deadline."
    )
    llm_deadline_margin: float = Field(
        default=0.1, ge=0, description="Seconds of the deadline kept for the offline fallback."
    )
    llm_reasks: int = Field(default=1, ge=0, le=3, description="Re-asks after a malformed answer.")
    llm_max_output_tokens: int | None = Field(default=None, ge=1)

    llm_breaker_failures: int = Field(
        default=5, ge=1, description="Consecutive failures that open it."
    )
    llm_breaker_cooldown: float = Field(
        default=30.0, gt=0, description="Seconds open before a probe."
    )

    llm_cache_size: int = Field(
        default=1024, ge=0, description="Cached answers; 0 turns the cache off."
    )
    llm_cache_ttl: float = Field(
        default=3600.0, gt=0, description="Seconds an answer stays cached."
    )

    cache_url: SecretStr | None = Field(
        default=None,
        description="Redis URL of a shared response cache, e.g. redis://127.0.0.1:6379/0; "
        "unset: in-process LRU.",
    )

    llm_prices: dict[str, ModelPrice] = Field(
        default_factory=dict, description="JSON: model -> {input, output} USD per 1M tokens."
    )
    budget_exceeded: Literal["offline", "refuse"] = Field(
        default="offline",
        description="When an API key's model budget is spent: plan with the offline engine "
        "and a warning, or refuse with RESOURCE_EXHAUSTED (HTTP 429) until the budget resets.",
    )
    llm_rate_burst: int = Field(
        default=2, ge=1, description="Calls a rate limiter lets through at once."
    )

    openai_api_key: SecretStr | None = Field(
        default=None, validation_alias=AliasChoices("OPENAI_API_KEY")
    )
    openai_base_url: str | None = Field(
        default=None, validation_alias=AliasChoices("OPENAI_BASE_URL")
    )
    openai_rate_limit: float = Field(
        default=0.0, ge=0, description="Requests per minute; 0: no limit."
    )
    openai_response_format: Literal["json_schema", "json_object"] = Field(
        default="json_schema",
        description="json_schema: structured outputs in strict mode; json_object: JSON mode "
        "with the schema in the prompt, for OpenAI-compatible servers without json_schema.",
    )

    gemini_api_key: SecretStr | None = Field(
        default=None, validation_alias=AliasChoices("GEMINI_API_KEY", "GOOGLE_API_KEY")
    )
    gemini_base_url: str | None = Field(
        default=None, validation_alias=AliasChoices("GEMINI_BASE_URL")
    )
    gemini_api_rate_limit: float = Field(
        default=60.0, ge=0, validation_alias=AliasChoices("GEMINI_API_RATE_LIMIT")
    )
    gemini_retry_attempts: int | None = Field(
        default=None, ge=1, le=10, validation_alias=AliasChoices("GEMINI_RETRY_ATTEMPTS")
    )
    gemini_fallback_model: str | None = Field(
        default=None, validation_alias=AliasChoices("GEMINI_FALLBACK_MODEL")
    )

    anthropic_api_key: SecretStr | None = Field(
        default=None, validation_alias=AliasChoices("ANTHROPIC_API_KEY")
    )
    anthropic_base_url: str | None = Field(
        default=None, validation_alias=AliasChoices("ANTHROPIC_BASE_URL")
    )
    anthropic_rate_limit: float = Field(
        default=0.0, ge=0, description="Requests per minute; 0: no limit."
    )

    @field_validator("models")
    @classmethod
    def _valid_models(cls, value: str | None) -> str | None:
        if value is not None:
            parse_models(value)  # raises ValueError naming the bad entry
        return value

    def missing_key(self) -> str | None:
        """Why the chain cannot be built: a provider named in TRIPMESH_MODELS without its key.

        Checked by the services that build a chain (the agents and the orchestrator), not
        here: the gateway and the others read the same variables but are given no model keys.
        """
        for spec in self.provider_specs():
            variable = KEY_VARIABLES.get(spec.kind)
            if variable and not self.has_key(spec.kind):
                return f"TRIPMESH_MODELS names {spec.name} but {variable} is not set"
        return None

    def has_key(self, kind: str) -> bool:
        key: SecretStr | None = getattr(self, f"{kind}_api_key", None)
        return key is not None

    def provider_specs(self) -> list[ProviderSpec]:
        """The chain's order: TRIPMESH_MODELS, or the providers whose keys are set."""
        if self.models is not None:
            return parse_models(self.models)
        return specs_for_keys({kind for kind in KEY_VARIABLES if self.has_key(kind)})

    @field_validator("cache_url")
    @classmethod
    def _valid_cache_url(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None:
            check_redis_url(value.get_secret_value())
        return value

    @field_validator(
        "models",
        "cache_url",
        "openai_api_key",
        "openai_base_url",
        "gemini_api_key",
        "gemini_base_url",
        "gemini_fallback_model",
        "anthropic_api_key",
        "anthropic_base_url",
        mode="before",
    )
    @classmethod
    def _empty_is_none(cls, value: object) -> object:
        # An exported-but-empty variable means "not set", as it does for the SDKs.
        return None if isinstance(value, str) and not value.strip() else value
