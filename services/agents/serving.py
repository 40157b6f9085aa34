"""What the three agent servers share: their model chain, created once per process."""

from services.llm import ModelChain, create_model_chain
from services.runtime.server import ServiceContext


def install_model_chain(context: ServiceContext) -> ModelChain:
    """The chain TRIPMESH_MODELS describes, reporting each model call to the monitor,
    closed when the server stops."""
    chain = create_model_chain(context.settings, on_call=context.reporter.on_model_call)
    context.on_stop.append(chain.aclose)
    return chain
