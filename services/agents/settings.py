"""Settings of the three agents: the model chain and the tools they offer."""

from services.a2a.settings import A2ASettings
from services.llm import LLMSettings
from services.tools.settings import ToolProviderSettings


class AgentSettings(A2ASettings, LLMSettings, ToolProviderSettings):
    """Every setting an agent (planner, budget, guide) reads."""
