"""Tools that agents offer: definitions with JSON Schemas, the ToolService servicer,
registration with the tool registry, and the client agents call tools through."""
