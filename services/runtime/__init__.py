"""What every tripmesh server needs once: settings, logging, errors, metrics,
tracing, the server factory and outgoing channels."""
