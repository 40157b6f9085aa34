"""The provider order of `TRIPMESH_MODELS`, e.g. "openai:gpt-4.1-mini,gemini,offline"."""

from dataclasses import dataclass

KINDS = ("openai", "gemini", "anthropic", "offline")
DEFAULT_MODELS = {
    "openai": "gpt-4.1-mini",
    "gemini": "gemini-2.5-flash",
    "anthropic": "claude-haiku-4-5",
    "offline": "offline",
}


@dataclass(frozen=True)
class ProviderSpec:
    """One entry of the chain: a provider kind and one of its models."""

    kind: str
    model: str

    @property
    def name(self) -> str:
        """ "openai:gpt-4.1-mini", or "offline" for the offline engine."""
        return self.kind if self.kind == "offline" else f"{self.kind}:{self.model}"


def parse_models(value: str) -> list[ProviderSpec]:
    """The specs of a comma-separated list; a kind alone takes its default model."""
    specs: list[ProviderSpec] = []
    for entry in (part.strip() for part in value.split(",")):
        if not entry:
            continue
        kind, _, model = entry.partition(":")
        kind, model = kind.strip().lower(), model.strip()
        if kind not in KINDS:
            raise ValueError(
                f"unknown model provider {kind!r} in {entry!r}; use {', '.join(KINDS)}"
            )
        spec = ProviderSpec(kind, "offline" if kind == "offline" else model or DEFAULT_MODELS[kind])
        if spec not in specs:
            specs.append(spec)
    if not specs:
        raise ValueError("no model provider listed; use e.g. 'offline'")
    return specs


def with_fallback_model(specs: list[ProviderSpec], fallback: str | None) -> list[ProviderSpec]:
    """Puts GEMINI_FALLBACK_MODEL right after the last Gemini entry, unless already listed."""
    gemini = [i for i, spec in enumerate(specs) if spec.kind == "gemini"]
    extra = ProviderSpec("gemini", fallback) if fallback else None
    if extra is None or not gemini or extra in specs:
        return list(specs)
    at = gemini[-1] + 1
    return [*specs[:at], extra, *specs[at:]]
