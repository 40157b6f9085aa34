"""The LLM provider chain shared by the agents: OpenAI, Gemini, Claude and the offline engine.

Importing this package imports no provider SDK; `create_model_chain` imports only
the SDKs of the providers in the chain: those `TRIPMESH_MODELS` lists or, when it is unset,
those whose key is set.
"""

from services.llm.chain import ModelChain, ModelResult, ModelTask, create_model_chain
from services.llm.records import ModelCallRecord
from services.llm.settings import LLMSettings
from services.llm.usage import Usage

__all__ = [
    "LLMSettings",
    "ModelCallRecord",
    "ModelChain",
    "ModelResult",
    "ModelTask",
    "Usage",
    "create_model_chain",
]
