"""Fakes of external services at their wire protocol (local HTTP servers, port 0)."""

from tests.fakes.anthropic_server import FakeAnthropic
from tests.fakes.gemini_server import FakeGemini
from tests.fakes.openai_server import FakeOpenAI
from tests.fakes.scripted import Call, Reply, ScriptedServer, hang

__all__ = ["Call", "FakeAnthropic", "FakeGemini", "FakeOpenAI", "Reply", "ScriptedServer", "hang"]
