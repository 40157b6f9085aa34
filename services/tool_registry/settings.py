"""Settings of the tool registry: the TTL of registrations (TRIPMESH_TOOL_TTL)."""

from services.runtime.settings import ServerSettings
from services.tools.settings import ToolSettings


class Settings(ToolSettings, ServerSettings):
    """Every setting the tool registry reads."""
