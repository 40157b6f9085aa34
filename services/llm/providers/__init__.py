"""Model providers. Each SDK is imported only when its provider is built."""

from services.llm.providers.base import Message, ModelRequest, Provider, RawAnswer
from services.llm.settings import LLMSettings
from services.llm.specs import ProviderSpec

__all__ = ["Message", "ModelRequest", "Provider", "RawAnswer", "build_provider"]


def build_provider(spec: ProviderSpec, settings: LLMSettings) -> Provider:
    """The remote provider of a spec; imports its SDK now, never at module import."""
    if spec.kind == "openai":
        from services.llm.providers.openai_provider import OpenAIProvider

        return OpenAIProvider(spec.model, settings)
    if spec.kind == "gemini":
        from services.llm.providers.gemini_provider import GeminiProvider

        return GeminiProvider(spec.model, settings)
    if spec.kind == "anthropic":
        from services.llm.providers.anthropic_provider import AnthropicProvider

        return AnthropicProvider(spec.model, settings)
    raise ValueError(f"{spec.name} is not a remote provider")
