"""Settings of the three agents: the model chain and the tools they offer."""

from services.llm import LLMSettings
from services.tools.settings import ToolProviderSettings


class AgentSettings(LLMSettings, ToolProviderSettings):
    """Every setting an agent (planner, budget, guide) reads."""
