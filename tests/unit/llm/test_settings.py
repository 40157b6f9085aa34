"""LLMSettings: the environment names and the provider order."""

import pytest
from pydantic import ValidationError

from services.llm import LLMSettings
from services.llm.specs import ProviderSpec, parse_models, with_fallback_model


def test_defaults_are_offline_only() -> None:
    settings = LLMSettings()
    assert settings.provider_specs() == [ProviderSpec("offline", "offline")]
    assert settings.openai_api_key is None
    assert settings.gemini_api_key is None


def test_standard_and_prefixed_names_are_read(monkeypatch: pytest.MonkeyPatch) -> None:
    env = {
        "TRIPMESH_MODELS": "openai:gpt-4.1-mini,gemini,offline",
        "OPENAI_API_KEY": "sk-test",
        "OPENAI_BASE_URL": "http://127.0.0.1:1/v1",
        "GEMINI_API_KEY": "g-test",
        "GEMINI_BASE_URL": "http://127.0.0.1:2",
        "GEMINI_API_RATE_LIMIT": "15",
        "GEMINI_RETRY_ATTEMPTS": "2",
        "GEMINI_FALLBACK_MODEL": "gemini-2.5-flash-lite",
        "TRIPMESH_LLM_BREAKER_FAILURES": "7",
        "TRIPMESH_LLM_CACHE_TTL": "60",
        "TRIPMESH_LLM_PRICES": '{"m": {"input": 1, "output": 2}}',
    }
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    settings = LLMSettings()

    assert settings.openai_api_key is not None
    assert settings.openai_api_key.get_secret_value() == "sk-test"
    assert "sk-test" not in repr(settings)  # keys never reach a log line
    assert settings.openai_base_url == "http://127.0.0.1:1/v1"
    assert settings.gemini_base_url == "http://127.0.0.1:2"
    assert settings.gemini_api_rate_limit == 15
    assert settings.gemini_retry_attempts == 2
    assert settings.gemini_fallback_model == "gemini-2.5-flash-lite"
    assert settings.llm_breaker_failures == 7
    assert settings.llm_cache_ttl == 60
    assert settings.llm_prices["m"].output == 2


def test_empty_variables_mean_unset(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", "")
    monkeypatch.setenv("OPENAI_BASE_URL", " ")
    settings = LLMSettings()
    assert settings.openai_api_key is None
    assert settings.openai_base_url is None


@pytest.mark.parametrize("models", ["claude:opus", " , "])
def test_bad_model_lists_stop_the_start(models: str) -> None:
    with pytest.raises(ValidationError) as raised:
        LLMSettings(models=models)
    assert "models" in str(raised.value)


def test_model_list_parsing() -> None:
    assert parse_models(" OpenAI , gemini:gemini-2.5-pro,offline,openai:gpt-4.1-mini ") == [
        ProviderSpec("openai", "gpt-4.1-mini"),
        ProviderSpec("gemini", "gemini-2.5-pro"),
        ProviderSpec("offline", "offline"),
    ]


def test_the_gemini_fallback_model_follows_the_last_gemini_entry() -> None:
    specs = parse_models("gemini:a,openai,offline")
    assert [s.name for s in with_fallback_model(specs, "b")] == [
        "gemini:a",
        "gemini:b",
        "openai:gpt-4.1-mini",
        "offline",
    ]
    assert with_fallback_model(specs, "a") == specs  # already listed
    assert with_fallback_model(parse_models("openai"), "b") == parse_models("openai")


@pytest.mark.parametrize(
    ("keys", "chain"),
    [
        (["OPENAI_API_KEY"], ["openai:gpt-4.1-mini", "offline"]),
        (["GEMINI_API_KEY"], ["gemini:gemini-2.5-flash", "offline"]),
        (["GOOGLE_API_KEY"], ["gemini:gemini-2.5-flash", "offline"]),
        (["ANTHROPIC_API_KEY"], ["anthropic:claude-haiku-4-5", "offline"]),
        (
            ["ANTHROPIC_API_KEY", "GEMINI_API_KEY", "OPENAI_API_KEY"],
            [
                "openai:gpt-4.1-mini",
                "gemini:gemini-2.5-flash",
                "anthropic:claude-haiku-4-5",
                "offline",
            ],
        ),
    ],
)
def test_without_tripmesh_models_the_keys_set_choose_the_chain(
    monkeypatch: pytest.MonkeyPatch, keys: list[str], chain: list[str]
) -> None:
    """The README's order (OpenAI, Gemini, Anthropic), each with its default model, offline
    last, whatever order the keys were set in."""
    for name in keys:
        monkeypatch.setenv(name, "test-key")
    settings = LLMSettings()
    assert [spec.name for spec in settings.provider_specs()] == chain
    assert settings.missing_key() is None


@pytest.mark.parametrize(
    ("models", "variable"),
    [
        ("openai", "OPENAI_API_KEY"),
        ("gemini:x", "GEMINI_API_KEY"),
        ("offline,anthropic", "ANTHROPIC_API_KEY"),
    ],
)
def test_a_provider_named_without_its_key_is_named_with_the_variable(
    models: str, variable: str
) -> None:
    problem = LLMSettings(models=models).missing_key()
    assert problem is not None
    assert problem.endswith(f"but {variable} is not set")
