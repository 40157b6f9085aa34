"""The provider order of `TRIPMESH_MODELS`, e.g. "openai:gpt-4.1-mini,gemini,offline", or,
when it is unset, of the keys that are set."""

from dataclasses import dataclass

KINDS = ("openai", "gemini", "anthropic", "offline")
DEFAULT_MODELS = {
    "openai": "gpt-4.1-mini",
    "gemini": "gemini-2.5-flash",
    "anthropic": "claude-haiku-4-5",
    "offline": "offline",
}
# The key each remote provider needs; also the order of a chain that follows the keys.
KEY_VARIABLES = {
    "openai": "OPENAI_API_KEY",
    "gemini": "GEMINI_API_KEY",
    "anthropic": "ANTHROPIC_API_KEY",
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


def specs_for_keys(kinds_with_keys: set[str]) -> list[ProviderSpec]:
    """Each provider that has a key, with its default model, in KEY_VARIABLES' order; the
    offline engine last, so that a chain always answers."""
    remote = [ProviderSpec(k, DEFAULT_MODELS[k]) for k in KEY_VARIABLES if k in kinds_with_keys]
    return [*remote, ProviderSpec("offline", "offline")]


def with_fallback_model(specs: list[ProviderSpec], fallback: str | None) -> list[ProviderSpec]:
    """Puts GEMINI_FALLBACK_MODEL right after the last Gemini entry, unless already listed."""
    gemini = [i for i, spec in enumerate(specs) if spec.kind == "gemini"]
    extra = ProviderSpec("gemini", fallback) if fallback else None
    if extra is None or not gemini or extra in specs:
        return list(specs)
    at = gemini[-1] + 1
    return [*specs[:at], extra, *specs[at:]]
