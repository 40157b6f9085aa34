"""A model chain of the real SDKs on a fake server: one model, then the offline engine."""

from typing import Any

from services.llm import LLMSettings, ModelChain, create_model_chain
from tests.fakes.openai_server import FakeOpenAI


def openai_chain(fake: FakeOpenAI, model: str = "gpt-4.1-mini", **extra: Any) -> ModelChain:
    """`openai:{model},offline` on `fake`, with quick backoff and a short call timeout."""
    values: dict[str, Any] = {  # the settings take the environment variables' names
        "models": f"openai:{model},offline",
        "OPENAI_API_KEY": "test-key",
        "OPENAI_BASE_URL": fake.base_url,
        "llm_backoff_base": 0.01,
        "llm_backoff_cap": 0.05,
        "llm_call_timeout": 5.0,
        **extra,
    }
    return create_model_chain(LLMSettings(**values))
